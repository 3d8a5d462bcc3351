// ConvKernels: the fast 2-D convolution kernels (im2col + GEMM per image and group, col2im for the input
// gradient), multithreaded over the batch with single-threaded GEMMs inside; stride-1 convolutions with few channels
// go to ConvDirect (Vector API) instead. ConvReference is their spec; column buffers are per-thread and reused.
package dev.kindling.ops;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Tensor;

import java.util.Arrays;

/**
 * Fast convolution kernels over flat row-major arrays. Layouts: x {@code [N, inC, inH, inW]}, weight
 * {@code [outC, inC/groups, kH, kW]}, out {@code [N, outC, outH, outW]}. A transposed convolution is the
 * adjoint of a convolution, so it reuses these kernels with the roles of x and out swapped (see {@link Conv}).
 */
public final class ConvKernels {
    /** Floats per column tile: bounds each thread's column buffer (4 MiB) on large images. */
    private static final int COL_BUDGET = 1 << 20;
    /** Minimum columns per tile so GEMMs stay efficient when the column height is large. */
    private static final int MIN_TILE = 256;
    /** Multiply-adds per thread below which threading the batch costs more than it saves. */
    private static final long GRAIN_FLOPS = 1L << 18;
    private static final ThreadLocal<float[][]> COLUMNS = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private ConvKernels() {}

    /**
     * The full geometry of one 2-D convolution. Output sizes are explicit (not recomputed) so a transposed
     * convolution can pass its own input size as the "output" of the adjoint convolution.
     */
    public record Geometry(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int outH, int outW,
            int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
        /** Input channels per group. */
        public int inCg() {
            return inC / groups;
        }

        /** Output channels per group. */
        public int outCg() {
            return outC / groups;
        }

        /** Rows of the column matrix (the GEMM inner dimension): {@code inC/groups * kH * kW}. */
        public int colRows() {
            return inCg() * kH * kW;
        }

        /** Input positions per channel plane. */
        public int inHW() {
            return inH * inW;
        }

        /** Output positions per channel plane (columns of the column matrix). */
        public int outHW() {
            return outH * outW;
        }

        /** Number of weight elements: {@code outC * inC/groups * kH * kW}. */
        public int weightSize() {
            return outC * colRows();
        }

        /** A 1x1, stride-1, unpadded convolution: the input plane is already the column matrix. */
        boolean pointwise() {
            return kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
                    && outH == inH && outW == inW;
        }

        /** Output columns per GEMM tile. */
        int tile() {
            if (pointwise()) return Math.max(1, outHW());
            return Math.max(1, Math.min(outHW(), Math.max(MIN_TILE, COL_BUDGET / Math.max(1, colRows()))));
        }

        /** Multiply-adds for one image. */
        long flopsPerImage() {
            return 2L * outC * colRows() * outHW();
        }
    }

    /** This thread's column buffer, grown to at least {@code n} floats. */
    private static float[] columns(int n) {
        float[][] holder = COLUMNS.get();
        if (holder[0].length < n) holder[0] = new float[n];
        return holder[0];
    }

    /** The values of {@code t} as a row-major array starting at index 0 (no copy when already laid out so). */
    static float[] dense(Tensor t) {
        if (t.isContiguous() && t.offset() == 0) return t.storage().floats();
        return t.toFloatArray();
    }

    private static int imagesPerChunk(Geometry g) {
        return (int) Math.max(1, Math.min(g.batch(), GRAIN_FLOPS / Math.max(1, g.flopsPerImage())));
    }

    // ---------------------------------------------------------------- forward

    /**
     * Whether the forward / input-gradient of {@code g} runs as ConvDirect: the Vector API is on, the layer is one it
     * supports, and the weights are finite (the direct kernels multiply zero padding by them, which the reference
     * skips, so a non-finite weight would spread NaN where the reference has none).
     */
    private static boolean directWithWeights(Geometry g, float[] w) {
        return VectorSupport.enabled() && ConvDirect.supports(g) && ConvDirect.allFinite(w, g.weightSize());
    }

    /** {@code out = conv(x, w) + bias}; {@code bias} may be null. {@code out} is overwritten. */
    public static void forward(Geometry g, float[] x, float[] w, float[] bias, float[] out) {
        if (directWithWeights(g, w)) {
            ConvDirect.forward(g, x, w, bias, out);
            return;
        }
        Parallel.forRange(g.batch(), imagesPerChunk(g), (lo, hi) -> {
            for (int n = lo; n < hi; n++) forwardImage(g, x, w, bias, out, n);
        });
    }

    private static void forwardImage(Geometry g, float[] x, float[] w, float[] bias, float[] out, int n) {
        int k = g.colRows(), outHW = g.outHW(), outCg = g.outCg(), tile = g.tile();
        for (int grp = 0; grp < g.groups(); grp++) {
            int outBase = (n * g.outC() + grp * outCg) * outHW, wOff = grp * outCg * k;
            int xBase = (n * g.inC() + grp * g.inCg()) * g.inHW();
            for (int co = 0; co < outCg; co++) {
                float b = bias == null ? 0f : bias[grp * outCg + co];
                Arrays.fill(out, outBase + co * outHW, outBase + (co + 1) * outHW, b);
            }
            for (int p0 = 0; p0 < outHW; p0 += tile) {
                int cols = Math.min(tile, outHW - p0);
                if (g.pointwise()) {
                    Gemm.sgemm(false, false, outCg, cols, k, w, wOff, k, x, xBase + p0, g.inHW(), out,
                            outBase + p0, outHW, true);
                } else {
                    float[] col = columns(k * cols);
                    im2col(g, x, xBase, p0, cols, col);
                    Gemm.sgemm(false, false, outCg, cols, k, w, wOff, k, col, 0, cols, out, outBase + p0, outHW, true);
                }
            }
        }
    }

    // ---------------------------------------------------------------- backward

    /** {@code gx = conv^T(gOut, w)}: the input gradient, {@code gx} is overwritten. */
    public static void backwardInput(Geometry g, float[] gOut, float[] w, float[] gx) {
        if (directWithWeights(g, w)) {
            ConvDirect.backwardInput(g, gOut, w, gx);
            return;
        }
        Parallel.forRange(g.batch(), imagesPerChunk(g), (lo, hi) -> {
            for (int n = lo; n < hi; n++) backwardInputImage(g, gOut, w, gx, n);
        });
    }

    private static void backwardInputImage(Geometry g, float[] gOut, float[] w, float[] gx, int n) {
        int k = g.colRows(), outHW = g.outHW(), outCg = g.outCg(), tile = g.tile(), inHW = g.inHW();
        int xImage = n * g.inC() * inHW;
        Arrays.fill(gx, xImage, xImage + g.inC() * inHW, 0f);
        for (int grp = 0; grp < g.groups(); grp++) {
            int outBase = (n * g.outC() + grp * outCg) * outHW, wOff = grp * outCg * k;
            int xBase = xImage + grp * g.inCg() * inHW;
            for (int p0 = 0; p0 < outHW; p0 += tile) {
                int cols = Math.min(tile, outHW - p0);
                // cols[k, cols] = W_g^T [k, outCg] * gOut_g [outCg, cols]; W_g is stored [outCg, k].
                if (g.pointwise()) {
                    Gemm.sgemm(true, false, k, cols, outCg, w, wOff, k, gOut, outBase + p0, outHW, gx, xBase + p0,
                            inHW, false);
                } else {
                    float[] col = columns(k * cols);
                    Gemm.sgemm(true, false, k, cols, outCg, w, wOff, k, gOut, outBase + p0, outHW, col, 0, cols, false);
                    col2im(g, col, p0, cols, gx, xBase);
                }
            }
        }
    }

    /**
     * {@code gw = sum over images of gOut * cols(x)^T}: the weight gradient, {@code gw} is overwritten. Each
     * thread accumulates its images into its own partial, summed in a fixed order (deterministic for a given
     * thread count).
     */
    public static void backwardWeight(Geometry g, float[] x, float[] gOut, float[] gw) {
        // Zero padding and wrapped positions meet x (and, with padding, gOut) in products the reference skips.
        if (VectorSupport.enabled() && ConvDirect.supports(g) && ConvDirect.allFinite(x, g.batch() * g.inC() * g.inHW())
                && (g.padH() == 0 && g.padW() == 0 || ConvDirect.allFinite(gOut, g.batch() * g.outC() * g.outHW()))) {
            ConvDirect.backwardWeight(g, x, gOut, gw);
            return;
        }
        int batch = g.batch();
        Arrays.fill(gw, 0, g.weightSize(), 0f);
        if (batch == 0) return;
        int chunks = Math.max(1, Math.min(Parallel.threads(), batch / imagesPerChunk(g)));
        float[][] partial = new float[chunks][];
        partial[0] = gw;
        for (int t = 1; t < chunks; t++) partial[t] = new float[g.weightSize()];
        Parallel.forTasks(chunks, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int n0 = (int) ((long) batch * t / chunks), n1 = (int) ((long) batch * (t + 1) / chunks);
                for (int n = n0; n < n1; n++) backwardWeightImage(g, x, gOut, partial[t], n);
            }
        });
        for (int t = 1; t < chunks; t++) {
            float[] p = partial[t];
            for (int i = 0; i < p.length; i++) gw[i] += p[i];
        }
    }

    private static void backwardWeightImage(Geometry g, float[] x, float[] gOut, float[] gw, int n) {
        int k = g.colRows(), outHW = g.outHW(), outCg = g.outCg(), tile = g.tile();
        for (int grp = 0; grp < g.groups(); grp++) {
            int outBase = (n * g.outC() + grp * outCg) * outHW, wOff = grp * outCg * k;
            int xBase = (n * g.inC() + grp * g.inCg()) * g.inHW();
            for (int p0 = 0; p0 < outHW; p0 += tile) {
                int cols = Math.min(tile, outHW - p0);
                // gw_g[outCg, k] += gOut_g [outCg, cols] * cols^T; the column tile is stored [k, cols].
                if (g.pointwise()) {
                    Gemm.sgemm(false, true, outCg, k, cols, gOut, outBase + p0, outHW, x, xBase + p0, g.inHW(), gw,
                            wOff, k, true);
                } else {
                    float[] col = columns(k * cols);
                    im2col(g, x, xBase, p0, cols, col);
                    Gemm.sgemm(false, true, outCg, k, cols, gOut, outBase + p0, outHW, col, 0, cols, gw, wOff, k, true);
                }
            }
        }
    }

    // ---------------------------------------------------------------- im2col / col2im

    /**
     * Fills {@code col[k, cols]} (row r = (c, ki, kj), column = output position {@code p0 + j}) from one group of
     * one image starting at {@code x[xBase]}; out-of-image taps are 0.
     */
    static void im2col(Geometry g, float[] x, int xBase, int p0, int cols, float[] col) {
        int inH = g.inH(), inW = g.inW(), outW = g.outW(), sH = g.strideH(), sW = g.strideW(), p1 = p0 + cols;
        int row = 0;
        for (int c = 0; c < g.inCg(); c++) {
            int plane = xBase + c * inH * inW;
            for (int ki = 0; ki < g.kH(); ki++) {
                int ihOff = ki * g.dilH() - g.padH();
                for (int kj = 0; kj < g.kW(); kj++, row++) {
                    int iwOff = kj * g.dilW() - g.padW();
                    // Output columns whose input column is inside the image, for this kernel column (hoisted:
                    // the divisions per output row were 12% of LeNet training).
                    int owFirst = Math.ceilDiv(-iwOff, sW), owLast = Math.floorDiv(inW - 1 - iwOff, sW) + 1;
                    int dst = row * cols - p0;
                    for (int p = p0; p < p1; ) {
                        int oh = p / outW, ow = p - oh * outW, owEnd = Math.min(outW, ow + (p1 - p));
                        int ih = oh * sH + ihOff, d = dst + p - ow;     // col index of output column ow is d + ow
                        if (ih < 0 || ih >= inH) {
                            Arrays.fill(col, d + ow, d + owEnd, 0f);
                        } else {
                            int lo = Math.min(owEnd, Math.max(ow, owFirst));
                            int hi = Math.max(lo, Math.min(owEnd, owLast));
                            int src = plane + ih * inW + iwOff;        // x index of output column ow is src + ow*sW
                            // Fills only when there is padding: empty fill calls were 17% of LeNet training.
                            if (lo > ow) Arrays.fill(col, d + ow, d + lo, 0f);
                            if (sW == 1) System.arraycopy(x, src + lo, col, d + lo, hi - lo);
                            else for (int j = lo; j < hi; j++) col[d + j] = x[src + j * sW];
                            if (owEnd > hi) Arrays.fill(col, d + hi, d + owEnd, 0f);
                        }
                        p += owEnd - ow;
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds each {@code col[k, cols]} entry into its input position. */
    static void col2im(Geometry g, float[] col, int p0, int cols, float[] gx, int xBase) {
        int inH = g.inH(), inW = g.inW(), outW = g.outW(), sH = g.strideH(), sW = g.strideW(), p1 = p0 + cols;
        int row = 0;
        for (int c = 0; c < g.inCg(); c++) {
            int plane = xBase + c * inH * inW;
            for (int ki = 0; ki < g.kH(); ki++) {
                int ihOff = ki * g.dilH() - g.padH();
                for (int kj = 0; kj < g.kW(); kj++, row++) {
                    int iwOff = kj * g.dilW() - g.padW();
                    // Output columns whose input column is inside the image, for this kernel column (hoisted:
                    // the divisions per output row were 12% of LeNet training).
                    int owFirst = Math.ceilDiv(-iwOff, sW), owLast = Math.floorDiv(inW - 1 - iwOff, sW) + 1;
                    int dst = row * cols - p0;
                    for (int p = p0; p < p1; ) {
                        int oh = p / outW, ow = p - oh * outW, owEnd = Math.min(outW, ow + (p1 - p));
                        int ih = oh * sH + ihOff, d = dst + p - ow;
                        if (ih >= 0 && ih < inH) {
                            int lo = Math.min(owEnd, Math.max(ow, owFirst));
                            int hi = Math.max(lo, Math.min(owEnd, owLast));
                            int src = plane + ih * inW + iwOff;
                            if (sW == 1) for (int j = lo; j < hi; j++) gx[src + j] += col[d + j];
                            else for (int j = lo; j < hi; j++) gx[src + j * sW] += col[d + j];
                        }
                        p += owEnd - ow;
                    }
                }
            }
        }
    }
}
