// RowKernels: softmax / log-softmax (forward and fused backward) and cumulative sums over one dim of a
// contiguous [outer, n, inner] block. inner == 1 runs the vector row kernel per row; inner > 1 sweeps
// the n slices with the inner index innermost, so every loop is unit-stride and no transpose is needed.
package dev.kindling.kernels;

/** Kernels over one dimension of a contiguous {@code [outer, n, inner]} block, multithreaded when large. */
public final class RowKernels {
    /** Elements per task below which splitting costs more than it saves. */
    static final int GRAIN = 1 << 14;
    /** Inner columns handled together by one task of the strided (inner > 1) paths. */
    static final int COLS = 256;

    private RowKernels() {}

    /** Work split of the strided paths: tasks are (outer index, column chunk) pairs. */
    private static int chunks(int inner) {
        return (inner + COLS - 1) / COLS;
    }

    private static int taskGrain(int workPerTask) {
        return Math.max(1, GRAIN / Math.max(1, workPerTask));
    }

    /** y = softmax(x) (or log_softmax) over the middle dim of {@code [outer, n, inner]}; x and y contiguous. */
    public static void softmax(float[] x, int xo, float[] y, int yo, int outer, int n, int inner, boolean log) {
        if (outer == 0 || n == 0 || inner == 0) return;
        if (inner == 1) {
            Parallel.forRange(outer, taskGrain(n), (lo, hi) -> {
                for (int r = lo; r < hi; r++) Elementwise1D.softmaxRow(x, xo + r * n, y, yo + r * n, n, log);
            });
            return;
        }
        int ch = chunks(inner);
        Parallel.forRange(outer * ch, taskGrain(n * Math.min(inner, COLS)), (lo, hi) -> {
            float[] m = new float[COLS];
            double[] s = new double[COLS];
            for (int task = lo; task < hi; task++) {
                int o = task / ch, i0 = (task % ch) * COLS, w = Math.min(COLS, inner - i0);
                int xb = xo + o * n * inner + i0, yb = yo + o * n * inner + i0;
                java.util.Arrays.fill(m, 0, w, Float.NEGATIVE_INFINITY);
                java.util.Arrays.fill(s, 0, w, 0.0);
                for (int j = 0; j < n; j++) {
                    int p = xb + j * inner;
                    for (int t = 0; t < w; t++) {
                        float v = x[p + t];
                        if (v > m[t] || Float.isNaN(v)) m[t] = v;
                    }
                }
                // An all -Inf column gives exp(-Inf - 0) = 0 everywhere (NaN after normalizing, as PyTorch).
                for (int t = 0; t < w; t++) if (m[t] == Float.NEGATIVE_INFINITY) m[t] = 0f;
                for (int j = 0; j < n; j++) {
                    int p = xb + j * inner, q = yb + j * inner;
                    for (int t = 0; t < w; t++) {
                        double e = Math.exp(x[p + t] - m[t]);
                        s[t] += e;
                        if (!log) y[q + t] = (float) e;
                    }
                }
                if (log) {
                    for (int t = 0; t < w; t++) s[t] = m[t] + Math.log(s[t]);
                    for (int j = 0; j < n; j++) {
                        int p = xb + j * inner, q = yb + j * inner;
                        for (int t = 0; t < w; t++) y[q + t] = (float) (x[p + t] - s[t]);
                    }
                } else {
                    for (int t = 0; t < w; t++) s[t] = 1.0 / s[t];
                    for (int j = 0; j < n; j++) {
                        int q = yb + j * inner;
                        for (int t = 0; t < w; t++) y[q + t] = (float) (y[q + t] * s[t]);
                    }
                }
            }
        });
    }

    /**
     * Fused backward given the forward output y and upstream g (all contiguous {@code [outer, n, inner]}):
     * softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g).
     */
    public static void softmaxBackward(float[] y, int yo, float[] g, int go, float[] gx, int gxo, int outer, int n,
                                       int inner, boolean log) {
        if (outer == 0 || n == 0 || inner == 0) return;
        if (inner == 1) {
            Parallel.forRange(outer, taskGrain(n), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int yb = yo + r * n, gb = go + r * n, ob = gxo + r * n;
                    if (log) {
                        float s = Elementwise1D.sum(g, gb, n);
                        for (int j = 0; j < n; j++) gx[ob + j] = g[gb + j] - (float) Math.exp(y[yb + j]) * s;
                    } else {
                        float d = Elementwise1D.dot(g, gb, y, yb, n);
                        for (int j = 0; j < n; j++) gx[ob + j] = y[yb + j] * (g[gb + j] - d);
                    }
                }
            });
            return;
        }
        int ch = chunks(inner);
        Parallel.forRange(outer * ch, taskGrain(n * Math.min(inner, COLS)), (lo, hi) -> {
            double[] s = new double[COLS];
            for (int task = lo; task < hi; task++) {
                int o = task / ch, i0 = (task % ch) * COLS, w = Math.min(COLS, inner - i0);
                int base = o * n * inner + i0;
                java.util.Arrays.fill(s, 0, w, 0.0);
                for (int j = 0; j < n; j++) {
                    int p = base + j * inner;
                    for (int t = 0; t < w; t++) s[t] += log ? g[go + p + t] : (double) g[go + p + t] * y[yo + p + t];
                }
                for (int j = 0; j < n; j++) {
                    int p = base + j * inner;
                    for (int t = 0; t < w; t++) {
                        float gv = g[go + p + t], yv = y[yo + p + t];
                        gx[gxo + p + t] = log ? (float) (gv - Math.exp(yv) * s[t]) : (float) (yv * (gv - s[t]));
                    }
                }
            }
        });
    }

    /**
     * Cumulative sum over the middle dim of {@code [outer, n, inner]} accumulated in double (as PyTorch on CPU);
     * {@code reverse} sums from the end (the gradient of cumsum).
     */
    public static void cumsum(float[] x, int xo, float[] y, int yo, int outer, int n, int inner, boolean reverse) {
        if (outer == 0 || n == 0 || inner == 0) return;
        if (inner == 1) {
            Parallel.forRange(outer, taskGrain(n), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    double acc = 0;
                    int step = reverse ? -1 : 1, p = r * n + (reverse ? n - 1 : 0);
                    for (int j = 0; j < n; j++, p += step) {
                        acc += x[xo + p];
                        y[yo + p] = (float) acc;
                    }
                }
            });
            return;
        }
        int ch = chunks(inner);
        Parallel.forRange(outer * ch, taskGrain(n * Math.min(inner, COLS)), (lo, hi) -> {
            double[] acc = new double[COLS];
            for (int task = lo; task < hi; task++) {
                int o = task / ch, i0 = (task % ch) * COLS, w = Math.min(COLS, inner - i0);
                int base = o * n * inner + i0;
                java.util.Arrays.fill(acc, 0, w, 0.0);
                for (int jj = 0; jj < n; jj++) {
                    int p = base + (reverse ? n - 1 - jj : jj) * inner;
                    for (int t = 0; t < w; t++) {
                        acc[t] += x[xo + p + t];
                        y[yo + p + t] = (float) acc[t];
                    }
                }
            }
        });
    }
}
