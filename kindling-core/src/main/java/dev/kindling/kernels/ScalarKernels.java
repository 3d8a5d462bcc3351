// ScalarKernels: the reference implementation of the 1-D elementwise and row kernels: plain loops,
// no SIMD, no threads. This is the spec the fast kernels are tested against.
package dev.kindling.kernels;

/** Reference 1-D kernels. Strides are 0 (broadcast scalar) or 1 for binary operands. */
public final class ScalarKernels {
    private ScalarKernels() {}

    public static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = op.f(a[ao + i * as], b[bo + i * bs]);
    }

    public static void unary(UnaryOp op, float[] x, int xo, float[] out, int oo, int n, float alpha) {
        for (int i = 0; i < n; i++) out[oo + i] = op.f(x[xo + i], alpha);
    }

    /** out = g * f'(x) with y = f(x); x or y may be null when the op's derivative does not need it. */
    public static void unaryBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go, float[] out,
                                     int oo, int n, float alpha) {
        for (int i = 0; i < n; i++) {
            float xv = x == null ? 0f : x[xo + i], yv = y == null ? 0f : y[yo + i];
            out[oo + i] = g[go + i] * op.df(xv, yv, alpha);
        }
    }

    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    public static void affine(float[] x, int xo, float[] out, int oo, int n, float scale, float shift) {
        for (int i = 0; i < n; i++) out[oo + i] = x[xo + i] * scale + shift;
    }

    public static float sum(float[] x, int xo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xo + i];
        return (float) s;
    }

    public static float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            if (Float.isNaN(v)) return v;
            if (v > m) m = v;
        }
        return m;
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a[ao + i] * b[bo + i];
        return (float) s;
    }

    /** Softmax (or log-softmax) of one row of length n. */
    public static void softmaxRow(float[] x, int xo, float[] out, int oo, int n, boolean log) {
        float m = max(x, xo, n);
        if (m == Float.NEGATIVE_INFINITY) m = 0;
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.exp(x[xo + i] - m);
        if (log) {
            double ls = Math.log(s);
            for (int i = 0; i < n; i++) out[oo + i] = (float) (x[xo + i] - m - ls);
        } else {
            for (int i = 0; i < n; i++) out[oo + i] = (float) (Math.exp(x[xo + i] - m) / s);
        }
    }
}
