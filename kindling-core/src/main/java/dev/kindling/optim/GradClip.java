// GradClip: gradient clipping before an optimizer step — rescale all gradients so their joint norm is at
// most maxNorm (torch.nn.utils.clip_grad_norm_), or clamp each element (clip_grad_value_). In place.
package dev.kindling.optim;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Gradient clipping with PyTorch's semantics. Parameters without a gradient are skipped.
 *
 * <p>Example:
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipGradNorm(model.parameters(), 1.0, 2.0);   // the norm before clipping
 * opt.step();
 * }</pre>
 */
public final class GradClip {
    private GradClip() {}

    /** {@link #clipGradNorm(List, double, double)} with the L2 norm. */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0, false);
    }

    /**
     * Scales the gradients in place by {@code min(1, maxNorm / (total + 1e-6))}, where {@code total} is the
     * {@code normType}-norm of all gradients taken together (as one vector).
     *
     * @param params tensors whose {@code grad()} is clipped (null gradients are skipped)
     * @param maxNorm the largest allowed norm, >= 0
     * @param normType p of the p-norm: any p >= 0, or {@code Double.POSITIVE_INFINITY} (max |g|) /
     *     {@code NEGATIVE_INFINITY} (min |g|)
     * @return the total norm before clipping (0 when no parameter has a gradient); a non-finite norm makes
     *     the gradients non-finite too, as in PyTorch
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Like {@link #clipGradNorm(List, double, double)}; with {@code errorIfNonfinite} a NaN or infinite total
     * norm throws an {@link IllegalStateException} naming the first parameter whose gradient is not finite,
     * and no gradient is changed.
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        if (!(normType >= 0) && normType != Double.NEGATIVE_INFINITY) throw new IllegalArgumentException("clipGradNorm: normType must be >= 0 or "
                + "+/-Infinity, got " + normType);
        boolean max = normType == Double.POSITIVE_INFINITY, min = normType == Double.NEGATIVE_INFINITY;
        double acc = min ? Double.POSITIVE_INFINITY : 0;
        int count = 0;
        for (Tensor p : params) {
            Tensor grad = p.grad();
            if (grad == null) continue;
            count++;
            Tensor c = grad.detach().contiguous();
            float[] d = c.storage().floats();
            int off = c.offset(), n = c.numel();
            for (int i = 0; i < n; i++) {
                double a = Math.abs(d[off + i]);
                if (max) acc = a > acc || Double.isNaN(a) ? a : acc;
                else if (min) acc = a < acc || Double.isNaN(a) ? a : acc;
                else if (normType == 0) acc += a != 0 ? 1 : 0;
                else if (normType == 1) acc += a;
                else if (normType == 2) acc += a * a;
                else acc += Math.pow(a, normType);
                if (Double.isNaN(acc)) break;
            }
        }
        if (count == 0) return 0.0;
        double total = max || min || normType == 0 || normType == 1 ? acc
                : normType == 2 ? Math.sqrt(acc) : Math.pow(acc, 1.0 / normType);
        if (errorIfNonfinite && !Double.isFinite(total)) throw new IllegalStateException("clipGradNorm: the total norm "
                + "of order " + normType + " of the gradients is non-finite (" + total + "), so they cannot be clipped; "
                + firstNonFinite(params) + ". Set errorIfNonfinite to false to clip anyway");
        // PyTorch computes the coefficient as a float32 tensor and clamps it to at most 1 (NaN stays NaN).
        float coef = (float) (maxNorm / (total + 1e-6));
        if (coef > 1f) coef = 1f;
        if (coef == 1f) return total;
        try (var noGrad = Autograd.noGrad()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                if (!g.isContiguous()) {
                    g.mul_(coef);
                    continue;
                }
                float[] d = g.storage().floats();
                int off = g.offset(), n = g.numel();
                for (int i = 0; i < n; i++) d[off + i] *= coef;
                g.storage().markModified();
            }
        }
        return total;
    }

    /**
     * Clamps every gradient element to {@code [-clipValue, clipValue]} in place (NaN stays NaN).
     *
     * @param params tensors whose {@code grad()} is clipped (null gradients are skipped)
     * @param clipValue the largest allowed magnitude, >= 0
     */
    public static void clipGradValue(List<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got "
                + clipValue);
        float hi = (float) clipValue, lo = -hi;
        try (var noGrad = Autograd.noGrad()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                if (!g.isContiguous()) {
                    g.copy_(g.clamp(lo, hi));
                    continue;
                }
                float[] d = g.storage().floats();
                int off = g.offset(), n = g.numel();
                for (int i = 0; i < n; i++) {
                    float v = d[off + i];
                    d[off + i] = v > hi ? hi : v < lo ? lo : v;
                }
                g.storage().markModified();
            }
        }
    }

    private static String firstNonFinite(List<Tensor> params) {
        for (int k = 0; k < params.size(); k++) {
            Tensor g = params.get(k).grad();
            if (g == null) continue;
            float[] d = g.detach().contiguous().toFloatArray();
            for (int i = 0; i < d.length; i++) if (!Float.isFinite(d[i])) return "parameter " + k + " (shape "
                    + Arrays.toString(g.shape()) + ") has gradient " + d[i] + " at flat index " + i;
        }
        return "no single gradient element is non-finite, but their norm overflows";
    }
}
