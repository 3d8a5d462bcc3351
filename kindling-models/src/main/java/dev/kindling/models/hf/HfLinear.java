// HfLinear: a torch.nn.Linear-shaped layer (weight [out, in], optional bias) whose parameters are allocated for a
// checkpoint to fill: zeros by default (no wasted random init for billions of values), or Hugging Face's
// normal(0, std) init when a Generator is given. Forward is core's fused Linalg.linear.
package dev.kindling.models.hf;

import dev.kindling.nn.Init;
import dev.kindling.nn.Module;
import dev.kindling.ops.Linalg;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Affine map {@code y = x W^T + b} with Hugging Face parameter names ({@code weight [out, in]}, {@code bias [out]}).
 *
 * <p>Shape: {@code [..., in] -> [..., out]}. Example: {@code new HfLinear(32, 64, false, null, 0)} (to be loaded).
 */
public final class HfLinear extends Module {
    private final Tensor weight, bias;

    /**
     * Args: bias — whether the layer has one; g — null leaves zeros (for loading), else weight ~ N(0, std) and
     * bias 0, as Hugging Face's {@code _init_weights}.
     */
    public HfLinear(int in, int out, boolean bias, Generator g, double std) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("HfLinear: in and out must be positive, got " + in
                + ", " + out);
        weight = registerParameter("weight", Tensor.zeros(out, in));   // [out, in]
        this.bias = registerParameter("bias", bias ? Tensor.zeros(out) : null);
        if (g != null) Init.normal_(weight, 0, std, g);
    }

    /** The weight {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return apply(x, weight, bias);   // [..., in] -> [..., out]
    }

    /**
     * {@code x @ weight^T + bias} (torch Linear layout), one fused op with gradient. A decoding step's few rows need
     * no special case here: Gemm reads the weight in place for them instead of packing it.
     *
     * <p>Shape: x {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} or null -> {@code [..., out]}.
     */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        return Linalg.linear(x, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + weight.size(1) + ", out_features=" + weight.size(0) + ", bias=" + (bias != null);
    }
}
