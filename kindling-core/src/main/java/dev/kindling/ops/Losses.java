// Losses: the loss functions of torch.nn.functional (regression, binary, KL divergence, class losses)
// and cosine similarity, each one fused op whose forward and gradient are plain loops over flat arrays.
// Class losses (cross-entropy, NLL) live in ClassificationLosses; this class is their public entry point.
package dev.kindling.ops;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Loss functions with PyTorch semantics (functional API).
 *
 * <p>Every loss takes a {@link Reduction}: {@code NONE} returns per-element losses, {@code MEAN} and {@code SUM}
 * a scalar. Gradients flow to {@code input} and, where PyTorch defines one, to {@code target}; class weights and
 * {@code posWeight} are constants (PyTorch does not differentiate them either).
 *
 * <p>Example:
 * <pre>{@code
 * Tensor logits = model.forward(x);                                // [N, C]
 * Tensor loss = Losses.crossEntropy(logits, labels);               // labels: int64 [N]
 * loss.backward();
 * }</pre>
 */
public final class Losses {
    private Losses() {}

    // ---------------------------------------------------------------- regression losses

    /**
     * Mean squared error {@code (input - target)^2}.
     *
     * <p>Shape: input and target broadcast together (PyTorch warns when they differ; so should you);
     * {@code NONE} gives the broadcast shape, else {@code []}.
     */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction r) {
        return regression("mse_loss", Pointwise.MSE, input, target, 0f, r);
    }

    /** Mean absolute error {@code |input - target|} (gradient sign(input - target), 0 at 0). */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction r) {
        return regression("l1_loss", Pointwise.L1, input, target, 0f, r);
    }

    /**
     * Huber loss: {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - 0.5 delta)}, with
     * {@code d = input - target}. Args: {@code delta > 0} (PyTorch's default is 1).
     */
    public static Tensor huberLoss(Tensor input, Tensor target, float delta, Reduction r) {
        if (!(delta > 0)) throw new IllegalArgumentException("huber_loss: delta must be positive, got " + delta);
        return regression("huber_loss", Pointwise.HUBER, input, target, delta, r);
    }

    /**
     * Smooth L1 loss: {@code 0.5 d^2 / beta} where {@code |d| < beta}, else {@code |d| - 0.5 beta}; equal to
     * {@link #huberLoss} / beta. Args: {@code beta >= 0}; {@code beta == 0} is the L1 loss (PyTorch's default is 1).
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, float beta, Reduction r) {
        if (!(beta >= 0)) throw new IllegalArgumentException("smooth_l1_loss: beta must be >= 0, got " + beta);
        return regression("smooth_l1_loss", beta == 0 ? Pointwise.L1 : Pointwise.SMOOTH_L1, input, target, beta, r);
    }

    private enum Pointwise { MSE, L1, HUBER, SMOOTH_L1 }

    private static double pointValue(Pointwise kind, double d, double p) {
        double z = Math.abs(d);
        return switch (kind) {
            case MSE -> d * d;
            case L1 -> z;
            case HUBER -> z < p ? 0.5 * d * d : p * (z - 0.5 * p);
            case SMOOTH_L1 -> z < p ? 0.5 * d * d / p : z - 0.5 * p;
        };
    }

    /** d(loss)/d(input) at {@code d = input - target}; boundaries follow PyTorch's backward kernels. */
    private static double pointDerivative(Pointwise kind, double d, double p) {
        return switch (kind) {
            case MSE -> 2 * d;
            case L1 -> Math.signum(d);
            case HUBER -> d <= -p ? -p : d >= p ? p : d;
            case SMOOTH_L1 -> d <= -p ? -1 : d >= p ? 1 : d / p;
        };
    }

    private static Tensor regression(String op, Pointwise kind, Tensor input, Tensor target, float param, Reduction r) {
        checkReduction(op, r, false);
        requireFloat(op, "input", input);
        requireFloat(op, "target", target);
        int[] os = Shape.broadcast(op, input.shape(), target.shape());
        int n = Shape.numel(os);
        Flat x = flat(input, os), y = flat(target, os);
        float[] loss = new float[n];
        for (int i = 0; i < n; i++) loss[i] = (float) pointValue(kind, (double) x.at(i) - y.at(i), param);
        Tensor out = reduce(loss, os, r, n);
        return Autograd.record(op, out, new Tensor[] {input, target}, g -> {
            Upstream u = upstream(g, r, n);
            float[] gx = new float[n];
            for (int i = 0; i < n; i++) gx[i] = (float) (u.at(i) * pointDerivative(kind, (double) x.at(i) - y.at(i), param));
            Tensor gt = target.requiresGrad() ? Elementwise.neg(tensorOf(gx, os)).sumToShape(target.shape()) : null;
            Tensor gi = input.requiresGrad() ? tensorOf(gx, os).sumToShape(input.shape()) : null;
            return new Tensor[] {gi, gt};
        }, input, target);
    }

    // ---------------------------------------------------------------- binary cross-entropy

    /**
     * Binary cross-entropy on probabilities: {@code -w (t log(x) + (1 - t) log(1 - x))}, each log clamped at -100
     * as PyTorch does, so {@code x = 0} or {@code 1} gives a finite loss.
     *
     * <p>Args: {@code input} probabilities in [0, 1]; {@code target} of the same shape; {@code weight} null or
     * broadcastable to the input's shape. Prefer {@link #binaryCrossEntropyWithLogits} on logits (more stable).
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction r) {
        String op = "binary_cross_entropy";
        checkReduction(op, r, false);
        requireFloat(op, "input", input);
        requireFloat(op, "target", target);
        requireSameShape(op, input, target);
        int[] s = input.shape();
        int n = Shape.numel(s);
        Flat x = flat(input, s), y = flat(target, s), w = optionalBroadcast(op, "weight", weight, s);
        float[] loss = new float[n];
        for (int i = 0; i < n; i++) {
            double xi = x.at(i), yi = y.at(i);
            if (!(xi >= 0 && xi <= 1)) throw new IllegalArgumentException(op + ": all elements of input should be "
                    + "between 0 and 1, found " + x.at(i) + " at flat index " + i + " (use binaryCrossEntropyWithLogits "
                    + "for logits)");
            double logX = Math.max(Math.log(xi), -100), log1mX = Math.max(Math.log1p(-xi), -100);
            loss[i] = (float) (-w.at(i) * (yi * logX + (1 - yi) * log1mX));
        }
        Tensor out = reduce(loss, s, r, n);
        return Autograd.record(op, out, new Tensor[] {input, target}, g -> {
            Upstream u = upstream(g, r, n);
            float[] gx = input.requiresGrad() ? new float[n] : null, gt = target.requiresGrad() ? new float[n] : null;
            for (int i = 0; i < n; i++) {
                double xi = x.at(i), yi = y.at(i), uw = u.at(i) * w.at(i);
                if (gx != null) gx[i] = (float) (uw * (xi - yi) / Math.max((1 - xi) * xi, 1e-12));
                if (gt != null) gt[i] = (float) (uw * (Math.max(Math.log1p(-xi), -100) - Math.max(Math.log(xi), -100)));
            }
            return new Tensor[] {gx == null ? null : tensorOf(gx, s), gt == null ? null : tensorOf(gt, s)};
        }, input, target);
    }

    /**
     * Binary cross-entropy on logits, {@code -w (p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))}, computed
     * stably as {@code w ((1 - t) x + (1 + (p - 1) t) softplus(-x))}.
     *
     * <p>Args: {@code target} the input's shape (probabilities); {@code weight} null or broadcastable to the input;
     * {@code posWeight} null or broadcastable to the input (a {@code [C]} vector weighs the positives of each class
     * on the last dim).
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction r) {
        String op = "binary_cross_entropy_with_logits";
        checkReduction(op, r, false);
        requireFloat(op, "input", input);
        requireFloat(op, "target", target);
        requireSameShape(op, input, target);
        int[] s = input.shape();
        int n = Shape.numel(s);
        Flat x = flat(input, s), y = flat(target, s), w = optionalBroadcast(op, "weight", weight, s),
                pw = optionalBroadcast(op, "pos_weight", posWeight, s);
        float[] loss = new float[n];
        for (int i = 0; i < n; i++) {
            double xi = x.at(i), yi = y.at(i), logWeight = (pw.at(i) - 1.0) * yi + 1;
            loss[i] = (float) (w.at(i) * ((1 - yi) * xi + logWeight * softplusNeg(xi)));
        }
        Tensor out = reduce(loss, s, r, n);
        return Autograd.record(op, out, new Tensor[] {input, target}, g -> {
            Upstream u = upstream(g, r, n);
            float[] gx = input.requiresGrad() ? new float[n] : null, gt = target.requiresGrad() ? new float[n] : null;
            for (int i = 0; i < n; i++) {
                double xi = x.at(i), yi = y.at(i), p = pw.at(i), uw = u.at(i) * w.at(i);
                if (gx != null) gx[i] = (float) (uw * (((p - 1) * yi + 1) * sigmoid(xi) - p * yi));
                if (gt != null) gt[i] = (float) (uw * ((p - 1) * softplusNeg(xi) - xi));
            }
            return new Tensor[] {gx == null ? null : tensorOf(gx, s), gt == null ? null : tensorOf(gt, s)};
        }, input, target);
    }

    /** softplus(-x) = log(1 + exp(-x)), without overflow. */
    private static double softplusNeg(double x) {
        return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    // ---------------------------------------------------------------- KL divergence

    /**
     * KL divergence with PyTorch's argument order: {@code input} holds log-probabilities, {@code target}
     * probabilities (or log-probabilities when {@code logTarget}). Pointwise loss {@code t (log t - input)}, where
     * {@code t = 0} contributes 0 (xlogy), or {@code exp(t) (t - input)} with {@code logTarget}.
     *
     * <p>Use {@link Reduction#BATCHMEAN} (sum / input.size(0)) for the true KL divergence per sample;
     * {@code MEAN} divides by the element count, as PyTorch. The target's gradient follows PyTorch's formula,
     * which is NaN where a (non-log) target is exactly 0.
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction r, boolean logTarget) {
        String op = "kl_div";
        checkReduction(op, r, true);
        requireFloat(op, "input", input);
        requireFloat(op, "target", target);
        int[] os = Shape.broadcast(op, input.shape(), target.shape());
        int n = Shape.numel(os);
        Flat x = flat(input, os), y = flat(target, os);
        float[] loss = new float[n];
        for (int i = 0; i < n; i++) {
            double xi = x.at(i), ti = y.at(i);
            loss[i] = (float) (logTarget ? Math.exp(ti) * (ti - xi) : xlogy(ti, ti) - ti * xi);
        }
        Tensor out;
        double batch = input.dim() == 0 ? 1 : input.size(0);
        if (r == Reduction.BATCHMEAN) out = Tensor.scalar((float) (sum(loss) / batch));
        else out = reduce(loss, os, r, n);
        return Autograd.record(op, out, new Tensor[] {input, target}, g -> {
            Upstream u = r == Reduction.BATCHMEAN ? new Upstream(null, 0, (float) (g.item() / batch)) : upstream(g, r, n);
            float[] gx = input.requiresGrad() ? new float[n] : null, gt = target.requiresGrad() ? new float[n] : null;
            for (int i = 0; i < n; i++) {
                double xi = x.at(i), ti = y.at(i), ui = u.at(i);
                if (gx != null) gx[i] = (float) (-ui * (logTarget ? Math.exp(ti) : ti));
                if (gt != null) gt[i] = (float) (ui * (logTarget ? Math.exp(ti) * (ti - xi + 1)
                        : (ti == 0 ? 0 : Math.log(ti)) + ti / ti - xi));
            }
            return new Tensor[] {gx == null ? null : tensorOf(gx, os).sumToShape(input.shape()),
                    gt == null ? null : tensorOf(gt, os).sumToShape(target.shape())};
        }, input, target);
    }

    private static double xlogy(double x, double y) {
        if (Double.isNaN(y)) return Double.NaN;
        return x == 0 ? 0 : x * Math.log(y);
    }

    // ---------------------------------------------------------------- cosine similarity

    /**
     * Cosine similarity along {@code dim}, PyTorch 2.x formula:
     * {@code sum(a / max(|a|, eps) * b / max(|b|, eps))}.
     *
     * <p>Shape: a and b broadcast together; the result drops {@code dim}: {@code [N, D], [N, D] -> [N]}.
     * Args: {@code eps} PyTorch's default is 1e-8.
     */
    public static Tensor cosineSimilarity(Tensor a, Tensor b, int dim, float eps) {
        String op = "cosine_similarity";
        requireFloat(op, "x1", a);
        requireFloat(op, "x2", b);
        int[] os = Shape.broadcast(op, a.shape(), b.shape());
        int rank = os.length;
        int d = Shape.dim(op, dim, rank);
        // Lay both out as [M, D] rows with the reduced dim last.
        int[] perm = new int[rank], inv = new int[rank], rowShape = new int[Math.max(rank - 1, 0)], permShape = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) if (i != d) { perm[j] = i; rowShape[j++] = os[i]; }
        if (rank > 0) perm[rank - 1] = d;
        for (int i = 0; i < rank; i++) { inv[perm[i]] = i; permShape[i] = os[perm[i]]; }
        int len = rank == 0 ? 1 : os[d], rows = Shape.numel(rowShape);
        Flat x = rowsLast(a, os, perm), y = rowsLast(b, os, perm);
        float[] out = new float[rows];
        double[] dot = new double[rows], nx = new double[rows], ny = new double[rows];
        for (int m = 0; m < rows; m++) {
            double s = 0, sx = 0, sy = 0;
            for (int j = 0, p = m * len; j < len; j++, p++) {
                double xv = x.at(p), yv = y.at(p);
                s += xv * yv;
                sx += xv * xv;
                sy += yv * yv;
            }
            dot[m] = s;
            nx[m] = Math.sqrt(sx);
            ny[m] = Math.sqrt(sy);
            out[m] = (float) (s / (Math.max(nx[m], eps) * Math.max(ny[m], eps)));
        }
        Tensor result = tensorOf(out, rowShape);
        return Autograd.record(op, result, new Tensor[] {a, b}, g -> {
            Upstream u = upstream(g, Reduction.NONE, rows);
            float[] ga = a.requiresGrad() ? new float[rows * len] : null, gb = b.requiresGrad() ? new float[rows * len] : null;
            for (int m = 0; m < rows; m++) {
                double cx = Math.max(nx[m], eps), cy = Math.max(ny[m], eps), um = u.at(m);
                // The clamp is a constant to autograd in PyTorch: d|x|/dx = x/|x| (0 at 0) even when clamped.
                double kx = nx[m] > 0 ? dot[m] / (cx * cx * cy * nx[m]) : 0;
                double ky = ny[m] > 0 ? dot[m] / (cy * cy * cx * ny[m]) : 0;
                for (int j = 0, p = m * len; j < len; j++, p++) {
                    double xv = x.at(p), yv = y.at(p);
                    if (ga != null) ga[p] = (float) (um * (yv / (cx * cy) - kx * xv));
                    if (gb != null) gb[p] = (float) (um * (xv / (cx * cy) - ky * yv));
                }
            }
            return new Tensor[] {ga == null ? null : unpermute(ga, permShape, inv, a.shape()),
                    gb == null ? null : unpermute(gb, permShape, inv, b.shape())};
        }, a, b);
    }

    /** Cosine similarity with PyTorch's defaults: {@code dim = 1}, {@code eps = 1e-8}. */
    public static Tensor cosineSimilarity(Tensor a, Tensor b) {
        return cosineSimilarity(a, b, 1, 1e-8f);
    }

    private static Flat rowsLast(Tensor t, int[] os, int[] perm) {
        Tensor c = t.detach();
        if (!Shape.same(c.shape(), os)) c = c.expand(os);
        if (os.length > 0) c = c.permute(perm);
        c = c.contiguous();
        return new Flat(c.storage().floats(), c.offset());
    }

    private static Tensor unpermute(float[] g, int[] permShape, int[] inv, int[] target) {
        Tensor t = tensorOf(g, permShape);
        if (permShape.length > 0) t = t.permute(inv).contiguous();
        return t.sumToShape(target);
    }

    // ---------------------------------------------------------------- class losses (see ClassificationLosses)

    /**
     * Cross-entropy between logits and class targets: log-softmax over the class dim and NLL, fused
     * (the gradient is computed directly as softmax minus the smoothed, weighted one-hot).
     *
     * <p>Shape: input {@code [N, C]}, {@code [N, C, d1, ...]} (class dim 1) or {@code [C]}. Target either int64
     * class indices {@code [N]} / {@code [N, d1, ...]} / {@code []}, or float32 class probabilities of the input's
     * shape. {@code NONE} gives the target's (row) shape.
     *
     * <p>Args: {@code weight} null or float32 {@code [C]} per-class weights; {@code ignoreIndex} target value that
     * contributes nothing (index targets only); {@code labelSmoothing} in [0, 1] mixes the target with the uniform
     * distribution. With index targets, {@code MEAN} divides by the summed weights of the non-ignored targets
     * (the count when {@code weight} is null); with probability targets, by the number of rows.
     *
     * @throws IndexOutOfBoundsException if a target index is outside [0, C) and is not {@code ignoreIndex}
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex, float labelSmoothing,
                                      Reduction r) {
        return ClassificationLosses.crossEntropy(input, target, weight, ignoreIndex, labelSmoothing, r);
    }

    /** Cross-entropy with PyTorch's defaults: no weight, ignore index -100, no smoothing, mean reduction. */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, -100, 0f, Reduction.MEAN);
    }

    /**
     * Negative log-likelihood {@code -weight[t] * input[n, t]} of log-probabilities {@code input}.
     *
     * <p>Shape and arguments as {@link #crossEntropy} with int64 index targets.
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction r) {
        return ClassificationLosses.nllLoss(input, target, weight, ignoreIndex, r);
    }

    /** NLL with PyTorch's defaults: no weight, ignore index -100, mean reduction. */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, -100, Reduction.MEAN);
    }

    // ---------------------------------------------------------------- shared helpers

    /** Values of a float tensor laid out flat: element i is {@code a[off + i * step]} (step 0: a constant). */
    record Flat(float[] a, int off, int step) {
        Flat(float[] a, int off) {
            this(a, off, 1);
        }

        float at(int i) {
            return a[off + i * step];
        }
    }

    private static final float[] ONE = {1f};

    /** Values of {@code t} broadcast to {@code shape}, contiguous (no copy when already so). */
    static Flat flat(Tensor t, int[] shape) {
        Tensor c = t.detach();
        if (!Shape.same(c.shape(), shape)) c = c.expand(shape);
        c = c.contiguous();
        return new Flat(c.storage().floats(), c.offset());
    }

    /** An optional per-element factor broadcast to {@code shape}; a constant 1 when {@code t} is null. */
    private static Flat optionalBroadcast(String op, String name, Tensor t, int[] shape) {
        if (t == null) return new Flat(ONE, 0, 0);
        requireFloat(op, name, t);
        int[] b = Shape.broadcast(op + " (" + name + " vs input)", t.shape(), shape);
        if (!Shape.same(b, shape)) throw new IllegalArgumentException(op + ": " + name + " of shape "
                + Shape.str(t.shape()) + " cannot be broadcast to the input's shape " + Shape.str(shape));
        return flat(t, shape);
    }

    /** The upstream gradient per element: {@code g[i]} for NONE, else one scalar (divided by n for MEAN). */
    record Upstream(float[] a, int off, float scalar) {
        double at(int i) {
            return a == null ? scalar : a[off + i];
        }
    }

    static Upstream upstream(Tensor g, Reduction r, double meanDivisor) {
        if (r != Reduction.NONE) return new Upstream(null, 0, (float) (r == Reduction.MEAN ? g.item() / meanDivisor : g.item()));
        Tensor c = g.contiguous();
        return new Upstream(c.storage().floats(), c.offset(), 0f);
    }

    /** Reduces per-element losses (summed in double); NONE wraps them in a tensor of {@code shape}. */
    static Tensor reduce(float[] loss, int[] shape, Reduction r, double meanDivisor) {
        return switch (r) {
            case NONE -> tensorOf(loss, shape);
            case SUM -> Tensor.scalar((float) sum(loss));
            case MEAN, BATCHMEAN -> Tensor.scalar((float) (sum(loss) / meanDivisor));
        };
    }

    static double sum(float[] v) {
        double s = 0;
        for (float f : v) s += f;
        return s;
    }

    /** A float32 tensor over {@code data} with {@code shape}, including the 0-d shape {@code []}. */
    static Tensor tensorOf(float[] data, int[] shape) {
        return shape.length == 0 ? Tensor.scalar(data[0]) : Tensor.of(data, shape);
    }

    static void checkReduction(String op, Reduction r, boolean batchmeanAllowed) {
        if (r == null) throw new IllegalArgumentException(op + ": reduction must not be null (use Reduction.MEAN, "
                + "SUM or NONE)");
        if (r == Reduction.BATCHMEAN && !batchmeanAllowed) throw new IllegalArgumentException(op + ": reduction "
                + "BATCHMEAN is only valid for kl_div; use MEAN, SUM or NONE");
    }

    static void requireFloat(String op, String name, Tensor t) {
        if (t.dtype() != DType.FLOAT32) throw new IllegalArgumentException(op + ": expected " + name
                + " to be a float32 tensor, got " + t.dtype() + " with shape " + Shape.str(t.shape()));
    }

    private static void requireSameShape(String op, Tensor input, Tensor target) {
        if (!Shape.same(input.shape(), target.shape())) throw new IllegalArgumentException(op + ": target shape "
                + Shape.str(target.shape()) + " differs from input shape " + Shape.str(input.shape())
                + "; they must be the same");
    }
}
