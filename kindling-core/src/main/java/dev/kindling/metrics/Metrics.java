// Metrics: one-shot evaluation functions (accuracy, MSE, MAE, R²) over whole tensors, and the shared
// decoding of model outputs into class predictions that Accuracy, F1Score and ConfusionMatrix also use.
// Everything runs on plain arrays in double precision and records no autograd graph.
package dev.kindling.metrics;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Whole-tensor metrics, matching scikit-learn's {@code accuracy_score}, {@code mean_squared_error},
 * {@code mean_absolute_error} and {@code r2_score}.
 *
 * <p>How outputs become class predictions (same rules as torchmetrics):
 * <ul>
 *   <li>int64 output: already class indices, same number of elements as the target;</li>
 *   <li>float output {@code [N, C, ...]} with {@code C > 1}: arg-max over dim 1 (logits or probabilities);</li>
 *   <li>float output with as many elements as the target ({@code [N]} or {@code [N, 1]}): binary; values all in
 *       [0, 1] are probabilities (class 1 when {@code > 0.5}), otherwise logits (class 1 when {@code > 0}).</li>
 * </ul>
 * Targets are class indices (int64, bool, or float holding whole numbers), or one-hot / probability rows of
 * the output's shape, decoded by arg-max.
 *
 * <p>Example: {@code Metrics.accuracy(Tensor.of(new float[] {2, 1, 0, 3}, 2, 2), Tensor.ofLongs(new long[] {0, 0}))}
 * is 0.5.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Fraction of samples whose predicted class equals the target class. */
    public static double accuracy(Tensor logitsOrPred, Tensor target) {
        long[][] pa = classes("accuracy", logitsOrPred, target);
        long correct = 0;
        for (int i = 0; i < pa[0].length; i++) if (pa[0][i] == pa[1][i]) correct++;
        return pa[0].length == 0 ? Double.NaN : (double) correct / pa[0].length;
    }

    /** Mean squared error over all elements; shapes must hold the same number of elements. */
    public static double mse(Tensor pred, Tensor target) {
        double[][] pt = pairs("mse", pred, target);
        double s = 0;
        for (int i = 0; i < pt[0].length; i++) {
            double d = pt[0][i] - pt[1][i];
            s += d * d;
        }
        return s / pt[0].length;
    }

    /** Mean absolute error over all elements. */
    public static double mae(Tensor pred, Tensor target) {
        double[][] pt = pairs("mae", pred, target);
        double s = 0;
        for (int i = 0; i < pt[0].length; i++) s += Math.abs(pt[0][i] - pt[1][i]);
        return s / pt[0].length;
    }

    /**
     * Coefficient of determination {@code 1 - SS_res / SS_tot}. For {@code [N, K]} outputs the per-column scores
     * are averaged (scikit-learn's {@code multioutput="uniform_average"}); a constant target scores 1 when
     * predicted exactly, else 0 (scikit-learn's {@code force_finite}).
     */
    public static double r2(Tensor pred, Tensor target) {
        R2Score r = new R2Score();
        r.update(pred, target);
        return r.compute();
    }

    // ---------------------------------------------------------------- decoding (shared by the accumulators)

    /** {@code {predicted, actual}} class indices, one pair per sample. */
    static long[][] classes(String op, Tensor output, Tensor target) {
        if (output == null || target == null) throw new IllegalArgumentException(op + ": output and target must be non-null");
        int n = target.numel();
        long[] actual;
        long[] predicted;
        boolean classDim = output.dtype() == DType.FLOAT32 && output.dim() >= 2 && output.size(1) > 1;
        if (classDim && target.dtype() == DType.FLOAT32 && Shape.same(output.shape(), target.shape())) {
            actual = argmaxDim1(target);                    // one-hot or probability targets
            predicted = argmaxDim1(output);
        } else if (classDim) {
            predicted = argmaxDim1(output);                 // [N, C, ...] -> N·(...) predictions
            if (predicted.length != n) throw new IllegalArgumentException(op + ": output " + Shape.str(output.shape())
                    + " gives " + predicted.length + " predictions (arg-max over dim 1) but target "
                    + Shape.str(target.shape()) + " has " + n + " labels; expected target [N, ...] for output [N, C, ...]");
            actual = labels(op, target);
        } else {
            if (output.numel() != n) throw new IllegalArgumentException(op + ": output " + Shape.str(output.shape())
                    + " and target " + Shape.str(target.shape()) + " differ in size; expected class scores [N, C] with "
                    + "labels [N], or predictions with one value per label");
            actual = labels(op, target);
            predicted = output.dtype() == DType.FLOAT32 ? binary(output) : labels(op, output);
        }
        return new long[][] {predicted, actual};
    }

    /** Class indices held by an int64, bool or whole-number float tensor. */
    static long[] labels(String op, Tensor t) {
        return switch (t.dtype()) {
            case INT64 -> t.toLongArray();
            case BOOL -> {
                boolean[] b = t.toBoolArray();
                long[] out = new long[b.length];
                for (int i = 0; i < b.length; i++) out[i] = b[i] ? 1 : 0;
                yield out;
            }
            case FLOAT32 -> {
                float[] f = t.toFloatArray();
                long[] out = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                    if (f[i] != Math.rint(f[i])) throw new IllegalArgumentException(op + ": class labels must be whole "
                            + "numbers, got " + f[i] + " at index " + i + " (pass int64 labels, or class scores [N, C])");
                    out[i] = (long) f[i];
                }
                yield out;
            }
        };
    }

    /** Binary decisions: probabilities when every value lies in [0, 1], otherwise logits. */
    private static long[] binary(Tensor output) {
        float[] v = output.toFloatArray();
        boolean probabilities = true;
        for (float x : v) if (!(x >= 0f && x <= 1f)) probabilities = false;
        float threshold = probabilities ? 0.5f : 0f;
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] > threshold ? 1 : 0;
        return out;
    }

    /** Arg-max over dim 1 of {@code [N, C, inner...]}, first maximum wins; NaN counts as the maximum (as torch). */
    private static long[] argmaxDim1(Tensor t) {
        int[] s = t.shape();
        int outer = s[0], c = s[1], inner = 1;
        for (int d = 2; d < s.length; d++) inner *= s[d];
        float[] v = t.toFloatArray();
        long[] out = new long[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * c * inner + i;
                int best = 0;
                float bv = v[base];
                for (int k = 1; k < c && !Float.isNaN(bv); k++) {
                    float x = v[base + k * inner];
                    if (x > bv || Float.isNaN(x)) {
                        bv = x;
                        best = k;
                    }
                }
                out[o * inner + i] = best;
            }
        }
        return out;
    }

    /** Values of prediction and target as doubles, checked to have the same number of elements. */
    static double[][] pairs(String op, Tensor pred, Tensor target) {
        if (pred == null || target == null) throw new IllegalArgumentException(op + ": pred and target must be non-null");
        if (pred.numel() != target.numel()) throw new IllegalArgumentException(op + ": pred " + Shape.str(pred.shape())
                + " and target " + Shape.str(target.shape()) + " must have the same number of elements");
        if (pred.numel() == 0) throw new IllegalArgumentException(op + ": pred and target are empty");
        return new double[][] {doubles(pred), doubles(target)};
    }

    static double[] doubles(Tensor t) {
        double[] out = new double[t.numel()];
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] f = t.toFloatArray();
                for (int i = 0; i < f.length; i++) out[i] = f[i];
            }
            case INT64 -> {
                long[] l = t.toLongArray();
                for (int i = 0; i < l.length; i++) out[i] = l[i];
            }
            case BOOL -> {
                boolean[] b = t.toBoolArray();
                for (int i = 0; i < b.length; i++) out[i] = b[i] ? 1 : 0;
            }
        }
        return out;
    }
}
