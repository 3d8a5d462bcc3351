// GoldenCompare: elementwise comparison of a Kindling tensor with a PyTorch reference tensor.
package dev.kindling.golden;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * Float tensors match when {@code |actual - expected| <= ATOL + RTOL * |expected|} for every element; int64
 * tensors must match exactly. The worst element (largest excess over its tolerance) is named in the failure.
 */
final class GoldenCompare {
    static final double RTOL = 1e-4;
    static final double ATOL = 1e-5;

    private GoldenCompare() {}

    /** Outcome for one tensor: the largest absolute error and, when it does not match, why. */
    record Result(String what, double maxAbsErr, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    static Result compare(String caseId, String what, Tensor actual, Tensor expected) {
        String prefix = "case '" + caseId + "', " + what;
        if (actual == null) return new Result(what, Double.NaN, prefix + ": no tensor produced (expected shape "
                + Arrays.toString(expected.shape()) + ")");
        if (!Arrays.equals(actual.shape(), expected.shape())) return new Result(what, Double.NaN, prefix
                + ": shape " + Arrays.toString(actual.shape()) + " but expected " + Arrays.toString(expected.shape()));
        if (expected.dtype() == DType.INT64) {
            if (actual.dtype() != DType.INT64) return new Result(what, Double.NaN, prefix + ": dtype "
                    + actual.dtype() + " but expected int64");
            long[] a = actual.toLongArray(), e = expected.toLongArray();
            double maxErr = 0;
            int bad = -1;
            for (int i = 0; i < a.length; i++) {
                double err = Math.abs((double) a[i] - e[i]);
                if (err > maxErr) maxErr = err;
                if (a[i] != e[i] && bad < 0) bad = i;
            }
            if (bad < 0) return new Result(what, maxErr, null);
            return new Result(what, maxErr, prefix + ": element " + index(bad, expected.shape()) + " is " + a[bad]
                    + " but expected " + e[bad] + " (int64, exact)");
        }
        if (actual.dtype() != DType.FLOAT32) return new Result(what, Double.NaN, prefix + ": dtype " + actual.dtype()
                + " but expected float32");
        float[] a = actual.toFloatArray(), e = expected.toFloatArray();
        double maxErr = 0, worstExcess = 0;
        int worst = -1;
        for (int i = 0; i < a.length; i++) {
            double ai = a[i], ei = e[i];
            double err = Math.abs(ai - ei);
            if (Double.isNaN(ai) && Double.isNaN(ei)) continue;
            if (ai == ei) continue;                                   // equal infinities
            if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
            maxErr = Math.max(maxErr, err);
            double excess = err - (ATOL + RTOL * Math.abs(ei));
            if (excess > 0 && (worst < 0 || excess > worstExcess)) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst < 0) return new Result(what, maxErr, null);
        return new Result(what, maxErr, prefix + ": worst element " + index(worst, expected.shape()) + " is "
                + a[worst] + " but expected " + e[worst] + " (abs err " + fmt(Math.abs((double) a[worst] - e[worst]))
                + ", tolerance " + fmt(ATOL + RTOL * Math.abs(e[worst])) + ", max abs err " + fmt(maxErr) + ", "
                + mismatches(a, e) + " of " + a.length + " elements off)");
    }

    private static int mismatches(float[] a, float[] e) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            boolean same = a[i] == e[i] || (Float.isNaN(a[i]) && Float.isNaN(e[i]));
            if (!same && !(err <= ATOL + RTOL * Math.abs(e[i]))) n++;
        }
        return n;
    }

    /** Flat position {@code flat} of a row-major tensor of {@code shape} as {@code [i, j, ...]}. */
    static String index(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) break;
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3g", v);
    }
}
