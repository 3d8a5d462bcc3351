// Norms: layer, RMS, group and batch normalisation with fused forward kernels (statistics accumulated in
// double) and hand-written backward passes that reuse the saved per-row mean and 1/std. Batch norm also
// keeps PyTorch's running statistics (updated in place, unbiased variance) and its eval mode.
package dev.kindling.ops;

import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Normalisation layers (functional API), PyTorch semantics: biased variance inside the normalisation,
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}; weight and bias may be null.
 *
 * <p>Example: {@code Tensor y = Norms.layerNorm(x, new int[] {512}, gamma, beta, 1e-5f); // [B, T, 512]}
 */
public final class Norms {
    /** Elements per thread below which threading costs more than it saves. */
    private static final int GRAIN = 1 << 14;

    private Norms() {}

    private static float[] data(Tensor t) {
        return t == null ? null : ConvKernels.dense(t.detach());
    }

    private static void forRows(int rows, int rowLen, Parallel.RangeBody body) {
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, rowLen)), body);
    }

    private static void checkParam(String op, String name, Tensor p, int[] expected) {
        if (p == null) return;
        Elementwise.requireFloat(op, p);
        if (!Shape.same(p.shape(), expected)) throw new IllegalArgumentException(op + ": expected " + name + " of shape "
                + Shape.str(expected) + ", got " + Shape.str(p.shape()));
    }

    private static Tensor[] nonNull(Tensor a, Tensor b) {   // no stream: this runs on every norm call
        return b == null ? new Tensor[] {a} : new Tensor[] {a, b};
    }

    // ---------------------------------------------------------------- layer norm / rms norm

    /**
     * Layer normalisation over the trailing {@code normalizedShape} dims.
     *
     * <p>Shape: x {@code [..., *normalizedShape]}, weight and bias {@code normalizedShape} or null -> same as x.
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        return rowNorm("layerNorm", x, normalizedShape, weight, bias, eps, true);
    }

    /**
     * RMS normalisation over the trailing {@code normalizedShape} dims:
     * {@code y = x / sqrt(mean(x^2) + eps) * weight}.
     *
     * <p>Shape: x {@code [..., *normalizedShape]}, weight {@code normalizedShape} or null -> same as x.
     */
    public static Tensor rmsNorm(Tensor x, int[] normalizedShape, Tensor weight, float eps) {
        return rowNorm("rmsNorm", x, normalizedShape, weight, null, eps, false);
    }

    /** Layer norm ({@code centered}) or RMS norm over rows of length prod(normalizedShape). */
    private static Tensor rowNorm(String op, Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps,
            boolean centered) {
        Elementwise.requireFloat(op, x);
        int[] xs = x.shape(), ns = normalizedShape;
        int lead = xs.length - ns.length;
        boolean ok = ns.length > 0 && lead >= 0;
        for (int i = 0; ok && i < ns.length; i++) ok = xs[lead + i] == ns[i];
        if (!ok) throw new IllegalArgumentException(op + ": normalizedShape " + Shape.str(ns) + " must be non-empty "
                + "and match the trailing dims of the input " + Shape.str(xs));
        checkParam(op, "weight", weight, ns);
        checkParam(op, "bias", bias, ns);
        int d = Shape.numel(ns), rows = d == 0 ? 0 : x.numel() / d;
        float[] xd = data(x), wd = data(weight), bd = data(bias);
        float[] mean = new float[rows], rstd = new float[rows], out = new float[rows * d];
        boolean fast = VectorSupport.enabled();
        forRows(rows, d, (lo, hi) -> {
            if (fast) {
                for (int r = lo; r < hi; r++) NormKernels.forwardRow(xd, r * d, wd, bd, out, d, eps, centered, mean, rstd, r);
                return;
            }
            for (int r = lo; r < hi; r++) {
                int o = r * d;
                double m = 0;
                if (centered) {
                    for (int j = 0; j < d; j++) m += xd[o + j];
                    m /= d;
                }
                double v = 0;
                for (int j = 0; j < d; j++) {
                    double c = xd[o + j] - m;
                    v += c * c;
                }
                float mu = (float) m, rs = (float) (1 / Math.sqrt(v / d + eps));
                mean[r] = mu;
                rstd[r] = rs;
                for (int j = 0; j < d; j++) {
                    float y = (xd[o + j] - mu) * rs;
                    if (wd != null) y *= wd[j];
                    if (bd != null) y += bd[j];
                    out[o + j] = y;
                }
            }
        });
        Tensor y = Tensor.of(out, xs);
        return Autograd.record(op, y, new Tensor[] {x, weight, bias}, grad -> {
            float[] gd = data(grad);
            if (fast) return rowNormBackwardFast(gd, xd, wd, mean, rstd, rows, d, centered, x, weight, bias, xs, ns);
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                float[] gxd = new float[rows * d];
                forRows(rows, d, (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int o = r * d;
                        float mu = mean[r], rs = rstd[r];
                        double sumG = 0, sumGX = 0;                  // sums of dxhat and dxhat * xhat
                        for (int j = 0; j < d; j++) {
                            float gh = wd == null ? gd[o + j] : gd[o + j] * wd[j];
                            sumG += gh;
                            sumGX += gh * ((xd[o + j] - mu) * rs);
                        }
                        float a = centered ? (float) (sumG / d) : 0f, b = (float) (sumGX / d);
                        for (int j = 0; j < d; j++) {
                            float gh = wd == null ? gd[o + j] : gd[o + j] * wd[j];
                            gxd[o + j] = rs * (gh - a - (xd[o + j] - mu) * rs * b);
                        }
                    }
                });
                gx = Tensor.of(gxd, xs);
            }
            boolean needW = weight != null && weight.requiresGrad(), needB = bias != null && bias.requiresGrad();
            if (needW || needB) {
                float[] gwd = new float[d], gbd = new float[d];
                // Column sums over rows: threaded over column ranges so no reduction across threads is needed.
                Parallel.forRange(d, Math.max(1, GRAIN / Math.max(1, rows)), (lo, hi) -> {
                    for (int r = 0; r < rows; r++) {
                        int o = r * d;
                        float mu = mean[r], rs = rstd[r];
                        for (int j = lo; j < hi; j++) {
                            gwd[j] += gd[o + j] * ((xd[o + j] - mu) * rs);
                            gbd[j] += gd[o + j];
                        }
                    }
                });
                if (needW) gw = Tensor.of(gwd, ns);
                if (needB) gb = Tensor.of(gbd, ns);
            }
            return new Tensor[] {gx, gw, gb};
        }, nonNull(x, weight));
    }

    /** Rows per block of the fast backward: each block sums its own weight/bias gradient share. */
    private static final int NORM_BLOCK = 32;

    /**
     * The Vector API backward of layer / RMS norm: one pass per row gives dx and adds the row's g * xhat and g to
     * its block's partial weight and bias gradients; the partials are then summed in block order, so the result
     * does not depend on the thread count.
     */
    private static Tensor[] rowNormBackwardFast(float[] gd, float[] xd, float[] wd, float[] mean, float[] rstd, int rows,
            int d, boolean centered, Tensor x, Tensor weight, Tensor bias, int[] xs, int[] ns) {
        boolean needX = x.requiresGrad();
        boolean needW = weight != null && weight.requiresGrad(), needB = bias != null && bias.requiresGrad();
        int blocks = (rows + NORM_BLOCK - 1) / NORM_BLOCK;
        float[] gxd = needX ? new float[rows * d] : null;
        float[] pw = needW ? new float[blocks * d] : null, pb = needB ? new float[blocks * d] : null;
        Parallel.forRange(blocks, Math.max(1, GRAIN / Math.max(1, NORM_BLOCK * d)), (lo, hi) -> {
            for (int blk = lo; blk < hi; blk++) {
                for (int r = blk * NORM_BLOCK, end = Math.min(rows, r + NORM_BLOCK); r < end; r++) {
                    NormKernels.backwardRow(gd, xd, r * d, wd, mean[r], rstd[r], d, centered, gxd, pw, pb, blk * d);
                }
            }
        });
        float[] gwd = needW ? new float[d] : null, gbd = needB ? new float[d] : null;
        for (int blk = 0; blk < blocks; blk++) {
            if (needW) NormKernels.addTo(pw, blk * d, gwd, d);
            if (needB) NormKernels.addTo(pb, blk * d, gbd, d);
        }
        return new Tensor[] {needX ? Tensor.of(gxd, xs) : null, needW ? Tensor.of(gwd, ns) : null,
                needB ? Tensor.of(gbd, ns) : null};
    }

    // ---------------------------------------------------------------- group norm

    /**
     * Group normalisation: channels are split into {@code numGroups} groups and each (sample, group) is
     * normalised over its channels and spatial positions; weight and bias are per channel.
     *
     * <p>Shape: x {@code [N, C, *]} with C divisible by numGroups, weight and bias {@code [C]} or null -> same as x.
     */
    public static Tensor groupNorm(Tensor x, int numGroups, Tensor weight, Tensor bias, float eps) {
        String op = "groupNorm";
        Elementwise.requireFloat(op, x);
        int[] xs = x.shape();
        if (xs.length < 2) throw new IllegalArgumentException(op + ": expected input [N, C, *], got shape "
                + Shape.str(xs));
        int n = xs[0], c = xs[1];
        if (numGroups < 1 || c % numGroups != 0) throw new IllegalArgumentException(op + ": the " + c
                + " channels of input " + Shape.str(xs) + " must be divisible by numGroups=" + numGroups);
        checkParam(op, "weight", weight, new int[] {c});
        checkParam(op, "bias", bias, new int[] {c});
        int spatial = c == 0 || n == 0 ? 0 : x.numel() / (n * c), cg = c / numGroups, block = cg * spatial;
        int blocks = n * numGroups;
        float[] xd = data(x), wd = data(weight), bd = data(bias);
        float[] mean = new float[blocks], rstd = new float[blocks], out = new float[x.numel()];
        forRows(blocks, block, (lo, hi) -> {
            for (int b = lo; b < hi; b++) {
                int o = b * block;
                double m = 0, v = 0;
                for (int i = 0; i < block; i++) m += xd[o + i];
                m /= Math.max(1, block);
                for (int i = 0; i < block; i++) {
                    double e = xd[o + i] - m;
                    v += e * e;
                }
                float mu = (float) m, rs = (float) (1 / Math.sqrt(v / Math.max(1, block) + eps));
                mean[b] = mu;
                rstd[b] = rs;
                int c0 = (b % numGroups) * cg;
                for (int k = 0; k < cg; k++) {
                    float sc = wd == null ? rs : rs * wd[c0 + k], sh = (bd == null ? 0f : bd[c0 + k]) - mu * sc;
                    int p = o + k * spatial;
                    for (int i = 0; i < spatial; i++) out[p + i] = xd[p + i] * sc + sh;
                }
            }
        });
        Tensor y = Tensor.of(out, xs);
        return Autograd.record(op, y, new Tensor[] {x, weight, bias}, grad -> {
            float[] gd = data(grad);
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                float[] gxd = new float[x.numel()];
                forRows(blocks, block, (lo, hi) -> {
                    for (int b = lo; b < hi; b++) {
                        int o = b * block, c0 = (b % numGroups) * cg;
                        float mu = mean[b], rs = rstd[b];
                        double sumG = 0, sumGX = 0;
                        for (int k = 0; k < cg; k++) {
                            float wk = wd == null ? 1f : wd[c0 + k];
                            for (int i = o + k * spatial; i < o + (k + 1) * spatial; i++) {
                                float gh = gd[i] * wk;
                                sumG += gh;
                                sumGX += gh * ((xd[i] - mu) * rs);
                            }
                        }
                        float a = (float) (sumG / block), bb = (float) (sumGX / block);
                        for (int k = 0; k < cg; k++) {
                            float wk = wd == null ? 1f : wd[c0 + k];
                            for (int i = o + k * spatial; i < o + (k + 1) * spatial; i++)
                                gxd[i] = rs * (gd[i] * wk - a - (xd[i] - mu) * rs * bb);
                        }
                    }
                });
                gx = Tensor.of(gxd, xs);
            }
            boolean needW = weight != null && weight.requiresGrad(), needB = bias != null && bias.requiresGrad();
            if (needW || needB) {
                float[] gwd = new float[c], gbd = new float[c];
                Parallel.forRange(c, Math.max(1, GRAIN / Math.max(1, n * spatial)), (lo, hi) -> {
                    for (int ch = lo; ch < hi; ch++) {
                        double sw = 0, sb = 0;
                        for (int s = 0; s < n; s++) {
                            int b = s * numGroups + ch / cg, p = (s * c + ch) * spatial;
                            float mu = mean[b], rs = rstd[b];
                            for (int i = p; i < p + spatial; i++) {
                                sw += gd[i] * ((xd[i] - mu) * rs);
                                sb += gd[i];
                            }
                        }
                        gwd[ch] = (float) sw;
                        gbd[ch] = (float) sb;
                    }
                });
                if (needW) gw = Tensor.of(gwd, c);
                if (needB) gb = Tensor.of(gbd, c);
            }
            return new Tensor[] {gx, gw, gb};
        }, nonNull(x, weight));
    }

    // ---------------------------------------------------------------- batch norm

    /**
     * Batch normalisation over the batch and spatial dims of each channel.
     *
     * <p>In training, normalises with the batch mean and biased variance and, when given, updates
     * {@code runningMean} and {@code runningVar} in place (outside autograd):
     * {@code running = (1 - momentum) * running + momentum * batchStat}, with the unbiased variance. In eval,
     * normalises with the running statistics (which must then be given).
     *
     * <p>Shape: x {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}; runningMean, runningVar, weight and
     * bias {@code [C]} or null -> same as x.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, float momentum, float eps) {
        String op = "batchNorm";
        Elementwise.requireFloat(op, x);
        int[] xs = x.shape();
        if (xs.length < 2) throw new IllegalArgumentException(op + ": expected input [N, C], [N, C, L] or [N, C, H, W], "
                + "got shape " + Shape.str(xs));
        int n = xs[0], c = xs[1], spatial = n == 0 || c == 0 ? 0 : x.numel() / (n * c), count = n * spatial;
        int[] cs = {c};
        checkParam(op, "runningMean", runningMean, cs);
        checkParam(op, "runningVar", runningVar, cs);
        checkParam(op, "weight", weight, cs);
        checkParam(op, "bias", bias, cs);
        if (!training && (runningMean == null || runningVar == null)) throw new IllegalArgumentException(op
                + ": runningMean and runningVar must be given in eval mode (training=false)");
        if (training && count <= 1) throw new IllegalArgumentException(op + ": expected more than 1 value per channel "
                + "when training, got input " + Shape.str(xs));
        float[] xd = data(x), wd = data(weight), bd = data(bias);
        float[] mean = new float[c], rstd = new float[c], unbiasedVar = new float[c];
        if (training) {
            forRows(c, count, (lo, hi) -> {
                for (int ch = lo; ch < hi; ch++) {
                    double m = 0, v = 0;
                    for (int s = 0; s < n; s++)
                        for (int i = (s * c + ch) * spatial, e = i + spatial; i < e; i++) m += xd[i];
                    m /= count;
                    for (int s = 0; s < n; s++)
                        for (int i = (s * c + ch) * spatial, e = i + spatial; i < e; i++) v += (xd[i] - m) * (xd[i] - m);
                    mean[ch] = (float) m;
                    unbiasedVar[ch] = (float) (v / (count - 1));
                    rstd[ch] = (float) (1 / Math.sqrt(v / count + eps));
                }
            });
            updateRunning(runningMean, runningVar, mean, unbiasedVar, momentum);
        } else {
            float[] rm = data(runningMean), rv = data(runningVar);
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = rm[ch];
                rstd[ch] = (float) (1 / Math.sqrt((double) rv[ch] + eps));
            }
        }
        float[] out = new float[x.numel()];
        forRows(n * c, spatial, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int ch = r % c;
                float sc = wd == null ? rstd[ch] : rstd[ch] * wd[ch], sh = (bd == null ? 0f : bd[ch]) - mean[ch] * sc;
                for (int i = r * spatial, e = i + spatial; i < e; i++) out[i] = xd[i] * sc + sh;
            }
        });
        Tensor y = Tensor.of(out, xs);
        return Autograd.record(op, y, new Tensor[] {x, weight, bias}, grad -> {
            float[] gd = data(grad);
            // Per channel: sumG = sum(g), sumGX = sum(g * xhat); they are also the bias and weight gradients.
            double[] sumG = new double[c], sumGX = new double[c];
            forRows(c, count, (lo, hi) -> {
                for (int ch = lo; ch < hi; ch++) {
                    float mu = mean[ch], rs = rstd[ch];
                    double a = 0, b = 0;
                    for (int s = 0; s < n; s++)
                        for (int i = (s * c + ch) * spatial, e = i + spatial; i < e; i++) {
                            a += gd[i];
                            b += gd[i] * ((xd[i] - mu) * rs);
                        }
                    sumG[ch] = a;
                    sumGX[ch] = b;
                }
            });
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                float[] gxd = new float[x.numel()];
                forRows(n * c, spatial, (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int ch = r % c;
                        float mu = mean[ch], rs = rstd[ch], sc = wd == null ? rs : rs * wd[ch];
                        // Eval mode: the statistics are constants, so the gradient is a plain rescale.
                        float a = training ? (float) (sumG[ch] / count) : 0f;
                        float b = training ? (float) (sumGX[ch] / count) : 0f;
                        for (int i = r * spatial, e = i + spatial; i < e; i++)
                            gxd[i] = sc * (gd[i] - a - (xd[i] - mu) * rs * b);
                    }
                });
                gx = Tensor.of(gxd, xs);
            }
            if (weight != null && weight.requiresGrad()) gw = Tensor.of(toFloats(sumGX), cs);
            if (bias != null && bias.requiresGrad()) gb = Tensor.of(toFloats(sumG), cs);
            return new Tensor[] {gx, gw, gb};
        }, nonNull(x, weight));
    }

    private static void updateRunning(Tensor runningMean, Tensor runningVar, float[] mean, float[] unbiasedVar,
            float momentum) {
        int c = mean.length;
        try (Autograd.Scope s = Autograd.noGrad()) {
            if (runningMean != null) {
                float[] rm = data(runningMean), next = new float[c];
                for (int ch = 0; ch < c; ch++) next[ch] = (1 - momentum) * rm[ch] + momentum * mean[ch];
                runningMean.copy_(Tensor.of(next, c));
            }
            if (runningVar != null) {
                float[] rv = data(runningVar), next = new float[c];
                for (int ch = 0; ch < c; ch++) next[ch] = (1 - momentum) * rv[ch] + momentum * unbiasedVar[ch];
                runningVar.copy_(Tensor.of(next, c));
            }
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
