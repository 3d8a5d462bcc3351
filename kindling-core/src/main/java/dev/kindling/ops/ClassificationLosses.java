// ClassificationLosses: cross-entropy (fused log-softmax + NLL, index or probability targets, class weights,
// ignore_index, label smoothing) and NLL loss, over inputs laid out as [outer, C, inner] with class dim 1.
// Reached through Losses; forward and gradient are row loops over flat arrays, parallel over rows.
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.UnaryOp;
import dev.kindling.ops.Losses.Upstream;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Implementation of {@link Losses#crossEntropy} and {@link Losses#nllLoss}. */
final class ClassificationLosses {
    /** Elements per parallel chunk below which threading costs more than it saves. */
    private static final int GRAIN = 16384;

    private ClassificationLosses() {}

    /**
     * The input seen as [outer, classes, inner] with the class dim at 1 ({@code [C]} is outer = inner = 1);
     * {@code rowShape} is the input's shape without the class dim (the shape of index targets and of NONE).
     */
    private record Layout(int outer, int classes, int inner, int[] rowShape) {
        int rows() {
            return outer * inner;
        }

        /** Flat index of class 0 of row r; class c is at {@code base + c * inner}. */
        int base(int r) {
            return inner == 1 ? r * classes : (r / inner) * classes * inner + r % inner;
        }
    }

    private static Layout layout(String op, Tensor input) {
        int[] s = input.shape();
        if (s.length == 0) throw new IllegalArgumentException(op + ": input must have a class dimension ([C], [N, C] "
                + "or [N, C, d1, ...]), got a 0-d tensor");
        if (s.length == 1) return new Layout(1, s[0], 1, new int[0]);
        int inner = 1;
        int[] rowShape = new int[s.length - 1];
        rowShape[0] = s[0];
        for (int i = 2; i < s.length; i++) {
            inner *= s[i];
            rowShape[i - 1] = s[i];
        }
        return new Layout(s[0], s[1], inner, rowShape);
    }

    /** Class weights as an array of length C, or null. */
    private static float[] classWeights(String op, Tensor weight, int classes) {
        if (weight == null) return null;
        Losses.requireFloat(op, "weight", weight);
        if (weight.dim() != 1 || weight.size(0) != classes) throw new IllegalArgumentException(op + ": weight of shape "
                + Shape.str(weight.shape()) + " does not match the " + classes + " classes of the input (expected ["
                + classes + "])");
        return weight.toFloatArray();
    }

    /** Index targets as a flat array, checked against the row shape and the class range. */
    private static long[] classIndices(String op, Tensor input, Tensor target, Layout l, int ignoreIndex) {
        if (!Shape.same(target.shape(), l.rowShape)) throw new IllegalArgumentException(op + ": expected target of shape "
                + Shape.str(l.rowShape) + " for input of shape " + Shape.str(input.shape()) + " (class dim "
                + (input.dim() == 1 ? 0 : 1) + "), got target shape " + Shape.str(target.shape()));
        long[] t = target.toLongArray();
        for (long v : t) {
            if (v != ignoreIndex && (v < 0 || v >= l.classes)) throw new IndexOutOfBoundsException(op + ": target " + v
                    + " is out of bounds for " + l.classes + " classes (expected a class index in [0, " + l.classes
                    + ") or ignore_index " + ignoreIndex + ")");
        }
        return t;
    }

    // ---------------------------------------------------------------- cross-entropy

    static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex, float smoothing,
                               Reduction r) {
        String op = "cross_entropy";
        Losses.checkReduction(op, r, false);
        Losses.requireFloat(op, "input", input);
        if (!(smoothing >= 0 && smoothing <= 1)) throw new IllegalArgumentException(op + ": label_smoothing must be "
                + "in [0, 1], got " + smoothing);
        Layout l = layout(op, input);
        float[] w = classWeights(op, weight, l.classes);
        if (target.dtype() == DType.FLOAT32) {
            if (!Shape.same(target.shape(), input.shape())) throw new IllegalArgumentException(op + ": a float32 "
                    + "(class-probability) target must have the input's shape " + Shape.str(input.shape()) + ", got "
                    + Shape.str(target.shape()) + " (use an int64 target for class indices)");
            return probabilityTarget(op, input, target, w, smoothing, r, l);
        }
        if (target.dtype() != DType.INT64) throw new IllegalArgumentException(op + ": target must be int64 class "
                + "indices or float32 class probabilities, got " + target.dtype());
        long[] t = classIndices(op, input, target, l, ignoreIndex);
        return indexTarget(op, input, t, w, ignoreIndex, smoothing, r, l);
    }

    /** Log-softmax over the class dim of every row. */
    private static float[] logSoftmax(Tensor input, Layout l) {
        Tensor xc = input.detach().contiguous();
        float[] x = xc.storage().floats(), logp = new float[input.numel()];
        int xo = xc.offset(), c = l.classes, inner = l.inner;
        Parallel.forRange(l.rows(), Math.max(1, GRAIN / Math.max(1, c)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int b = l.base(r);
                if (inner == 1) {
                    Elementwise1D.softmaxRow(x, xo + b, logp, b, c, true);
                    continue;
                }
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) m = Math.max(m, x[xo + b + k * inner]);
                if (m == Float.NEGATIVE_INFINITY) m = 0;
                double s = 0;
                for (int k = 0; k < c; k++) s += Math.exp(x[xo + b + k * inner] - m);
                double shift = m + Math.log(s);
                for (int k = 0; k < c; k++) logp[b + k * inner] = (float) (x[xo + b + k * inner] - shift);
            }
        });
        return logp;
    }

    private static Tensor indexTarget(String op, Tensor input, long[] t, float[] w, int ignoreIndex, float eps,
                                      Reduction r, Layout l) {
        int c = l.classes, inner = l.inner, rows = l.rows();
        float[] logp = logSoftmax(input, l);
        double weightAll = w == null ? c : Losses.sum(w);
        // loss_r = (1 - eps) * (-w[t] logp[t]) + eps / C * (-sum_c w[c] logp[c]); 0 for ignored rows.
        float[] loss = new float[rows];
        double used = 0;
        for (int i = 0; i < rows; i++) if (t[i] != ignoreIndex) used += w == null ? 1 : w[(int) t[i]];
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, c)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                if (t[i] == ignoreIndex) continue;
                int b = l.base(i), ti = (int) t[i];
                double nll = -(w == null ? 1 : w[ti]) * logp[b + ti * inner], smooth = 0;
                if (eps > 0) for (int k = 0; k < c; k++) smooth -= (w == null ? 1 : w[k]) * logp[b + k * inner];
                loss[i] = (float) ((1 - eps) * nll + eps / c * smooth);
            }
        });
        double denominator = used;
        Tensor out = Losses.reduce(loss, l.rowShape, r, denominator);
        return Autograd.record(op, out, new Tensor[] {input}, g -> {
            Upstream u = Losses.upstream(g, r, denominator);
            float[] gx = new float[logp.length];
            // d loss_r / d x_c = (1 - eps) w[t] (p_c - [c == t]) + eps / C (sum(w) p_c - w_c)
            Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, c)), (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    if (t[i] == ignoreIndex) continue;
                    int b = l.base(i), ti = (int) t[i];
                    double s = u.at(i), wt = w == null ? 1 : w[ti];
                    float a = (float) (s * ((1 - eps) * wt + eps / c * weightAll)), off = (float) (s * eps / c);
                    if (inner == 1) {
                        Elementwise1D.unary(UnaryOp.EXP, logp, b, gx, b, c, 0f);
                        if (w == null) Elementwise1D.affine(gx, b, gx, b, c, a, -off);
                        else for (int k = 0; k < c; k++) gx[b + k] = a * gx[b + k] - off * w[k];
                    } else {
                        for (int k = 0; k < c; k++) {
                            int p = b + k * inner;
                            gx[p] = (float) (a * Math.exp(logp[p]) - off * (w == null ? 1 : w[k]));
                        }
                    }
                    gx[b + ti * inner] -= (float) (s * (1 - eps) * wt);
                }
            });
            return new Tensor[] {Tensor.of(gx, input.shape())};
        });
    }

    private static Tensor probabilityTarget(String op, Tensor input, Tensor target, float[] w, float eps, Reduction r,
                                            Layout l) {
        int c = l.classes, inner = l.inner, rows = l.rows();
        float[] logp = logSoftmax(input, l);
        Tensor tc = target.detach().contiguous();
        float[] td = tc.storage().floats();
        int to = tc.offset();
        // Smoothed target t'_c = t_c (1 - eps) + eps / C; loss_r = -sum_c w_c t'_c logp_c.
        float[] loss = new float[rows];
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, c)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int b = l.base(i);
                double s = 0;
                for (int k = 0; k < c; k++) {
                    int p = b + k * inner;
                    s -= (w == null ? 1 : w[k]) * (td[to + p] * (1.0 - eps) + eps / c) * logp[p];
                }
                loss[i] = (float) s;
            }
        });
        Tensor out = Losses.reduce(loss, l.rowShape, r, rows);
        return Autograd.record(op, out, new Tensor[] {input, target}, g -> {
            Upstream u = Losses.upstream(g, r, rows);
            float[] gx = input.requiresGrad() ? new float[logp.length] : null;
            float[] gt = target.requiresGrad() ? new float[logp.length] : null;
            // d/dx_c = (sum_k w_k t'_k) p_c - w_c t'_c;  d/dt_c = -(1 - eps) w_c logp_c.
            Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, c)), (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    int b = l.base(i);
                    double s = u.at(i), mass = 0;
                    for (int k = 0; k < c; k++) mass += (w == null ? 1 : w[k]) * (td[to + b + k * inner] * (1.0 - eps) + eps / c);
                    for (int k = 0; k < c; k++) {
                        int p = b + k * inner;
                        double wk = w == null ? 1 : w[k];
                        if (gx != null) gx[p] = (float) (s * (mass * Math.exp(logp[p]) - wk * (td[to + p] * (1.0 - eps) + eps / c)));
                        if (gt != null) gt[p] = (float) (-s * (1 - eps) * wk * logp[p]);
                    }
                }
            });
            return new Tensor[] {gx == null ? null : Tensor.of(gx, input.shape()),
                    gt == null ? null : Tensor.of(gt, input.shape())};
        }, target);
    }

    // ---------------------------------------------------------------- NLL

    static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction r) {
        String op = "nll_loss";
        Losses.checkReduction(op, r, false);
        Losses.requireFloat(op, "input", input);
        Layout l = layout(op, input);
        float[] w = classWeights(op, weight, l.classes);
        if (target.dtype() != DType.INT64) throw new IllegalArgumentException(op + ": target must be an int64 tensor "
                + "of class indices, got " + target.dtype() + " with shape " + Shape.str(target.shape()));
        long[] t = classIndices(op, input, target, l, ignoreIndex);
        Tensor xc = input.detach().contiguous();
        float[] x = xc.storage().floats();
        int xo = xc.offset(), rows = l.rows(), inner = l.inner;
        float[] loss = new float[rows];
        double used = 0;
        for (int i = 0; i < rows; i++) {
            if (t[i] == ignoreIndex) continue;
            int ti = (int) t[i];
            float wt = w == null ? 1f : w[ti];
            used += wt;
            loss[i] = -wt * x[xo + l.base(i) + ti * inner];
        }
        double denominator = used;
        Tensor out = Losses.reduce(loss, l.rowShape, r, denominator);
        return Autograd.record(op, out, new Tensor[] {input}, g -> {
            Upstream u = Losses.upstream(g, r, denominator);
            float[] gx = new float[input.numel()];
            for (int i = 0; i < rows; i++) {
                if (t[i] == ignoreIndex) continue;
                int ti = (int) t[i];
                gx[l.base(i) + ti * inner] = (float) (-u.at(i) * (w == null ? 1 : w[ti]));
            }
            return new Tensor[] {Tensor.of(gx, input.shape())};
        });
    }
}
