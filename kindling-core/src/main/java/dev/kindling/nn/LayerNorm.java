// LayerNorm: layer normalisation over the trailing dims (torch.nn.LayerNorm), with a learnable
// per-element scale (ones) and shift (zeros) as PyTorch initialises them.
package dev.kindling.nn;

import dev.kindling.ops.Norms;
import dev.kindling.tensor.Tensor;

/**
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} over the last {@code normalizedShape.length} dims.
 *
 * <p>Parameters {@code weight} and {@code bias} of shape {@code normalizedShape} (absent without
 * elementwise affine). Shape: {@code [..., *normalizedShape]}, preserved.
 * Example: {@code new LayerNorm(768).forward(h); // [B, T, 768]}
 */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final float eps;
    private final Tensor weight, bias;

    /** Layer norm with eps 1e-5 and a learnable weight and bias. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5f, true, true);
    }

    /** Layer norm with the given eps; {@code elementwiseAffine = false} has no parameters. */
    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        this(normalizedShape, eps, elementwiseAffine, true);
    }

    /** Layer norm; {@code bias = false} keeps the weight but drops the shift (PyTorch's {@code bias=False}). */
    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine, boolean bias) {
        this.normalizedShape = checkShape("LayerNorm", normalizedShape);
        this.eps = eps;
        this.weight = registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : null);
        this.bias = registerParameter("bias", elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : null);
    }

    static int[] checkShape(String layer, int[] shape) {
        if (shape == null || shape.length == 0) throw new IllegalArgumentException(layer
                + ": normalizedShape must have at least one dim");
        for (int d : shape) if (d <= 0) throw new IllegalArgumentException(layer + ": normalizedShape dims must be "
                + "positive, got " + java.util.Arrays.toString(shape));
        return shape.clone();
    }

    /** The scale, or null without elementwise affine. */
    public Tensor weight() {
        return weight;
    }

    /** The shift, or null. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norms.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        return Repr.tuple(normalizedShape) + ", eps=" + Repr.num(eps) + ", elementwise_affine=" + (weight != null);
    }
}
