// OptimKernels: the element loops of optimizer updates. adamScalar is the spec (plain loop, the float operations
// PyTorch's Adam does); the Vector API body does the same operations in the same order per lane (no fused
// multiply-add), so both give bit-identical results, for any thread count. Large parameters are split across the
// kernel threads.
package dev.kindling.kernels;

/** Entry points for optimizer updates (used by optim.Adam / AdamW). */
public final class OptimKernels {
    private OptimKernels() {}

    /** Coefficients of one Adam/AdamW step, precomputed by the optimizer in double and rounded once. */
    public record AdamStep(float decay, float weightDecay, boolean maximize, boolean lerpLow, float w1, float w1c,
            float beta2, float w2, float stepSize, float bc2Sqrt, float eps) {}

    /**
     * One Adam step over {@code n} elements: updates p (from {@code pOff}), m, v and, with AMSGrad ({@code vmax} not
     * null), vmax in place. Returns true when the Vector API kernel ran, false when the scalar spec did.
     */
    public static boolean adam(AdamStep s, float[] p, int pOff, float[] g, int gOff, float[] m, float[] v,
            float[] vmax, int n) {
        if (vmax != null || !VectorSupport.enabled()) {
            adamScalar(s, p, pOff, g, gOff, m, v, vmax, 0, n);
            return false;
        }
        if (n < 2 * Elementwise1D.GRAIN) {
            VectorOptimKernels.adam(s, p, pOff, g, gOff, m, v, 0, n);
        } else {
            int blocks = (n + 63) / 64;   // 64-aligned ranges: the split never changes which lanes pair up
            Parallel.forRange(blocks, Elementwise1D.GRAIN / 64, (lo, hi) ->
                    VectorOptimKernels.adam(s, p, pOff, g, gOff, m, v, lo * 64, Math.min(n, hi * 64)));
        }
        return true;
    }

    /** The spec: one Adam step over elements {@code [lo, hi)} (m, v, vmax indexed from 0, p and g from their offsets). */
    public static void adamScalar(AdamStep s, float[] p, int pOff, float[] g, int gOff, float[] m, float[] v,
            float[] vmax, int lo, int hi) {
        float decay = s.decay(), wd = s.weightDecay(), w1 = s.w1(), w1c = s.w1c(), beta2 = s.beta2(), w2 = s.w2();
        float stepSize = s.stepSize(), bc2Sqrt = s.bc2Sqrt(), eps = s.eps();
        boolean maximize = s.maximize(), lerpLow = s.lerpLow();
        for (int i = lo; i < hi; i++) {
            float pi = p[pOff + i];
            if (decay != 1f) pi *= decay;
            float d = maximize ? -g[gOff + i] : g[gOff + i];
            if (wd != 0) d += wd * pi;
            float mi = m[i];
            mi = lerpLow ? mi + w1 * (d - mi) : d - (d - mi) * w1c;       // torch.lerp's two branches
            m[i] = mi;
            float vi = v[i] * beta2;
            vi = vi + w2 * d * d;
            v[i] = vi;
            if (vmax != null) {
                vi = Math.max(vmax[i], vi);
                vmax[i] = vi;
            }
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[pOff + i] = pi - stepSize * (mi / denom);
        }
    }
}
