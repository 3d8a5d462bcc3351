// NormKernels: the Vector API row kernels of layer / RMS norm: statistics and normalisation of one row, and the
// backward of one row fused with its share of the weight and bias gradients. Loaded only when
// VectorSupport.enabled(); the scalar loops in Norms are the spec they are tested against (NormKernelsTest).
package dev.kindling.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Vector row kernels for {@link Norms#layerNorm} and {@link Norms#rmsNorm}. None allocates. */
final class NormKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private NormKernels() {}

    /**
     * Normalises one row of length d: {@code out = (x - mean) * rstd * w + b} (w, b may be null; mean = 0 when not
     * centered). Writes the row's mean and rstd to {@code stats[r]}, {@code stats[rows + r]} via the two arrays.
     * Sums run in float over lanes (two passes: mean, then the centered squares), in a fixed order.
     */
    static void forwardRow(float[] x, int o, float[] w, float[] b, float[] out, int d, float eps, boolean centered,
                           float[] mean, float[] rstd, int r) {
        float mu = 0f;
        if (centered) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < d; j += L) {
                VectorMask<Float> m = S.indexInRange(j, d);
                acc = acc.add(FloatVector.fromArray(S, x, o + j, m));
            }
            mu = sumLanes(acc) / d;
        }
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector c = FloatVector.fromArray(S, x, o + j, m).sub(mu);
            acc = c.fma(c, acc).blend(acc, m.not());
        }
        float rs = (float) (1 / Math.sqrt((double) (sumLanes(acc) / d) + eps));
        mean[r] = mu;
        rstd[r] = rs;
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector y = FloatVector.fromArray(S, x, o + j, m).sub(mu).mul(rs);
            if (w != null) y = y.mul(FloatVector.fromArray(S, w, j, m));
            if (b != null) y = y.add(FloatVector.fromArray(S, b, j, m));
            y.intoArray(out, o + j, m);
        }
    }

    /**
     * Backward of one row: {@code gx = rstd * (g w - mean(g w) - xhat * mean(g w xhat))} (no mean(g w) term when not
     * centered), and adds {@code g * xhat} to {@code pw} and {@code g} to {@code pb} (each at offset po; null to
     * skip): the row's share of the weight and bias gradients. gx may be null when x needs no gradient.
     */
    static void backwardRow(float[] g, float[] x, int o, float[] w, float mu, float rs, int d, boolean centered,
                            float[] gx, float[] pw, float[] pb, int po) {
        FloatVector sumG = FloatVector.zero(S), sumGX = FloatVector.zero(S);
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector gv = FloatVector.fromArray(S, g, o + j, m);
            FloatVector xh = FloatVector.fromArray(S, x, o + j, m).sub(mu).mul(rs);
            if (pw != null) gv.fma(xh, FloatVector.fromArray(S, pw, po + j, m)).intoArray(pw, po + j, m);
            if (pb != null) gv.add(FloatVector.fromArray(S, pb, po + j, m)).intoArray(pb, po + j, m);
            FloatVector gh = w == null ? gv : gv.mul(FloatVector.fromArray(S, w, j, m));   // 0 in masked-off lanes
            sumG = sumG.add(gh);
            sumGX = gh.fma(xh, sumGX);
        }
        if (gx == null) return;
        float a = centered ? sumLanes(sumG) / d : 0f, bb = sumLanes(sumGX) / d;
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector gv = FloatVector.fromArray(S, g, o + j, m);
            FloatVector gh = w == null ? gv : gv.mul(FloatVector.fromArray(S, w, j, m));
            FloatVector xh = FloatVector.fromArray(S, x, o + j, m).sub(mu).mul(rs);
            gh.sub(a).sub(xh.mul(bb)).mul(rs).intoArray(gx, o + j, m);
        }
    }

    /** out[0..d) += src[so..so+d). */
    static void addTo(float[] src, int so, float[] out, int d) {
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector.fromArray(S, src, so + j, m).add(FloatVector.fromArray(S, out, j, m)).intoArray(out, j, m);
        }
    }

    /** Lane sum in lane order (reduceLanes' C2 intrinsic and its fallback add in different orders). */
    private static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }
}
