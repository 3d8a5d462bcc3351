// AttentionKernels: the Vector API row kernels of FlashAttention's online softmax: row max, exp(x - m) with its sum,
// scaled copy and the softmax backward, each one pass over a tile row with no allocation. Loaded only when
// VectorSupport.enabled(); FlashAttention.Rows holds the scalar versions (the spec) and dispatches.
package dev.kindling.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector row kernels for {@link FlashAttention}. */
final class AttentionKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** Below this e^x is under the smallest normal float: flushed to 0 (softmax weights that small are 0 anyway). */
    private static final float EXP_MIN = -87.33654f;
    /** Arguments are scores minus a running max (or logsumexp): at most a few ulps above 0. */
    private static final float EXP_MAX = 88f;

    private AttentionKernels() {}

    static float max(float[] x, int o, int n) {
        int i = 0;
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int bound = S.loopBound(n); i < bound; i += L) acc = acc.max(FloatVector.fromArray(S, x, o + i));
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[o + i]);
        return m;
    }

    /** x[i] = exp(x[i] - m); returns the sum. Cephes' single-precision exp polynomial (about 1 ulp). */
    static float expShiftSum(float[] x, int o, int n, float m) {
        // One masked loop (one exp call site, so C2 inlines it): causal rows have every length 1..S, and a scalar
        // Math.exp tail, or a second, colder exp call that C2 leaves out of line, cost more than the tile's GEMMs.
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> mk = S.indexInRange(i, n);
            FloatVector e = exp(FloatVector.fromArray(S, x, o + i, mk).sub(m));
            e.intoArray(x, o + i, mk);
            sum = sum.add(e, mk);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = xc.mul(LOG2E).add(0.5f);                                // n = floor(x / ln2 + 0.5)
        FloatVector tf = (FloatVector) ((IntVector) t.convert(VectorOperators.F2I, 0)).convert(VectorOperators.I2F, 0);
        VectorMask<Float> over = tf.compare(VectorOperators.GT, t);
        FloatVector n = tf.sub(FloatVector.broadcast(S, 1f), over);
        FloatVector r = xc.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector z = r.mul(r);
        FloatVector p = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        p = p.mul(r).add(8.3334519073E-3f);
        p = p.mul(r).add(4.1665795894E-2f);
        p = p.mul(r).add(1.6666665459E-1f);
        p = p.mul(r).add(5.0000001201E-1f);
        p = p.mul(z).add(r).add(1f);
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);          // n in [-126, 127]: 2^n is normal
        FloatVector pow2 = ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(pow2).blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
    }

    /** out[i] = x[i] * s. */
    static void scale(float[] x, int xo, float s, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) FloatVector.fromArray(S, x, xo + i).mul(s).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = x[xo + i] * s;
    }

    /** dp[i] = p[i] * (dp[i] - d) * s: the softmax backward of one row, with the score scale folded in. */
    static void softmaxGrad(float[] p, float[] dp, int o, int n, float d, float s) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, dp, o + i).sub(d).mul(FloatVector.fromArray(S, p, o + i)).mul(s);
            g.intoArray(dp, o + i);
        }
        for (; i < n; i++) dp[o + i] = (dp[o + i] - d) * p[o + i] * s;
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }
}
