// PoolingKernels: the Vector API 2x2 stride-2 max pool (LeNet's pooling) with the window code of each maximum for
// the backward. Two passes per plane: vertical max of each row pair into a contiguous scratch row, then max of
// adjacent pairs across the whole plane with full-width unzips. Loaded only when VectorSupport.enabled().
package dev.kindling.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** Vector 2x2 max pooling for {@link Pooling}; same results as its scalar loop, bit for bit. */
final class PoolingKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    @SuppressWarnings("unchecked")
    private static final VectorSpecies<Integer> IS =
            (VectorSpecies<Integer>) VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorShuffle<Float> EVEN = VectorShuffle.makeUnzip(S, 0), ODD = VectorShuffle.makeUnzip(S, 1);
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.makeZip(S, 0);
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.makeZip(S, 1);
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {
            new float[0], new float[0]});

    private PoolingKernels() {}

    /**
     * Planes {@code [lo, hi)} of x {@code [planes, h, w]} -> out {@code [planes, oh, ow]} ({@code oh = h/2},
     * {@code ow = w/2}); {@code codes} (or null) gets each window's maximum position 0..3 (row-major; the first
     * maximum, or the last NaN).
     */
    static void maxPool2x2(float[] x, float[] out, int[] codes, int lo, int hi, int h, int w, int oh, int ow) {
        int n2 = 2 * ow, ohw = oh * ow, hw = h * w;
        float[][] scratch = SCRATCH.get();
        if (scratch[0].length < oh * n2) {
            scratch[0] = new float[oh * n2];
            scratch[1] = new float[oh * n2];
        }
        float[] m = scratch[0], below = scratch[1];
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (int c = lo; c < hi; c++) {
            int base = c * hw, o = c * ohw;
            // Pass 1: m = max(top, bottom) per column of each row pair; below = 1 where the bottom is strictly larger.
            for (int i = 0; i < oh; i++) {
                int top = base + 2 * i * w, bot = top + w, r = i * n2, j = 0;
                for (; j <= n2 - V; j += V) {
                    FloatVector t = FloatVector.fromArray(S, x, top + j), b = FloatVector.fromArray(S, x, bot + j);
                    t.max(b).intoArray(m, r + j);
                    if (codes != null) zero.blend(one, b.compare(VectorOperators.GT, t)).intoArray(below, r + j);
                }
                if (V > 8 && j <= n2 - 8) {                    // LeNet's 24-wide rows: 16 + 8, no scalar tail
                    FloatVector t = FloatVector.fromArray(S8, x, top + j), b = FloatVector.fromArray(S8, x, bot + j);
                    t.max(b).intoArray(m, r + j);
                    if (codes != null) {
                        FloatVector.zero(S8).blend(1f, b.compare(VectorOperators.GT, t)).intoArray(below, r + j);
                    }
                    j += 8;
                }
                for (; j < n2; j++) {
                    float t = x[top + j], b = x[bot + j];
                    m[r + j] = Math.max(t, b);
                    below[r + j] = b > t ? 1f : 0f;
                }
            }
            // Pass 2: adjacent pairs of m (rows of m have even length, so pairs never straddle rows).
            int k = 0;
            for (; k <= ohw - V; k += V) {
                FloatVector m0 = FloatVector.fromArray(S, m, 2 * k), m1 = FloatVector.fromArray(S, m, 2 * k + V);
                FloatVector left = m0.rearrange(EVEN, m1), right = m0.rearrange(ODD, m1), best = left.max(right);
                best.intoArray(out, o + k);
                if (codes == null) continue;
                if (best.test(VectorOperators.IS_NAN).anyTrue()) {
                    for (int e = k; e < k + V; e++) codes[o + e] = scalarCode(x, base, w, ow, e);
                    continue;
                }
                FloatVector b0 = FloatVector.fromArray(S, below, 2 * k);
                FloatVector b1 = FloatVector.fromArray(S, below, 2 * k + V);
                VectorMask<Float> leftTop = b0.rearrange(EVEN, b1).compare(VectorOperators.EQ, 0f);
                VectorMask<Float> rightTop = b0.rearrange(ODD, b1).compare(VectorOperators.EQ, 0f);
                VectorMask<Float> leftMax = left.compare(VectorOperators.EQ, best);
                VectorMask<Float> rightMax = right.compare(VectorOperators.EQ, best);
                // First maximum in row-major order (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right): a top
                // maximum beats any bottom one, the left beats the right within a row.
                IntVector code = IntVector.broadcast(IS, 3)
                        .blend(2, leftMax.cast(IS))
                        .blend(1, rightMax.and(rightTop).cast(IS))
                        .blend(0, leftMax.and(leftTop).cast(IS));
                code.intoArray(codes, o + k);
            }
            for (; k < ohw; k++) {
                out[o + k] = Math.max(m[2 * k], m[2 * k + 1]);
                if (codes != null) codes[o + k] = scalarCode(x, base, w, ow, k);
            }
        }
    }

    /**
     * The backward of {@link #maxPool2x2}: {@code gx} planes {@code [lo, hi)} get each output gradient at its window's
     * code position and 0 at the window's other three; rows and columns outside every window are left as they are.
     * Pass 1 spreads g and the code's row bit over the columns of the row pairs (zips), pass 2 splits them by row.
     */
    static void maxPool2x2Backward(float[] g, int[] codes, float[] gx, int lo, int hi, int h, int w, int oh, int ow) {
        int n2 = 2 * ow, ohw = oh * ow, hw = h * w;
        float[][] scratch = SCRATCH.get();
        if (scratch[0].length < oh * n2) {
            scratch[0] = new float[oh * n2];
            scratch[1] = new float[oh * n2];
        }
        float[] gm = scratch[0], bottom = scratch[1];
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (int c = lo; c < hi; c++) {
            int base = c * hw, o = c * ohw, k = 0;
            for (; k <= ohw - V; k += V) {
                FloatVector gv = FloatVector.fromArray(S, g, o + k);
                IntVector code = IntVector.fromArray(IS, codes, o + k);
                VectorMask<Float> right = code.and(1).compare(VectorOperators.NE, 0).cast(S);
                FloatVector left = gv.blend(0f, right), rightG = zero.blend(gv, right);
                left.rearrange(ZIP_LO, rightG).intoArray(gm, 2 * k);
                left.rearrange(ZIP_HI, rightG).intoArray(gm, 2 * k + V);
                FloatVector row = zero.blend(one, code.compare(VectorOperators.GE, 2).cast(S));
                row.rearrange(ZIP_LO, row).intoArray(bottom, 2 * k);
                row.rearrange(ZIP_HI, row).intoArray(bottom, 2 * k + V);
            }
            for (; k < ohw; k++) {
                int code = codes[o + k], col = code & 1;
                gm[2 * k + col] = g[o + k];
                gm[2 * k + 1 - col] = 0f;
                bottom[2 * k] = bottom[2 * k + 1] = code >> 1;
            }
            for (int i = 0; i < oh; i++) {
                int top = base + 2 * i * w, bot = top + w, r = i * n2, j = 0;
                for (; j <= n2 - V; j += V) {
                    FloatVector v = FloatVector.fromArray(S, gm, r + j);
                    VectorMask<Float> down = FloatVector.fromArray(S, bottom, r + j).compare(VectorOperators.NE, 0f);
                    v.blend(0f, down).intoArray(gx, top + j);
                    zero.blend(v, down).intoArray(gx, bot + j);
                }
                for (; j < n2; j++) {
                    float v = gm[r + j];
                    boolean down = bottom[r + j] != 0f;
                    gx[top + j] = down ? 0f : v;
                    gx[bot + j] = down ? v : 0f;
                }
            }
        }
    }

    /** The window code of output {@code k} of the plane at {@code x[base]}, from the input values. */
    private static int scalarCode(float[] x, int base, int w, int ow, int k) {
        int a = base + 2 * (k / ow) * w + 2 * (k % ow);
        return Pooling.windowCode(x[a], x[a + 1], x[a + w], x[a + w + 1]);
    }
}
