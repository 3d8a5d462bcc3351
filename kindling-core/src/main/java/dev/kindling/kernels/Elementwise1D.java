// Elementwise1D: dispatch for 1-D kernels: the Vector API kernels when enabled, else the scalar
// reference; large ranges are split across the kernel threads.
package dev.kindling.kernels;

/** Entry points for 1-D elementwise, reduction and row kernels. */
public final class Elementwise1D {
    /** Elements per thread below which splitting costs more than it saves. */
    static final int GRAIN = 1 << 15;

    private Elementwise1D() {}

    /** Ranges split across threads start at multiples of this, so results do not depend on the thread count. */
    private static final int BLOCK = 64;

    /** Parallel over [0, n) with boundaries on BLOCK multiples. */
    private static void split(int n, Parallel.RangeBody body) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        Parallel.forRange(blocks, GRAIN / BLOCK, (lo, hi) -> body.run(lo * BLOCK, Math.min(n, hi * BLOCK)));
    }

    private static boolean fast() {
        return VectorSupport.enabled();
    }

    /** out[i] = op(a[ao + i*as], b[bo + i*bs]) with strides 0 or 1. */
    public static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        if (!fast()) {
            ScalarKernels.binary(op, a, ao, as, b, bo, bs, out, oo, n);
            return;
        }
        if (n < 2 * GRAIN) {
            VectorKernels.binary(op, a, ao, as, b, bo, bs, out, oo, n);
            return;
        }
        split(n, (lo, hi) ->
                VectorKernels.binary(op, a, ao + lo * as, as, b, bo + lo * bs, bs, out, oo + lo, hi - lo));
    }

    /** out[i] = op(x[i]; alpha). */
    public static void unary(UnaryOp op, float[] x, int xo, float[] out, int oo, int n, float alpha) {
        if (!fast()) {
            ScalarKernels.unary(op, x, xo, out, oo, n, alpha);
            return;
        }
        if (n < 2 * GRAIN) {
            VectorKernels.unary(op, x, xo, out, oo, n, alpha);
            return;
        }
        split(n, (lo, hi) -> VectorKernels.unary(op, x, xo + lo, out, oo + lo, hi - lo, alpha));
    }

    /** out[i] = g[i] * op'(x[i]) given y = op(x); x or y may be null if the derivative does not read it. */
    public static void unaryBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go, float[] out,
                                     int oo, int n, float alpha) {
        if (!fast()) {
            ScalarKernels.unaryBackward(op, x, xo, y, yo, g, go, out, oo, n, alpha);
            return;
        }
        if (n < 2 * GRAIN) {  // no lambda, no hand-off: short rows are the common case in training
            VectorKernels.unaryBackward(op, x, xo, y, yo, g, go, out, oo, n, alpha);
            return;
        }
        split(n, (lo, hi) -> VectorKernels.unaryBackward(op, x, xo + lo, y, yo + lo, g, go + lo, out,
                oo + lo, hi - lo, alpha));
    }

    /** y += alpha * x. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        if (!fast()) ScalarKernels.axpy(alpha, x, xo, y, yo, n);
        else if (n < 2 * GRAIN) VectorKernels.axpy(alpha, x, xo, y, yo, n);
        else split(n, (lo, hi) -> VectorKernels.axpy(alpha, x, xo + lo, y, yo + lo, hi - lo));
    }

    /** out = x * scale + shift. */
    public static void affine(float[] x, int xo, float[] out, int oo, int n, float scale, float shift) {
        if (!fast()) ScalarKernels.affine(x, xo, out, oo, n, scale, shift);
        else if (n < 2 * GRAIN) VectorKernels.affine(x, xo, out, oo, n, scale, shift);
        else split(n, (lo, hi) -> VectorKernels.affine(x, xo + lo, out, oo + lo, hi - lo, scale, shift));
    }

    /** Sum of n values. */
    public static float sum(float[] x, int xo, int n) {
        return fast() ? VectorKernels.sum(x, xo, n) : ScalarKernels.sum(x, xo, n);
    }

    /** Max of n values (NaN if any is NaN; -Inf for n = 0). */
    public static float max(float[] x, int xo, int n) {
        if (!fast()) return ScalarKernels.max(x, xo, n);
        float m = VectorKernels.max(x, xo, n);
        return Float.isNaN(m) ? m : hasNaN(x, xo, n, m) ? Float.NaN : m;
    }

    private static boolean hasNaN(float[] x, int xo, int n, float m) {
        // Vector max drops NaN on some paths; a NaN-free sum is the cheap proof there is none.
        return Float.isNaN(VectorKernels.sum(x, xo, n) * 0f) && containsNaN(x, xo, n);
    }

    private static boolean containsNaN(float[] x, int xo, int n) {
        for (int i = 0; i < n; i++) if (Float.isNaN(x[xo + i])) return true;
        return false;
    }

    /** Dot product of n values. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        return fast() ? VectorKernels.dot(a, ao, b, bo, n) : ScalarKernels.dot(a, ao, b, bo, n);
    }

    /** Softmax or log-softmax of one contiguous row. */
    public static void softmaxRow(float[] x, int xo, float[] out, int oo, int n, boolean log) {
        if (fast()) VectorKernels.softmaxRow(x, xo, out, oo, n, log);
        else ScalarKernels.softmaxRow(x, xo, out, oo, n, log);
    }
}
