// RMSNorm: root-mean-square normalisation over the trailing dims (torch.nn.RMSNorm, as in LLaMA-style
// transformers), with a learnable per-element scale initialised to ones.
package dev.kindling.nn;

import dev.kindling.ops.Norms;
import dev.kindling.tensor.Tensor;

/**
 * {@code y = x / sqrt(mean(x^2) + eps) * weight} over the last {@code normalizedShape.length} dims.
 *
 * <p>Shape: {@code [..., *normalizedShape]}, preserved. Example: {@code new RMSNorm(4096, 1e-6f).forward(h);}
 */
public class RMSNorm extends Module {
    /** PyTorch's eps when none is given: the float32 machine epsilon, {@code torch.finfo(float32).eps}. */
    public static final float DEFAULT_EPS = Math.ulp(1f);

    private final int[] normalizedShape;
    private final float eps;
    private final Tensor weight;

    /** RMS norm over the last dim with PyTorch's default eps (float32 machine epsilon). */
    public RMSNorm(int dim) {
        this(new int[] {dim}, DEFAULT_EPS, true);
    }

    /** RMS norm over the last dim with the given eps (LLaMA uses 1e-6 or 1e-5). */
    public RMSNorm(int dim, float eps) {
        this(new int[] {dim}, eps, true);
    }

    /** RMS norm; {@code elementwiseAffine = false} has no weight. */
    public RMSNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        this.normalizedShape = LayerNorm.checkShape("RMSNorm", normalizedShape);
        this.eps = eps;
        this.weight = registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : null);
    }

    /** The scale, or null without elementwise affine. */
    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norms.rmsNorm(x, normalizedShape, weight, eps);
    }

    @Override
    protected String extraRepr() {
        return Repr.tuple(normalizedShape) + ", eps=" + Repr.num(eps) + ", elementwise_affine=" + (weight != null);
    }
}
