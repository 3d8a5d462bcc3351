// Pooling: 2-D max, average and adaptive-average pooling and nearest-neighbour upsampling (PyTorch index
// conventions), with their gradients. Each works plane by plane over [N*C, H, W], threaded over planes;
// max pooling remembers its argmax so the backward is a scatter.
package dev.kindling.ops;

import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Pooling and upsampling (functional API). Inputs are {@code [N, C, H, W]} or unbatched {@code [C, H, W]}.
 *
 * <p>Example: {@code Tensor y = Pooling.maxPool2d(x, 2, 2, 0); // [N, C, 28, 28] -> [N, C, 14, 14]}
 */
public final class Pooling {
    /** Output elements per thread below which threading costs more than it saves. */
    private static final int GRAIN = 1 << 14;

    private Pooling() {}

    /** The planes of a pooling input: [planes, H, W] with the output shape built around new spatial sizes. */
    private record Planes(Tensor x4, boolean unbatched, int planes, int h, int w, int[] shape) {
        int[] outShape(int oh, int ow) {
            return unbatched ? new int[] {shape[0], oh, ow} : new int[] {shape[0], shape[1], oh, ow};
        }
    }

    private static Planes planes(String op, Tensor x) {
        Elementwise.requireFloat(op, x);
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException(op + ": expected input [N, C, H, W] or "
                + "[C, H, W], got shape " + Shape.str(x.shape()));
        int[] s = x.shape();
        int r = s.length;
        return new Planes(x, r == 3, x.numel() / Math.max(1, s[r - 2] * s[r - 1]), s[r - 2], s[r - 1], s);
    }

    /** Runs {@code body} over plane ranges, threaded when the output is large enough. */
    private static void overPlanes(int planes, int perPlane, Parallel.RangeBody body) {
        Parallel.forRange(planes, Math.max(1, GRAIN / Math.max(1, perPlane)), body);
    }

    private static int pooledSize(String op, String what, int in, int k, int s, int p) {
        if (p > k / 2) throw new IllegalArgumentException(op + ": padding " + p + " should be at most half of the "
                + "kernel size " + k);
        int span = in + 2 * p - k;
        if (span < 0) throw new IllegalArgumentException(op + ": input " + what + " " + in + " with padding " + p
                + " is smaller than the kernel size " + k + "; the output would be empty");
        return span / s + 1;
    }

    // ---------------------------------------------------------------- max pooling

    /** {@link #maxPool2d(Tensor, int[], int[], int[])} with a square kernel, stride and padding. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return maxPool2d(x, new int[] {kernel}, new int[] {stride}, new int[] {padding});
    }

    /**
     * 2-D max pooling. Padding counts as -inf; the gradient goes to the first maximum of each window
     * (row-major), and a NaN in a window propagates.
     *
     * <p>Args: {@code kernel}, {@code stride} (null means the kernel size), {@code padding}: {@code {h, w}} or a
     * single value. Shape: {@code [N, C, H, W] -> [N, C, (H + 2p - k) / s + 1, (W + 2p - k) / s + 1]}.
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        String op = "maxPool2d";
        Planes pl = planes(op, x);
        int[] k = Conv.pair(op, "kernel", kernel, 1), s = stride == null ? k : Conv.pair(op, "stride", stride, 1);
        int[] p = Conv.pair(op, "padding", padding, 0);
        int h = pl.h(), w = pl.w();
        int oh = pooledSize(op, "height", h, k[0], s[0], p[0]), ow = pooledSize(op, "width", w, k[1], s[1], p[1]);
        float[] xd = ConvKernels.dense(x.detach());
        int ohw = oh * ow, hw = h * w;
        // Math.max propagates NaN, as PyTorch's kernel does; the argmax is kept only when a gradient may be asked for.
        boolean needArgmax = x.requiresGrad() && Autograd.isGradEnabled();
        boolean pairs = k[0] == 2 && k[1] == 2 && s[0] == 2 && s[1] == 2 && p[0] == 0 && p[1] == 0;
        if (pairs) return maxPool2x2(x, pl, xd, oh, ow, needArgmax);
        float[] out = new float[pl.planes() * ohw];
        int[] argmax = needArgmax ? new int[out.length] : null;  // flat index within the input plane
        overPlanes(pl.planes(), ohw * k[0] * k[1], (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int base = c * hw;
                for (int i = 0; i < oh; i++) {
                    int h0 = i * s[0] - p[0], h1 = Math.min(h0 + k[0], h);
                    h0 = Math.max(h0, 0);
                    for (int j = 0; j < ow; j++) {
                        int w0 = j * s[1] - p[1], w1 = Math.min(w0 + k[1], w);
                        w0 = Math.max(w0, 0);
                        float best = Float.NEGATIVE_INFINITY;
                        for (int r = h0; r < h1; r++)
                            for (int q = w0; q < w1; q++) best = Math.max(best, xd[base + r * w + q]);
                        int o = c * ohw + i * ow + j;
                        out[o] = best;
                        if (argmax == null) continue;
                        int at = h0 * w + w0;
                        boolean nan = Float.isNaN(best);
                        // First maximum, or the last NaN (PyTorch's CPU kernel keeps updating on NaN).
                        search:
                        for (int r = h0; r < h1; r++)
                            for (int q = w0; q < w1; q++) {
                                float v = xd[base + r * w + q];
                                if (nan ? Float.isNaN(v) : v == best) {
                                    at = r * w + q;
                                    if (!nan) break search;
                                }
                            }
                        argmax[o] = at;
                    }
                }
            }
        });
        Tensor y = Tensor.of(out, pl.outShape(oh, ow));
        return Autograd.record(op, y, new Tensor[] {x}, grad -> {
            float[] gd = ConvKernels.dense(grad), gx = new float[x.numel()];
            overPlanes(pl.planes(), ohw, (lo, hi) -> {
                for (int c = lo; c < hi; c++)
                    for (int o = c * ohw; o < (c + 1) * ohw; o++) gx[c * hw + argmax[o]] += gd[o];
            });
            return new Tensor[] {Autograd.freshGradient(Tensor.of(gx, pl.shape()))};
        });
    }

    /**
     * The common 2x2, stride-2, unpadded max pool, with the same results as the general loop: Math.max is
     * order-independent (NaN wins, +0 beats -0), the gradient goes to the first maximum in row-major order or the
     * last NaN. The window position of the maximum is kept as a code 0..3 found without branches (random data made
     * the data-dependent branches of a compare chain cost ~10x the max itself); PoolingKernels vectorizes both.
     */
    private static Tensor maxPool2x2(Tensor x, Planes pl, float[] xd, int oh, int ow, boolean needArgmax) {
        int h = pl.h(), w = pl.w(), ohw = oh * ow, hw = h * w;
        float[] out = new float[pl.planes() * ohw];
        int[] codes = needArgmax ? new int[out.length] : null;
        boolean vector = VectorSupport.enabled();
        overPlanes(pl.planes(), ohw * 4, (lo, hi) -> {
            if (vector) {
                PoolingKernels.maxPool2x2(xd, out, codes, lo, hi, h, w, oh, ow);
                return;
            }
            for (int c = lo; c < hi; c++) {
                int base = c * hw;
                for (int i = 0; i < oh; i++) {
                    int row = base + 2 * i * w, o = c * ohw + i * ow;
                    for (int j = 0; j < ow; j++) {
                        int a = row + 2 * j;
                        float v0 = xd[a], v1 = xd[a + 1], v2 = xd[a + w], v3 = xd[a + w + 1];
                        out[o + j] = Math.max(Math.max(v0, v1), Math.max(v2, v3));
                        if (codes != null) codes[o + j] = windowCode(v0, v1, v2, v3);
                    }
                }
            }
        });
        Tensor y = Tensor.of(out, pl.outShape(oh, ow));
        return Autograd.record("maxPool2d", y, new Tensor[] {x}, grad -> {
            float[] gd = ConvKernels.dense(grad), gx = new float[x.numel()];
            overPlanes(pl.planes(), ohw * 4, (lo, hi) -> {
                if (vector) {
                    PoolingKernels.maxPool2x2Backward(gd, codes, gx, lo, hi, h, w, oh, ow);
                    return;
                }
                for (int c = lo; c < hi; c++)
                    for (int i = 0; i < oh; i++) {
                        int row = c * hw + 2 * i * w, o = c * ohw + i * ow;
                        for (int j = 0; j < ow; j++) {
                            int code = codes[o + j];
                            gx[row + 2 * j + (code >> 1) * w + (code & 1)] = gd[o + j];   // windows are disjoint
                        }
                    }
            });
            return new Tensor[] {Autograd.freshGradient(Tensor.of(gx, pl.shape()))};
        });
    }

    /** Position 0..3 (row-major) of the maximum of a 2x2 window: the first maximum, or the last NaN. */
    static int windowCode(float v0, float v1, float v2, float v3) {
        float best = Math.max(Math.max(v0, v1), Math.max(v2, v3));
        return best - best == 0f ? firstMax(best, v0, v1, v2, v3) : nonFiniteMax(best, v0, v1, v2, v3);
    }

    /**
     * Window position (0..3, row-major) of the first of four values equal to the finite maximum {@code best},
     * without branches: {@code best - v} is +0 or -0 exactly when {@code v == best}, and positive otherwise.
     */
    private static int firstMax(float best, float v0, float v1, float v2, float v3) {
        int hits = isZero(best - v0) | isZero(best - v1) << 1 | isZero(best - v2) << 2 | isZero(best - v3) << 3;
        return Integer.numberOfTrailingZeros(hits);
    }

    /** 1 when {@code d} is +0 or -0, else 0 ({@code d} is not NaN and not negative). */
    private static int isZero(float d) {
        return ((Float.floatToRawIntBits(d) & 0x7fffffff) - 1) >>> 31;
    }

    /** {@link #firstMax} for an infinite or NaN maximum: the last NaN, else the first value equal to it. */
    private static int nonFiniteMax(float best, float v0, float v1, float v2, float v3) {
        if (Float.isNaN(best)) return Float.isNaN(v3) ? 3 : Float.isNaN(v2) ? 2 : Float.isNaN(v1) ? 1 : 0;
        return v0 == best ? 0 : v1 == best ? 1 : v2 == best ? 2 : 3;
    }

    // ---------------------------------------------------------------- average pooling

    /** {@link #avgPool2d(Tensor, int[], int[], int[], boolean)} with square arguments, counting padding. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return avgPool2d(x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, true);
    }

    /**
     * 2-D average pooling with PyTorch's divisor: with {@code countIncludePad} the window size clipped to the
     * padded input, else the number of real input elements in the window.
     *
     * <p>Args: {@code kernel}, {@code stride} (null means the kernel size), {@code padding}: {@code {h, w}} or a
     * single value. Shape: as {@link #maxPool2d(Tensor, int[], int[], int[])}.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        String op = "avgPool2d";
        Planes pl = planes(op, x);
        int[] k = Conv.pair(op, "kernel", kernel, 1), s = stride == null ? k : Conv.pair(op, "stride", stride, 1);
        int[] p = Conv.pair(op, "padding", padding, 0);
        int h = pl.h(), w = pl.w();
        int oh = pooledSize(op, "height", h, k[0], s[0], p[0]), ow = pooledSize(op, "width", w, k[1], s[1], p[1]);
        // Window bounds and divisors are the same for every plane: computed once.
        int[] r0 = new int[oh], r1 = new int[oh], c0 = new int[ow], c1 = new int[ow];
        float[] inv = new float[oh * ow];
        for (int i = 0; i < oh; i++) {
            int a = i * s[0] - p[0], b = Math.min(a + k[0], h + p[0]);
            int ca = Math.max(a, 0), cb = Math.min(b, h);
            r0[i] = ca;
            r1[i] = cb;
            for (int j = 0; j < ow; j++) {
                int e = j * s[1] - p[1], f = Math.min(e + k[1], w + p[1]);
                int ce = Math.max(e, 0), cf = Math.min(f, w);
                c0[j] = ce;
                c1[j] = cf;
                int count = countIncludePad ? (b - a) * (f - e) : (cb - ca) * (cf - ce);
                inv[i * ow + j] = 1f / count;
            }
        }
        float[] xd = ConvKernels.dense(x.detach());
        int ohw = oh * ow, hw = h * w;
        float[] out = new float[pl.planes() * ohw];
        overPlanes(pl.planes(), ohw * k[0] * k[1], (lo, hi) -> {
            for (int c = lo; c < hi; c++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        float acc = 0f;
                        for (int r = r0[i]; r < r1[i]; r++)
                            for (int q = c0[j]; q < c1[j]; q++) acc += xd[c * hw + r * w + q];
                        out[c * ohw + i * ow + j] = acc * inv[i * ow + j];
                    }
        });
        Tensor y = Tensor.of(out, pl.outShape(oh, ow));
        return Autograd.record(op, y, new Tensor[] {x}, grad -> {
            float[] gd = ConvKernels.dense(grad), gx = new float[x.numel()];
            overPlanes(pl.planes(), ohw * k[0] * k[1], (lo, hi) -> {
                for (int c = lo; c < hi; c++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            float v = gd[c * ohw + i * ow + j] * inv[i * ow + j];
                            for (int r = r0[i]; r < r1[i]; r++)
                                for (int q = c0[j]; q < c1[j]; q++) gx[c * hw + r * w + q] += v;
                        }
            });
            return new Tensor[] {Tensor.of(gx, pl.shape())};
        });
    }

    /**
     * Adaptive average pooling to a fixed output size: output cell {@code i} averages input rows
     * {@code floor(i*H/outH)} to {@code ceil((i+1)*H/outH)} (exclusive), likewise columns (PyTorch's bins).
     *
     * <p>Shape: {@code [N, C, H, W] -> [N, C, outH, outW]}. Example: global average pooling is
     * {@code adaptiveAvgPool2d(x, 1, 1)}.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        String op = "adaptiveAvgPool2d";
        Planes pl = planes(op, x);
        if (outH < 1 || outW < 1) throw new IllegalArgumentException(op + ": output size must be >= 1, got "
                + outH + "x" + outW);
        int h = pl.h(), w = pl.w();
        if (h == 0 || w == 0) throw new IllegalArgumentException(op + ": input " + Shape.str(pl.shape())
                + " has an empty spatial size");
        int[] r0 = new int[outH], r1 = new int[outH], c0 = new int[outW], c1 = new int[outW];
        for (int i = 0; i < outH; i++) {
            r0[i] = (int) ((long) i * h / outH);
            r1[i] = (int) (((long) (i + 1) * h + outH - 1) / outH);
        }
        for (int j = 0; j < outW; j++) {
            c0[j] = (int) ((long) j * w / outW);
            c1[j] = (int) (((long) (j + 1) * w + outW - 1) / outW);
        }
        float[] xd = ConvKernels.dense(x.detach());
        int ohw = outH * outW, hw = h * w;
        float[] out = new float[pl.planes() * ohw];
        overPlanes(pl.planes(), Math.max(ohw, hw), (lo, hi) -> {
            for (int c = lo; c < hi; c++)
                for (int i = 0; i < outH; i++)
                    for (int j = 0; j < outW; j++) {
                        float acc = 0f;
                        for (int r = r0[i]; r < r1[i]; r++)
                            for (int q = c0[j]; q < c1[j]; q++) acc += xd[c * hw + r * w + q];
                        out[c * ohw + i * outW + j] = acc / ((r1[i] - r0[i]) * (c1[j] - c0[j]));
                    }
        });
        Tensor y = Tensor.of(out, pl.outShape(outH, outW));
        return Autograd.record(op, y, new Tensor[] {x}, grad -> {
            float[] gd = ConvKernels.dense(grad), gx = new float[x.numel()];
            overPlanes(pl.planes(), Math.max(ohw, hw), (lo, hi) -> {
                for (int c = lo; c < hi; c++)
                    for (int i = 0; i < outH; i++)
                        for (int j = 0; j < outW; j++) {
                            float v = gd[c * ohw + i * outW + j] / ((r1[i] - r0[i]) * (c1[j] - c0[j]));
                            for (int r = r0[i]; r < r1[i]; r++)
                                for (int q = c0[j]; q < c1[j]; q++) gx[c * hw + r * w + q] += v;
                        }
            });
            return new Tensor[] {Tensor.of(gx, pl.shape())};
        });
    }

    // ---------------------------------------------------------------- nearest upsampling

    /**
     * Nearest-neighbour upsampling by an integer factor (each pixel becomes a {@code scale x scale} block).
     *
     * <p>Shape: {@code [N, C, H, W] -> [N, C, H*scale, W*scale]}.
     */
    public static Tensor upsampleNearest2d(Tensor x, int scale) {
        if (scale < 1) throw new IllegalArgumentException("upsampleNearest2d: scale must be >= 1, got " + scale);
        Planes pl = planes("upsampleNearest2d", x);
        return interpolateNearest(x, pl.h() * scale, pl.w() * scale);
    }

    /**
     * Nearest-neighbour resize to {@code outH x outW} with PyTorch's {@code mode='nearest'} source index
     * {@code min(floor(i * (in/out)), in-1)} (the ratio taken in float, as PyTorch does).
     *
     * <p>Shape: {@code [N, C, H, W] -> [N, C, outH, outW]}.
     */
    public static Tensor interpolateNearest(Tensor x, int outH, int outW) {
        String op = "interpolateNearest";
        Planes pl = planes(op, x);
        if (outH < 1 || outW < 1) throw new IllegalArgumentException(op + ": output size must be >= 1, got "
                + outH + "x" + outW);
        int h = pl.h(), w = pl.w();
        if (h == 0 || w == 0) throw new IllegalArgumentException(op + ": input " + Shape.str(pl.shape())
                + " has an empty spatial size");
        int[] srcRow = nearestIndex(h, outH), srcCol = nearestIndex(w, outW);
        float[] xd = ConvKernels.dense(x.detach());
        int ohw = outH * outW, hw = h * w;
        float[] out = new float[pl.planes() * ohw];
        overPlanes(pl.planes(), ohw, (lo, hi) -> {
            for (int c = lo; c < hi; c++)
                for (int i = 0; i < outH; i++) {
                    int src = c * hw + srcRow[i] * w, dst = c * ohw + i * outW;
                    for (int j = 0; j < outW; j++) out[dst + j] = xd[src + srcCol[j]];
                }
        });
        Tensor y = Tensor.of(out, pl.outShape(outH, outW));
        return Autograd.record(op, y, new Tensor[] {x}, grad -> {
            float[] gd = ConvKernels.dense(grad), gx = new float[x.numel()];
            overPlanes(pl.planes(), ohw, (lo, hi) -> {
                for (int c = lo; c < hi; c++)
                    for (int i = 0; i < outH; i++) {
                        int dst = c * hw + srcRow[i] * w, src = c * ohw + i * outW;
                        for (int j = 0; j < outW; j++) gx[dst + srcCol[j]] += gd[src + j];
                    }
            });
            return new Tensor[] {Tensor.of(gx, pl.shape())};
        });
    }

    /** PyTorch's nearest source index for each output index (exact halving when out = 2 * in). */
    private static int[] nearestIndex(int in, int out) {
        int[] idx = new int[out];
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            if (out == in) idx[i] = i;
            else if (out == 2 * in) idx[i] = i >> 1;
            else idx[i] = Math.min((int) Math.floor(i * scale), in - 1);
        }
        return idx;
    }
}
