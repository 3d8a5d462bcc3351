// ConvDirect: direct Vector API kernels for stride-1 2-D convolutions with few channels (LeNet's 1->6 and 6->16,
// 5x5), where im2col + a general GEMM spends most of its time copying and packing. Output positions go in vector
// lanes, taps are shifted loads; loaded only when VectorSupport.enabled(). ConvReference is the spec.
package dev.kindling.ops;

import dev.kindling.kernels.Parallel;
import dev.kindling.ops.ConvKernels.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution, same layouts and contracts as {@link ConvKernels} (whose {@code forward},
 * {@code backwardInput} and {@code backwardWeight} dispatch here when {@link #supports} says so).
 *
 * <p>How: each image's input planes are copied into a zero-padded buffer {@code xp [C, PH, PW]}. Two layouts of the
 * output positions ("source" rows that every tap reads with contiguous vector loads):
 * <ul>
 *   <li>flat: position {@code (oh, ow)} is {@code q = oh*PW + ow} and tap {@code (c, ki, kj)} reads
 *       {@code xp[q + c*PH*PW + ki*dH*PW + kj*dW]} in place; positions with {@code ow >= outW} wrap into the next row
 *       and are computed and thrown away (LeNet conv1: 18%);</li>
 *   <li>compact: when wrapping would waste too much (LeNet conv2: 4 of every 12), the padded image is first copied
 *       to kW column-shifted planes {@code [C, kW, PH, outW]} of pitch outW, in which every tap again reads a
 *       contiguous run of the {@code outH*outW} positions.</li>
 * </ul>
 * The forward is {@code out[co, q] = sum_t w[co, t] * src[t][q]}; the input gradient is its adjoint (a scatter-add of
 * {@code sum_co w[co, t] * gOut[co, q]} into the tap positions); the weight gradient sums
 * {@code gOut[co, q] * src[t][q]} over positions and images. Sums run in a different order than ConvReference's:
 * results agree to float rounding, not bit for bit.
 */
final class ConvDirect {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** 8 lanes, for the tails of short rows (LeNet conv2's 8-wide output) without masked loads and stores. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    /** Forward register block: CB (or CB+1) output channels x RB position vectors (positions padded to RB*V). */
    private static final int CB = 3, RB = 4;
    /** Input-gradient register block: TB taps x RB position vectors. */
    private static final int TB = 3;
    /** Weight-gradient register block: WC output channels x WB taps x 1 position vector. */
    private static final int WC = 4, WB = 3;
    /** Images whose sources are gathered before one weight-gradient sweep, and the floats they may take. */
    private static final int IMAGE_GROUP = 16, GROUP_FLOATS = 1 << 20;
    /** The largest shifted-plane source of one image (compact layout), in floats. */
    private static final long MAX_SOURCE_FLOATS = 1 << 20;
    /** Beyond these sizes im2col + GEMM wins (enough channels for the GEMM to run near peak). */
    private static final int MAX_OUT_CHANNELS = 32, MAX_TAPS = 512;
    /** Per-thread buffer bounds: padded input planes (and their shifted copies), output channels of one image. */
    private static final int MAX_PLANE_FLOATS = 1 << 18, MAX_OUTPUT_FLOATS = 1 << 21;
    /** Flat rows are used unless they need this many times the compact layout's positions (and it fits). */
    private static final double MAX_WRAP_WASTE = 1.3;
    /** Tests only: 0 chooses the layout by waste, 1 forces flat rows, 2 forces compact (shifted planes). */
    static volatile int layoutForTests;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {
            new float[0], new float[0], new float[0]});

    private ConvDirect() {}

    // ---------------------------------------------------------------- geometry of one direct convolution

    /**
     * One stride-1 convolution of {@code c} planes {@code [h, w]} zero-padded to {@code [ph, pw]}, output
     * {@code [outH, outW]}. Positions are laid out in rows of {@code pitch} ({@code pw} flat, {@code outW} compact),
     * {@code qPad} per channel. {@code xTaps[t]} is tap t's offset in the padded image, {@code taps[t]} its offset in
     * the source the kernels read (the padded image when flat, the shifted planes when compact); both padded with 0
     * to a multiple of 3 taps (TB and WB).
     */
    private record Plan(int c, int h, int w, int padH, int padW, int ph, int pw, int outH, int outW, boolean compact,
            int pitch, int qPad, int[] xTaps, int[] taps, int tapCount, int kW, int dW) {
        static Plan of(int c, int h, int w, int padH, int padW, int kH, int kW, int dH, int dW) {
            int ph = h + 2 * padH, pw = w + 2 * padW, outH = ph - dH * (kH - 1), outW = pw - dW * (kW - 1);
            int block = RB * V, count = c * kH * kW;
            int flatQ = Math.ceilDiv((outH - 1) * pw + outW, block) * block;
            int compactQ = Math.ceilDiv(outH * outW, block) * block;
            int mode = layoutForTests;
            boolean compact = mode == 0 ? flatQ > MAX_WRAP_WASTE * compactQ
                    && (long) c * kW * ph * outW <= MAX_SOURCE_FLOATS : mode == 2;
            int[] xTaps = new int[Math.ceilDiv(count, 3) * 3];
            int t = 0;
            for (int ci = 0; ci < c; ci++)
                for (int ki = 0; ki < kH; ki++)
                    for (int kj = 0; kj < kW; kj++) xTaps[t++] = ci * ph * pw + ki * dH * pw + kj * dW;
            int qPad = compact ? compactQ : flatQ;
            int[] taps = xTaps;
            if (compact) {                           // tap (ci, ki, kj) reads shifted plane (ci, kj) from row ki*dH
                taps = new int[xTaps.length];
                t = 0;
                for (int ci = 0; ci < c; ci++)
                    for (int ki = 0; ki < kH; ki++)
                        for (int kj = 0; kj < kW; kj++) taps[t++] = ((ci * kW + kj) * ph + ki * dH) * outW;
            }
            return new Plan(c, h, w, padH, padW, ph, pw, outH, outW, compact, compact ? outW : pw, qPad, xTaps, taps,
                    count, kW, dW);
        }

        /** Floats of one padded image: the planes plus a zero tail that the last flat position block may read. */
        int inputSize() {
            return c * ph * pw + RB * V;
        }

        /** Floats of one image's source: the padded image (flat) or its shifted planes (compact). */
        int sourceSize() {
            return compact ? c * kW * ph * outW + RB * V : inputSize();
        }

        /** Copies planes {@code [c, h, w]} at {@code src[srcBase]} into the padded buffer at {@code dst[dstBase]}. */
        void pad(float[] src, int srcBase, float[] dst, int dstBase) {
            int size = inputSize();
            if (padH == 0 && padW == 0) {
                System.arraycopy(src, srcBase, dst, dstBase, c * h * w);
                Arrays.fill(dst, dstBase + c * h * w, dstBase + size, 0f);
                return;
            }
            Arrays.fill(dst, dstBase, dstBase + size, 0f);
            for (int ci = 0; ci < c; ci++)
                for (int r = 0; r < h; r++)
                    System.arraycopy(src, srcBase + (ci * h + r) * w, dst,
                            dstBase + ci * ph * pw + (r + padH) * pw + padW, w);
        }

        /**
         * The padded image {@code xp[0..]} as shifted planes {@code sh[dstBase..]}: {@code sh[ci, kj, r, ow] =
         * xp[ci, r, ow + kj*dW]}, rows of pitch outW, so that every tap is a contiguous run of the compact positions
         * (an im2col over the kernel columns only: kW copies of the input instead of kH*kW).
         */
        void shift(float[] xp, float[] sh, int dstBase) {
            for (int ci = 0; ci < c; ci++)
                for (int kj = 0; kj < kW; kj++)
                    for (int r = 0; r < ph; r++)
                        copyRow(xp, ci * ph * pw + r * pw + kj * dW, sh, dstBase + ((ci * kW + kj) * ph + r) * outW,
                                outW);
            Arrays.fill(sh, dstBase + c * kW * ph * outW, dstBase + sourceSize(), 0f);
        }

        /** The adjoint of {@link #shift}: adds each shifted-plane entry into its position of the padded image. */
        void unshift(float[] sh, float[] xp) {
            for (int ci = 0; ci < c; ci++)
                for (int kj = 0; kj < kW; kj++)
                    for (int r = 0; r < ph; r++)
                        addRow(sh, ((ci * kW + kj) * ph + r) * outW, xp, ci * ph * pw + r * pw + kj * dW, outW);
        }

        /**
         * Rows of {@code gOut [rows, outH, outW]} at {@code src[srcBase]} into {@code dst[dstBase]} as
         * {@code [rowsPad, qPad]} source positions, zero at the wrapped and padding positions and in padded rows.
         */
        void positions(float[] src, int srcBase, int rows, int rowsPad, float[] dst, int dstBase) {
            Arrays.fill(dst, dstBase, dstBase + rowsPad * qPad, 0f);
            for (int co = 0; co < rows; co++) {
                if (compact) {
                    System.arraycopy(src, srcBase + co * outH * outW, dst, dstBase + co * qPad, outH * outW);
                    continue;
                }
                for (int r = 0; r < outH; r++)
                    System.arraycopy(src, srcBase + (co * outH + r) * outW, dst, dstBase + co * qPad + r * pw, outW);
            }
        }
    }

    /** Whether the direct kernels take this convolution. */
    static boolean supports(Geometry g) {
        if (g.strideH() != 1 || g.strideW() != 1 || g.outCg() > MAX_OUT_CHANNELS || g.colRows() > MAX_TAPS) return false;
        long plane = (long) (g.inH() + 2 * g.padH()) * (g.inW() + 2 * g.padW());
        // Per-thread buffers hold the padded input planes and all output channels of one image.
        return plane * g.inCg() <= MAX_PLANE_FLOATS && plane * roundUp(g.outCg(), WC) <= MAX_OUTPUT_FLOATS
                && g.outH() == g.inH() + 2 * g.padH() - g.dilH() * (g.kH() - 1)
                && g.outW() == g.inW() + 2 * g.padW() - g.dilW() * (g.kW() - 1);
    }

    /**
     * True when no element of {@code a[0, n)} is NaN or infinite. The kernels multiply zero padding and wrapped
     * positions by weights / inputs; with a non-finite value that would make NaN where the reference skips the tap.
     */
    static boolean allFinite(float[] a, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += V) acc = acc.add(FloatVector.fromArray(S, a, i).mul(0f));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[i] * 0f;
        return s == 0f;
    }

    private static Plan plan(Geometry g) {
        return Plan.of(g.inCg(), g.inH(), g.inW(), g.padH(), g.padW(), g.kH(), g.kW(), g.dilH(), g.dilW());
    }

    // ---------------------------------------------------------------- forward

    /** {@code out = conv(x, w) + bias}; see {@link ConvKernels#forward}. */
    static void forward(Geometry g, float[] x, float[] w, float[] bias, float[] out) {
        Plan p = plan(g);
        int outCg = g.outCg(), k = g.colRows(), groups = g.groups();
        // 4-channel blocks when they pad no more channels than 3-channel ones (LeNet: 16 -> 4x4, 6 -> 2x3).
        int cb = roundUp(outCg, CB + 1) <= roundUp(outCg, CB) ? CB + 1 : CB, coPad = roundUp(outCg, cb);
        float[][] packed = new float[groups][];
        for (int grp = 0; grp < groups; grp++)
            packed[grp] = packChannelMajor(w, grp * outCg * k, outCg, k, p.taps.length, cb);
        int xImage = g.inC() * g.inHW(), yImage = g.outC() * g.outHW();
        Parallel.forRange(g.batch(), imagesPerChunk(g), (lo, hi) -> {
            float[] xp = buffer(0, p.inputSize()), flat = buffer(1, coPad * p.qPad);   // [coPad, qPad]
            float[] src = p.compact ? buffer(2, p.sourceSize()) : xp;
            for (int n = lo; n < hi; n++)
                for (int grp = 0; grp < groups; grp++) {
                    p.pad(x, n * xImage + grp * p.c * p.h * p.w, xp, 0);
                    if (p.compact) p.shift(xp, src, 0);
                    if (cb == CB) convolve(p, src, packed[grp], coPad / CB, flat);
                    else convolve4(p, src, packed[grp], coPad / 4, flat);
                    int co0 = grp * outCg;
                    unflatten(p, flat, outCg, bias, co0, out, n * yImage + co0 * p.outH * p.outW);
                }
        });
    }

    /**
     * {@code flat[co, q] = sum_t wp[co, t] * src[q + taps[t]]} for all padded channels and positions, one register
     * block of CB channels x RB vectors at a time. {@code wp} is {@link #packChannelMajor}'s layout.
     */
    private static void convolve(Plan p, float[] src, float[] wp, int coBlocks, float[] flat) {
        int[] taps = p.taps;
        int count = p.tapCount, qPad = p.qPad;
        for (int cb = 0; cb < coBlocks; cb++) {
            int w0 = cb * taps.length * CB, o0 = cb * CB * qPad;
            for (int q = 0; q < qPad; q += RB * V) {
                FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00;
                FloatVector a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00;
                for (int t = 0; t < count; t++) {
                    int o = taps[t] + q, wi = w0 + t * CB;
                    FloatVector x0 = FloatVector.fromArray(S, src, o), x1 = FloatVector.fromArray(S, src, o + V);
                    FloatVector x2 = FloatVector.fromArray(S, src, o + 2 * V);
                    FloatVector x3 = FloatVector.fromArray(S, src, o + 3 * V);
                    FloatVector w = FloatVector.broadcast(S, wp[wi]);
                    a00 = x0.fma(w, a00);
                    a01 = x1.fma(w, a01);
                    a02 = x2.fma(w, a02);
                    a03 = x3.fma(w, a03);
                    w = FloatVector.broadcast(S, wp[wi + 1]);
                    a10 = x0.fma(w, a10);
                    a11 = x1.fma(w, a11);
                    a12 = x2.fma(w, a12);
                    a13 = x3.fma(w, a13);
                    w = FloatVector.broadcast(S, wp[wi + 2]);
                    a20 = x0.fma(w, a20);
                    a21 = x1.fma(w, a21);
                    a22 = x2.fma(w, a22);
                    a23 = x3.fma(w, a23);
                }
                int o = o0 + q;
                store(flat, o, a00, a01, a02, a03);
                store(flat, o + qPad, a10, a11, a12, a13);
                store(flat, o + 2 * qPad, a20, a21, a22, a23);
            }
        }
    }

    /** {@link #convolve} with blocks of 4 channels x RB vectors (16 accumulators). */
    private static void convolve4(Plan p, float[] src, float[] wp, int coBlocks, float[] flat) {
        int[] taps = p.taps;
        int count = p.tapCount, qPad = p.qPad;
        for (int cb = 0; cb < coBlocks; cb++) {
            int w0 = cb * taps.length * 4, o0 = cb * 4 * qPad;
            for (int q = 0; q < qPad; q += RB * V) {
                FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00;
                FloatVector a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00;
                FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                for (int t = 0; t < count; t++) {
                    int o = taps[t] + q, wi = w0 + t * 4;
                    FloatVector x0 = FloatVector.fromArray(S, src, o), x1 = FloatVector.fromArray(S, src, o + V);
                    FloatVector x2 = FloatVector.fromArray(S, src, o + 2 * V);
                    FloatVector x3 = FloatVector.fromArray(S, src, o + 3 * V);
                    FloatVector w = FloatVector.broadcast(S, wp[wi]);
                    a00 = x0.fma(w, a00);
                    a01 = x1.fma(w, a01);
                    a02 = x2.fma(w, a02);
                    a03 = x3.fma(w, a03);
                    w = FloatVector.broadcast(S, wp[wi + 1]);
                    a10 = x0.fma(w, a10);
                    a11 = x1.fma(w, a11);
                    a12 = x2.fma(w, a12);
                    a13 = x3.fma(w, a13);
                    w = FloatVector.broadcast(S, wp[wi + 2]);
                    a20 = x0.fma(w, a20);
                    a21 = x1.fma(w, a21);
                    a22 = x2.fma(w, a22);
                    a23 = x3.fma(w, a23);
                    w = FloatVector.broadcast(S, wp[wi + 3]);
                    a30 = x0.fma(w, a30);
                    a31 = x1.fma(w, a31);
                    a32 = x2.fma(w, a32);
                    a33 = x3.fma(w, a33);
                }
                int o = o0 + q;
                store(flat, o, a00, a01, a02, a03);
                store(flat, o + qPad, a10, a11, a12, a13);
                store(flat, o + 2 * qPad, a20, a21, a22, a23);
                store(flat, o + 3 * qPad, a30, a31, a32, a33);
            }
        }
    }

    private static void store(float[] a, int o, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(a, o);
        v1.intoArray(a, o + V);
        v2.intoArray(a, o + 2 * V);
        v3.intoArray(a, o + 3 * V);
    }

    /** Copies the valid positions of {@code count} channels into {@code [count, outH, outW]}, adding the bias. */
    private static void unflatten(Plan p, float[] flat, int count, float[] bias, int bias0, float[] out, int outBase) {
        int outH = p.outH, outW = p.outW;
        for (int c = 0; c < count; c++) {
            float b = bias == null ? 0f : bias[bias0 + c];
            if (p.compact) {
                addRow(flat, c * p.qPad, b, out, outBase + c * outH * outW, outH * outW);
                continue;
            }
            for (int r = 0; r < outH; r++)
                addRow(flat, c * p.qPad + r * p.pitch, b, out, outBase + (c * outH + r) * outW, outW);
        }
    }

    /** {@code dst[d, d+n) = src[s, s+n) + b}: full vectors, then 8-lane vectors, then scalars (no masked ops). */
    private static void addRow(float[] src, int s, float b, float[] dst, int d, int n) {
        int j = 0;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (; j + V <= n; j += V) FloatVector.fromArray(S, src, s + j).add(bv).intoArray(dst, d + j);
        if (V > 8) {
            FloatVector b8 = FloatVector.broadcast(S8, b);
            for (; j + 8 <= n; j += 8) FloatVector.fromArray(S8, src, s + j).add(b8).intoArray(dst, d + j);
        }
        for (; j < n; j++) dst[d + j] = src[s + j] + b;
    }

    /**
     * {@code dst[d, d+n) = src[s, s+n)} for short rows: full vectors, then 8 lanes, then scalars. (Whole vectors that
     * overrun into the next row measured 1.7x slower on LeNet's 8-wide rows: overlapping stores.)
     */
    private static void copyRow(float[] src, int s, float[] dst, int d, int n) {
        int j = 0;
        for (; j + V <= n; j += V) FloatVector.fromArray(S, src, s + j).intoArray(dst, d + j);
        if (V > 8) for (; j + 8 <= n; j += 8) FloatVector.fromArray(S8, src, s + j).intoArray(dst, d + j);
        for (; j < n; j++) dst[d + j] = src[s + j];
    }

    /** {@code dst[d, d+n) += src[s, s+n)} for short rows. */
    private static void addRow(float[] src, int s, float[] dst, int d, int n) {
        int j = 0;
        for (; j + V <= n; j += V)
            FloatVector.fromArray(S, dst, d + j).add(FloatVector.fromArray(S, src, s + j)).intoArray(dst, d + j);
        if (V > 8) {
            for (; j + 8 <= n; j += 8)
                FloatVector.fromArray(S8, dst, d + j).add(FloatVector.fromArray(S8, src, s + j)).intoArray(dst, d + j);
        }
        for (; j < n; j++) dst[d + j] += src[s + j];
    }

    /**
     * Weights {@code [rows, k]} at {@code w[off]} re-laid as {@code [rows/cb, tapSlots, cb]} (the cb weights of one
     * tap side by side), rows zero-padded to a multiple of cb.
     */
    private static float[] packChannelMajor(float[] w, int off, int rows, int k, int tapSlots, int cb) {
        float[] wp = new float[roundUp(rows, cb) * tapSlots];
        for (int r = 0; r < rows; r++)
            for (int t = 0; t < k; t++) wp[((r / cb) * tapSlots + t) * cb + r % cb] = w[off + r * k + t];
        return wp;
    }

    // ---------------------------------------------------------------- input gradient

    /**
     * {@code gx = conv^T(gOut, w)}, overwriting gx: the adjoint of {@link #forward}. For each block of TB taps,
     * {@code v[t, q] = sum_co w[co, t] * gOut[co, q]} is formed in registers and added into the source at
     * {@code q + taps[t]} (flat: straight into the padded input gradient; compact: into shifted planes, then added
     * back); the
     * padding is cropped at the end.
     */
    static void backwardInput(Geometry g, float[] gOut, float[] w, float[] gx) {
        Plan p = plan(g);
        int outCg = g.outCg(), k = g.colRows(), groups = g.groups();
        float[][] packed = new float[groups][];
        for (int grp = 0; grp < groups; grp++) packed[grp] = packTapMajor(w, grp * outCg * k, outCg, k, p.taps.length);
        int xImage = g.inC() * g.inHW(), yImage = g.outC() * g.outHW(), plane = p.ph * p.pw;
        Parallel.forRange(g.batch(), imagesPerChunk(g), (lo, hi) -> {
            float[] gxp = buffer(0, p.inputSize()), flat = buffer(1, outCg * p.qPad);
            float[] dst = p.compact ? buffer(2, p.sourceSize()) : gxp;
            for (int n = lo; n < hi; n++)
                for (int grp = 0; grp < groups; grp++) {
                    p.positions(gOut, n * yImage + grp * outCg * g.outHW(), outCg, outCg, flat, 0);
                    Arrays.fill(gxp, 0, p.inputSize(), 0f);
                    if (p.compact) Arrays.fill(dst, 0, p.sourceSize(), 0f);
                    scatter(p, flat, outCg, packed[grp], dst);
                    if (p.compact) p.unshift(dst, gxp);
                    int to = n * xImage + grp * p.c * p.h * p.w;
                    for (int ci = 0; ci < p.c; ci++)
                        for (int r = 0; r < p.h; r++)
                            System.arraycopy(gxp, ci * plane + (r + p.padH) * p.pw + p.padW, gx,
                                    to + (ci * p.h + r) * p.w, p.w);
                }
        });
    }

    /**
     * {@code dst[q + taps[t]] += sum_co wp[co, t] * flat[co, q]}, TB taps x RB vectors per register block; {@code wp}
     * is {@link #packTapMajor}'s layout.
     */
    private static void scatter(Plan p, float[] flat, int rows, float[] wp, float[] dst) {
        int[] taps = p.taps;
        int qPad = p.qPad, count = p.tapCount;
        for (int t = 0; t < count; t += TB) {
            int w0 = t * rows;
            for (int q = 0; q < qPad; q += RB * V) {
                FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00;
                FloatVector a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00;
                for (int co = 0; co < rows; co++) {
                    int o = co * qPad + q, wi = w0 + co * TB;
                    FloatVector g0 = FloatVector.fromArray(S, flat, o), g1 = FloatVector.fromArray(S, flat, o + V);
                    FloatVector g2 = FloatVector.fromArray(S, flat, o + 2 * V);
                    FloatVector g3 = FloatVector.fromArray(S, flat, o + 3 * V);
                    FloatVector w = FloatVector.broadcast(S, wp[wi]);
                    a00 = g0.fma(w, a00);
                    a01 = g1.fma(w, a01);
                    a02 = g2.fma(w, a02);
                    a03 = g3.fma(w, a03);
                    w = FloatVector.broadcast(S, wp[wi + 1]);
                    a10 = g0.fma(w, a10);
                    a11 = g1.fma(w, a11);
                    a12 = g2.fma(w, a12);
                    a13 = g3.fma(w, a13);
                    w = FloatVector.broadcast(S, wp[wi + 2]);
                    a20 = g0.fma(w, a20);
                    a21 = g1.fma(w, a21);
                    a22 = g2.fma(w, a22);
                    a23 = g3.fma(w, a23);
                }
                // Padded taps (zero weights) are not added: 0 * Inf in gOut would put a NaN at offset 0.
                addInto(dst, taps[t] + q, a00, a01, a02, a03);
                if (t + 1 < count) addInto(dst, taps[t + 1] + q, a10, a11, a12, a13);
                if (t + 2 < count) addInto(dst, taps[t + 2] + q, a20, a21, a22, a23);
            }
        }
    }

    private static void addInto(float[] a, int o, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        FloatVector.fromArray(S, a, o).add(v0).intoArray(a, o);
        FloatVector.fromArray(S, a, o + V).add(v1).intoArray(a, o + V);
        FloatVector.fromArray(S, a, o + 2 * V).add(v2).intoArray(a, o + 2 * V);
        FloatVector.fromArray(S, a, o + 3 * V).add(v3).intoArray(a, o + 3 * V);
    }

    /** Weights {@code [rows, k]} at {@code w[off]} re-laid as {@code [tapSlots/TB, rows, TB]}, padded taps zero. */
    private static float[] packTapMajor(float[] w, int off, int rows, int k, int tapSlots) {
        float[] wp = new float[tapSlots * rows];
        for (int r = 0; r < rows; r++)
            for (int t = 0; t < k; t++) wp[((t / TB) * rows + r) * TB + t % TB] = w[off + r * k + t];
        return wp;
    }

    // ---------------------------------------------------------------- weight gradient

    /**
     * {@code gw = sum over images of gOut * x}, overwriting gw; see {@link ConvKernels#backwardWeight}. Each thread
     * sums its own contiguous range of images into its own partial; partials are added in a fixed order.
     */
    static void backwardWeight(Geometry g, float[] x, float[] gOut, float[] gw) {
        Plan p = plan(g);
        int batch = g.batch(), size = g.weightSize();
        Arrays.fill(gw, 0, size, 0f);
        if (batch == 0) return;
        int chunks = Math.max(1, Math.min(Parallel.threads(), batch / imagesPerChunk(g)));
        float[][] partial = new float[chunks][];
        partial[0] = gw;
        for (int t = 1; t < chunks; t++) partial[t] = new float[size];
        Parallel.forTasks(chunks, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int n0 = (int) ((long) batch * t / chunks), n1 = (int) ((long) batch * (t + 1) / chunks);
                weightGradient(g, p, x, gOut, partial[t], n0, n1);
            }
        });
        for (int t = 1; t < chunks; t++) {
            float[] part = partial[t];
            for (int i = 0; i < size; i++) gw[i] += part[i];
        }
    }

    /** Adds images {@code [n0, n1)}' weight gradient into {@code gw}, IMAGE_GROUP images per sweep. */
    private static void weightGradient(Geometry g, Plan p, float[] x, float[] gOut, float[] gw, int n0, int n1) {
        int outCg = g.outCg(), coPad = roundUp(outCg, WC), k = g.colRows(), srcSize = p.sourceSize();
        int gSize = coPad * p.qPad, xImage = g.inC() * g.inHW(), yImage = g.outC() * g.outHW();
        int group = Math.max(1, Math.min(IMAGE_GROUP, GROUP_FLOATS / (srcSize + gSize)));
        for (int b0 = n0; b0 < n1; b0 += group) {
            int images = Math.min(group, n1 - b0);
            float[] src = buffer(0, images * srcSize), gq = buffer(1, images * gSize);
            float[] xp = p.compact ? buffer(2, p.inputSize()) : src;
            for (int grp = 0; grp < g.groups(); grp++) {
                // Gather: each image's source, and gOut as positions with zeros at the wrapped / padding positions.
                for (int i = 0; i < images; i++) {
                    int n = b0 + i;
                    int xAt = p.compact ? 0 : i * srcSize;
                    p.pad(x, n * xImage + grp * p.c * p.h * p.w, xp, xAt);
                    if (p.compact) p.shift(xp, src, i * srcSize);
                    p.positions(gOut, n * yImage + grp * outCg * g.outHW(), outCg, coPad, gq, i * gSize);
                }
                weightSweep(p, src, srcSize, gq, gSize, images, coPad / WC, gw, grp * outCg * k, outCg, k);
            }
        }
    }

    /**
     * {@code gw[co, t] += sum over images and positions of gq[co, q] * src[q + taps[t]]}: WC channels x WB taps per
     * register block, summed over all images of the group before one horizontal add per accumulator.
     */
    private static void weightSweep(Plan p, float[] src, int srcSize, float[] gq, int gSize, int images, int coBlocks,
            float[] gw, int gwOff, int rows, int k) {
        int[] taps = p.taps;
        int qPad = p.qPad, count = p.tapCount;
        for (int cb = 0; cb < coBlocks; cb++)
            for (int t = 0; t < count; t += WB) {
                FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
                FloatVector a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
                for (int i = 0; i < images; i++) {
                    int xb = i * srcSize, g0 = i * gSize + cb * WC * qPad;
                    int o0 = xb + taps[t], o1 = xb + taps[t + 1], o2 = xb + taps[t + 2];
                    for (int q = 0; q < qPad; q += V) {
                        FloatVector x0 = FloatVector.fromArray(S, src, o0 + q);
                        FloatVector x1 = FloatVector.fromArray(S, src, o1 + q);
                        FloatVector x2 = FloatVector.fromArray(S, src, o2 + q);
                        FloatVector gv = FloatVector.fromArray(S, gq, g0 + q);
                        a00 = gv.fma(x0, a00);
                        a01 = gv.fma(x1, a01);
                        a02 = gv.fma(x2, a02);
                        gv = FloatVector.fromArray(S, gq, g0 + qPad + q);
                        a10 = gv.fma(x0, a10);
                        a11 = gv.fma(x1, a11);
                        a12 = gv.fma(x2, a12);
                        gv = FloatVector.fromArray(S, gq, g0 + 2 * qPad + q);
                        a20 = gv.fma(x0, a20);
                        a21 = gv.fma(x1, a21);
                        a22 = gv.fma(x2, a22);
                        gv = FloatVector.fromArray(S, gq, g0 + 3 * qPad + q);
                        a30 = gv.fma(x0, a30);
                        a31 = gv.fma(x1, a31);
                        a32 = gv.fma(x2, a32);
                    }
                }
                int co = cb * WC;
                addTo(gw, gwOff, rows, k, co, t, a00, a01, a02);
                addTo(gw, gwOff, rows, k, co + 1, t, a10, a11, a12);
                addTo(gw, gwOff, rows, k, co + 2, t, a20, a21, a22);
                addTo(gw, gwOff, rows, k, co + 3, t, a30, a31, a32);
            }
    }

    /** Adds the lane sums of the WB tap accumulators of channel {@code co} (skipping padded channels and taps). */
    private static void addTo(float[] gw, int off, int rows, int k, int co, int t, FloatVector a0, FloatVector a1,
            FloatVector a2) {
        if (co >= rows) return;
        int base = off + co * k + t;
        gw[base] += a0.reduceLanes(VectorOperators.ADD);
        if (t + 1 < k) gw[base + 1] += a1.reduceLanes(VectorOperators.ADD);
        if (t + 2 < k) gw[base + 2] += a2.reduceLanes(VectorOperators.ADD);
    }

    // ---------------------------------------------------------------- helpers

    private static int roundUp(int n, int multiple) {
        return Math.ceilDiv(n, multiple) * multiple;
    }

    /** Images per thread chunk: enough multiply-adds that a thread hand-off pays. */
    private static int imagesPerChunk(Geometry g) {
        return (int) Math.max(1, Math.min(g.batch(), (1L << 18) / Math.max(1, g.flopsPerImage())));
    }

    /** This thread's buffer {@code slot}, grown to at least {@code n} floats (contents undefined). */
    private static float[] buffer(int slot, int n) {
        float[][] b = BUFFERS.get();
        if (b[slot].length < n) b[slot] = new float[n];
        return b[slot];
    }
}
