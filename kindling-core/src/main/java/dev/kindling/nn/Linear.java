// Linear: the fully connected layer y = x W^T + b (torch.nn.Linear), with PyTorch's default initialisation
// so a freshly built model has the same weight distribution as its PyTorch twin.
package dev.kindling.nn;

import dev.kindling.ops.Linalg;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Affine map {@code y = x W^T + b}. Parameters {@code weight [out, in]} and {@code bias [out]} (optional).
 *
 * <p>Initialisation as PyTorch: weight {@code kaiming_uniform(a = sqrt(5))}, i.e. U(-1/sqrt(in), 1/sqrt(in)),
 * bias U(-1/sqrt(in), 1/sqrt(in)), drawn from {@code g} in that order.
 *
 * <p>Shape: {@code [..., in] -> [..., out]}. Example: {@code new Linear(784, 128, g).forward(x); // [B, 128]}
 */
public class Linear extends Module {
    private final int inFeatures, outFeatures;
    private final Tensor weight, bias;

    /** A linear layer with bias. */
    public Linear(int inFeatures, int outFeatures, Generator g) {
        this(inFeatures, outFeatures, true, g);
    }

    /** A linear layer; {@code bias = false} leaves out the bias (no {@code bias} key in the state dict). */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator g) {
        if (inFeatures < 0 || outFeatures < 0) throw new IllegalArgumentException("Linear: feature counts must be >= 0, "
                + "got in_features=" + inFeatures + ", out_features=" + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));   // [out, in]
        this.bias = registerParameter("bias", bias ? Tensor.zeros(outFeatures) : null);      // [out]
        resetParameters(g);
    }

    /** Re-draws the parameters with PyTorch's default initialisation. */
    public void resetParameters(Generator g) {
        Init.kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu", g);
        if (bias != null) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform_(bias, -bound, bound, g);
        }
    }

    /** The weight {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Linalg.linear(x, weight, bias);   // [..., in] -> [..., out]
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null);
    }
}
