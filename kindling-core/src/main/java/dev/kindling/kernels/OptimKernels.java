// OptimKernels: fast element loops of optimizer updates. The scalar loops in the optimizers (optim.Adam) are the
// spec; these do the same float operations in the same order per element (no fused multiply-add), so results are
// bit-identical to the scalar loop, for any thread count. Large parameters are split across the kernel threads.
package dev.kindling.kernels;

/** Entry points for vectorised optimizer updates; each returns false when the caller must run its scalar loop. */
public final class OptimKernels {
    private OptimKernels() {}

    /** Coefficients of one Adam/AdamW step, precomputed by the optimizer exactly as its scalar loop uses them. */
    public record AdamStep(float decay, float weightDecay, boolean maximize, boolean lerpLow, float w1, float w1c,
            float beta2, float w2, float stepSize, float bc2Sqrt, float eps) {}

    /**
     * One Adam step without AMSGrad over {@code n} elements: updates p (from {@code pOff}), m and v in place.
     * Returns false (nothing done) when the Vector API is unavailable.
     */
    public static boolean adam(AdamStep s, float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int n) {
        if (!VectorSupport.enabled()) return false;
        if (n < 2 * Elementwise1D.GRAIN) {
            VectorOptimKernels.adam(s, p, pOff, g, gOff, m, v, 0, n);
        } else {
            int blocks = (n + 63) / 64;   // 64-aligned ranges: the split never changes which lanes pair up
            Parallel.forRange(blocks, Elementwise1D.GRAIN / 64, (lo, hi) ->
                    VectorOptimKernels.adam(s, p, pOff, g, gOff, m, v, lo * 64, Math.min(n, hi * 64)));
        }
        return true;
    }
}
