// Reductions: sum and mean over any dims with keepdim (and sumToShape, the adjoint of broadcasting),
// with their gradients. A reduction is laid out as [outer, reduced, inner] so both "reduce the last
// dim" (rows) and "reduce the leading dim" (bias gradients) run the vector kernels without a transpose.
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Reductions (functional API). Dims may be negative; an empty dims array means all dims. */
public final class Reductions {
    private Reductions() {}

    /** Which dims are reduced; {@code dims} empty or null means all. */
    public static boolean[] mask(String op, int[] dims, int rank) {
        boolean[] m = new boolean[rank];
        if (dims == null || dims.length == 0) {
            java.util.Arrays.fill(m, true);
            return m;
        }
        for (int d : dims) {
            int k = Shape.dim(op, d, rank);
            if (rank == 0) continue;
            if (m[k]) throw new IllegalArgumentException(op + ": dim " + d + " appears more than once in " + Shape.str(dims));
            m[k] = true;
        }
        return m;
    }

    /** Output shape of a reduction. */
    public static int[] reducedShape(int[] shape, boolean[] m, boolean keepdim) {
        int k = 0;
        for (int i = 0; i < shape.length; i++) if (!m[i] || keepdim) k++;
        int[] out = new int[k];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!m[i]) out[j++] = shape[i];
            else if (keepdim) out[j++] = 1;
        }
        return out;
    }

    /**
     * Lays {@code x} out as a contiguous [outer, reduced, inner] block for the dims in {@code m}:
     * returns {contiguous tensor, O, R, I} (the tensor is permuted when reduced dims are not adjacent).
     */
    public static Object[] layout(Tensor x, boolean[] m) {
        int r = x.dim();
        int[] shape = x.shape();
        int first = -1, last = -1;
        for (int i = 0; i < r; i++) if (m[i] && shape[i] != 1) { if (first < 0) first = i; last = i; }
        if (first < 0) return new Object[] {x.detach().contiguous(), Shape.numel(shape), 1, 1};
        boolean block = true;
        for (int i = first; i <= last; i++) if (!m[i] && shape[i] != 1) block = false;
        if (block) {
            int o = 1, red = 1, in = 1;
            for (int i = 0; i < r; i++) {
                if (i < first) o *= shape[i];
                else if (i <= last) red *= shape[i];
                else in *= shape[i];
            }
            return new Object[] {x.detach().contiguous(), o, red, in};
        }
        int[] perm = new int[r];
        int j = 0, o = 1, red = 1;
        for (int i = 0; i < r; i++) if (!m[i]) { perm[j++] = i; o *= shape[i]; }
        for (int i = 0; i < r; i++) if (m[i]) { perm[j++] = i; red *= shape[i]; }
        return new Object[] {x.detach().permute(perm).contiguous(), o, red, 1};
    }

    /** Sum over the dims in {@code m}, no autograd. */
    static Tensor sumRaw(Tensor x, boolean[] m, boolean keepdim) {
        Elementwise.requireFloat("sum", x);
        Object[] l = layout(x, m);
        Tensor c = (Tensor) l[0];
        int o = (int) l[1], red = (int) l[2], in = (int) l[3];
        Tensor out = Tensor.zeros(reducedShape(x.shape(), m, keepdim));
        float[] src = c.storage().floats(), dst = out.storage().floats();
        int base = c.offset();
        if (in == 1) {
            Parallel.forRange(o, Math.max(1, 16384 / Math.max(1, red)), (lo, hi) -> {
                for (int i = lo; i < hi; i++) dst[i] = Elementwise1D.sum(src, base + i * red, red);
            });
        } else {
            Parallel.forRange(o, Math.max(1, 16384 / Math.max(1, red * in)), (lo, hi) -> {
                for (int i = lo; i < hi; i++)
                    for (int k = 0; k < red; k++) Elementwise1D.axpy(1f, src, base + (i * red + k) * in, dst, i * in, in);
            });
        }
        return out;
    }

    /** Sum of all elements, shape []. */
    public static Tensor sum(Tensor x) {
        return sum(x, null, false);
    }

    /**
     * Sum over {@code dims}.
     *
     * <p>Shape: {@code [A, B, C]} with dims {1} gives {@code [A, C]} ({@code [A, 1, C]} with keepdim).
     */
    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        boolean[] m = mask("sum", dims, x.dim());
        int[] xs = x.shape();
        int[] keepShape = reducedShape(xs, m, true);
        return Autograd.record("sum", sumRaw(x, m, keepdim), new Tensor[] {x},
                g -> new Tensor[] {g.reshape(keepShape).expand(xs)});
    }

    /** Mean of all elements. */
    public static Tensor mean(Tensor x) {
        return mean(x, null, false);
    }

    /** Mean over {@code dims}. */
    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        boolean[] m = mask("mean", dims, x.dim());
        int[] xs = x.shape();
        long count = 1;
        for (int i = 0; i < xs.length; i++) if (m[i]) count *= xs[i];
        float inv = 1f / count;
        return Elementwise.mul(sum(x, dims, keepdim), inv);
    }

    /** Sums {@code g} down to {@code target} (reverse of broadcasting). */
    public static Tensor sumToShape(Tensor g, int[] target) {
        int[] gs = g.shape();
        if (Shape.same(gs, target)) return g;
        int lead = gs.length - target.length;
        if (lead < 0) throw new IllegalArgumentException("sumToShape: cannot reduce shape " + Shape.str(gs)
                + " to the larger rank shape " + Shape.str(target));
        boolean[] m = new boolean[gs.length];
        for (int i = 0; i < gs.length; i++) {
            if (i < lead) m[i] = true;
            else if (target[i - lead] == 1 && gs[i] != 1) m[i] = true;
            else if (target[i - lead] != gs[i]) throw new IllegalArgumentException("sumToShape: shape " + Shape.str(gs)
                    + " is not a broadcast of " + Shape.str(target));
        }
        int[] dims = java.util.stream.IntStream.range(0, gs.length).filter(i -> m[i]).toArray();
        return sum(g, dims, false).reshape(target);
    }

    // Further reductions (max/min/argmax, var/std, norm, prod, logsumexp, cumsum, topk) go below.

    // ---------------------------------------------------------------- row layout shared by the reductions below

    /**
     * {@code x} as contiguous rows {@code [rows, len]}: the kept dims in order, then the reduced dims (copied only
     * when the reduced dims are not already last). {@code permShape} is x's shape in that order.
     */
    record Rows(float[] a, int off, int rows, int len, int[] perm, int[] permShape) {
        /** A tensor laid out like these rows (shape {@code permShape}) viewed back in x's dim order. */
        Tensor unpermute(Tensor t) {
            int[] inv = new int[perm.length];
            for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
            return perm.length == 0 ? t : t.permute(inv);
        }
    }

    static Rows rows(Tensor x, boolean[] m) {
        int[] s = x.shape();
        int r = s.length;
        int[] perm = new int[r], ps = new int[r];
        int j = 0, rows = 1, len = 1;
        for (int i = 0; i < r; i++) if (!m[i]) { perm[j] = i; ps[j++] = s[i]; rows *= s[i]; }
        for (int i = 0; i < r; i++) if (m[i]) { perm[j] = i; ps[j++] = s[i]; len *= s[i]; }
        Tensor p = (r == 0 ? x.detach() : x.detach().permute(perm)).contiguous();
        return new Rows(p.storage().floats(), p.offset(), rows, len, perm, ps);
    }

    private static boolean[] oneDim(String op, int dim, int rank) {
        int d = Shape.dim(op, dim, rank);
        boolean[] m = new boolean[rank];
        if (rank > 0) m[d] = true;
        return m;
    }

    private static void requireNonEmpty(String op, Tensor x, Rows rw) {
        if (rw.len() == 0 && rw.rows() > 0) throw new IllegalArgumentException(op + ": cannot reduce over an empty "
                + "dimension (input shape " + Shape.str(x.shape()) + "); the reduction has no identity");
    }

    private static int rowGrain(int len) {
        return Math.max(1, 16384 / Math.max(1, len));
    }

    // ---------------------------------------------------------------- max / min / argmax / argmin / amax / amin

    /** Index of the first max (or min) of {@code a[p .. p+n)}; a NaN wins (first NaN), as in PyTorch. */
    private static int argBest(float[] a, int p, int n, boolean max) {
        int bi = 0;
        float b = a[p];
        if (Float.isNaN(b)) return 0;
        for (int j = 1; j < n; j++) {
            float v = a[p + j];
            if (max ? v > b : v < b) {
                b = v;
                bi = j;
            } else if (Float.isNaN(v)) return j;
        }
        return bi;
    }

    /**
     * Max along {@code dim}: {@code {values, indices}} (indices int64, first occurrence on ties).
     *
     * <p>Shape: {@code [A, B, C]} with dim 1 gives two {@code [A, C]} tensors ({@code [A, 1, C]} with keepdim).
     * The gradient of the values flows to the selected positions only.
     */
    public static Tensor[] max(Tensor x, int dim, boolean keepdim) {
        return extremum("max", x, dim, keepdim, true);
    }

    /** Min along {@code dim}: {@code {values, indices}}; see {@link #max(Tensor, int, boolean)}. */
    public static Tensor[] min(Tensor x, int dim, boolean keepdim) {
        return extremum("min", x, dim, keepdim, false);
    }

    private static Tensor[] extremum(String op, Tensor x, int dim, boolean keepdim, boolean isMax) {
        Elementwise.requireFloat(op, x);
        int[] xs = x.shape();
        boolean[] m = oneDim(op, dim, xs.length);
        Rows rw = rows(x, m);
        requireNonEmpty(op, x, rw);
        int[] os = reducedShape(xs, m, keepdim);
        Tensor vals = Tensor.zeros(os), idx = Tensor.empty(dev.kindling.tensor.DType.INT64, os);
        float[] a = rw.a(), v = vals.storage().floats();
        long[] ix = idx.storage().longs();
        int len = rw.len();
        Parallel.forRange(rw.rows(), rowGrain(len), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int j = argBest(a, rw.off() + i * len, len, isMax);
                ix[i] = j;
                v[i] = a[rw.off() + i * len + j];
            }
        });
        Tensor values = Autograd.record(op, vals, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats();
            Tensor gr = Tensor.zeros(rw.permShape());
            float[] ga = gr.storage().floats();
            for (int i = 0; i < ix.length; i++) ga[i * len + (int) ix[i]] = gd[gc.offset() + i];
            return new Tensor[] {rw.unpermute(gr)};
        }, idx);
        return new Tensor[] {values, idx};
    }

    /** Max of all elements, shape [] (the gradient is split evenly among ties, as PyTorch). */
    public static Tensor max(Tensor x) {
        return amaxImpl("max", x, null, false, true);
    }

    /** Min of all elements, shape []. */
    public static Tensor min(Tensor x) {
        return amaxImpl("min", x, null, false, false);
    }

    /**
     * Max over {@code dims} (empty or null: all). Ties share the gradient evenly (PyTorch's amax).
     *
     * <p>Shape: {@code [A, B, C]} with dims {0, 2} gives {@code [B]} ({@code [1, B, 1]} with keepdim).
     */
    public static Tensor amax(Tensor x, int[] dims, boolean keepdim) {
        return amaxImpl("amax", x, dims, keepdim, true);
    }

    /** Min over {@code dims}; see {@link #amax}. */
    public static Tensor amin(Tensor x, int[] dims, boolean keepdim) {
        return amaxImpl("amin", x, dims, keepdim, false);
    }

    private static Tensor amaxImpl(String op, Tensor x, int[] dims, boolean keepdim, boolean isMax) {
        Elementwise.requireFloat(op, x);
        boolean[] m = mask(op, dims, x.dim());
        Rows rw = rows(x, m);
        requireNonEmpty(op, x, rw);
        Tensor out = Tensor.zeros(reducedShape(x.shape(), m, keepdim));
        float[] a = rw.a(), o = out.storage().floats();
        int len = rw.len(), off = rw.off();
        Parallel.forRange(rw.rows(), rowGrain(len), (lo, hi) -> {
            for (int i = lo; i < hi; i++) o[i] = a[off + i * len + argBest(a, off + i * len, len, isMax)];
        });
        return Autograd.record(op, out, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats();
            Tensor gr = Tensor.zeros(rw.permShape());
            float[] ga = gr.storage().floats();
            for (int i = 0; i < o.length; i++) {
                int p = off + i * len, cnt = 0;
                for (int j = 0; j < len; j++) if (a[p + j] == o[i]) cnt++;
                float share = gd[gc.offset() + i] / cnt;
                for (int j = 0; j < len; j++) if (a[p + j] == o[i]) ga[i * len + j] = share;
            }
            return new Tensor[] {rw.unpermute(gr)};
        }, x, out);
    }

    /** Index (int64) of the max along {@code dim}, first occurrence on ties. Not differentiable. */
    public static Tensor argmax(Tensor x, int dim, boolean keepdim) {
        return argImpl("argmax", x, dim, keepdim, true);
    }

    /** Index (int64) of the min along {@code dim}, first occurrence on ties. */
    public static Tensor argmin(Tensor x, int dim, boolean keepdim) {
        return argImpl("argmin", x, dim, keepdim, false);
    }

    /** Index of the max in the flattened tensor, shape []. */
    public static Tensor argmax(Tensor x) {
        return argImpl("argmax", x.detach().reshape(-1), 0, false, true);
    }

    /** Index of the min in the flattened tensor, shape []. */
    public static Tensor argmin(Tensor x) {
        return argImpl("argmin", x.detach().reshape(-1), 0, false, false);
    }

    private static Tensor argImpl(String op, Tensor x, int dim, boolean keepdim, boolean isMax) {
        Elementwise.requireFloat(op, x);
        boolean[] m = oneDim(op, dim, x.dim());
        Rows rw = rows(x, m);
        requireNonEmpty(op, x, rw);
        Tensor idx = Tensor.empty(dev.kindling.tensor.DType.INT64, reducedShape(x.shape(), m, keepdim));
        long[] ix = idx.storage().longs();
        float[] a = rw.a();
        int len = rw.len(), off = rw.off();
        Parallel.forRange(rw.rows(), rowGrain(len), (lo, hi) -> {
            for (int i = lo; i < hi; i++) ix[i] = argBest(a, off + i * len, len, isMax);
        });
        return idx;
    }

    // ---------------------------------------------------------------- var / std

    /**
     * Variance over {@code dims} (empty or null: all) with divisor {@code N - correction} (1: unbiased, 0: biased).
     * Computed in double with two passes. A divisor <= 0 gives Inf/NaN, as PyTorch.
     *
     * <p>Shape: like {@link #sum(Tensor, int[], boolean)}.
     */
    public static Tensor var(Tensor x, int[] dims, int correction, boolean keepdim) {
        return moments("var", x, dims, correction, keepdim, false);
    }

    /** Standard deviation: {@code sqrt(var)}; the gradient is 0 where the std is 0. */
    public static Tensor std(Tensor x, int[] dims, int correction, boolean keepdim) {
        return moments("std", x, dims, correction, keepdim, true);
    }

    private static Tensor moments(String op, Tensor x, int[] dims, int correction, boolean keepdim, boolean std) {
        Elementwise.requireFloat(op, x);
        boolean[] m = mask(op, dims, x.dim());
        Rows rw = rows(x, m);
        Tensor out = Tensor.zeros(reducedShape(x.shape(), m, keepdim));
        float[] a = rw.a(), o = out.storage().floats();
        int len = rw.len(), off = rw.off();
        double divisor = Math.max(0, len - correction);
        double[] mean = new double[rw.rows()];
        Parallel.forRange(rw.rows(), rowGrain(len), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int p = off + i * len;
                double s = 0, ss = 0;
                for (int j = 0; j < len; j++) s += a[p + j];
                double mu = s / len;
                for (int j = 0; j < len; j++) {
                    double dv = a[p + j] - mu;
                    ss += dv * dv;
                }
                mean[i] = mu;
                double v = ss / divisor;
                o[i] = (float) (std ? Math.sqrt(v) : v);
            }
        });
        return Autograd.record(op, out, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats();
            Tensor gr = Tensor.zeros(rw.permShape());
            float[] ga = gr.storage().floats();
            for (int i = 0; i < o.length; i++) {
                // d var/dx = 2 (x - mean) / divisor; d std/dx = (x - mean) / (divisor * std).
                double scale = std ? (o[i] == 0f ? 0 : gd[gc.offset() + i] / (divisor * o[i]))
                        : 2.0 * gd[gc.offset() + i] / divisor;
                int p = off + i * len;
                for (int j = 0; j < len; j++) ga[i * len + j] = (float) ((a[p + j] - mean[i]) * scale);
            }
            return new Tensor[] {rw.unpermute(gr)};
        }, x, out);
    }

    // ---------------------------------------------------------------- norm

    /**
     * Vector p-norm over {@code dims} (empty or null: all): {@code p = 2} (Euclidean), {@code 1},
     * {@code Float.POSITIVE_INFINITY} (max |x|), {@code NEGATIVE_INFINITY} (min |x|), {@code 0} (count of
     * non-zeros) or any other {@code p > 0}. Accumulated in double. The gradient at a zero norm is 0 (as PyTorch);
     * for +-Inf it is split evenly among ties.
     *
     * <p>Shape: like {@link #sum(Tensor, int[], boolean)}. Example: {@code norm(x, 2f, new int[] {-1}, true)}.
     */
    public static Tensor norm(Tensor x, float p, int[] dims, boolean keepdim) {
        Elementwise.requireFloat("norm", x);
        if (Float.isNaN(p) || (p < 0 && p != Float.NEGATIVE_INFINITY)) throw new IllegalArgumentException("norm: p must "
                + "be >= 0 or -Inf, got " + p);
        boolean[] m = mask("norm", dims, x.dim());
        Rows rw = rows(x, m);
        if (Float.isInfinite(p)) requireNonEmpty("norm", x, rw);
        Tensor out = Tensor.zeros(reducedShape(x.shape(), m, keepdim));
        float[] a = rw.a(), o = out.storage().floats();
        int len = rw.len(), off = rw.off();
        Parallel.forRange(rw.rows(), rowGrain(len), (lo, hi) -> {
            for (int i = lo; i < hi; i++) o[i] = (float) pNorm(a, off + i * len, len, p);
        });
        return Autograd.record("norm", out, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats();
            Tensor gr = Tensor.zeros(rw.permShape());
            float[] ga = gr.storage().floats();
            for (int i = 0; i < o.length; i++) {
                int q = off + i * len, r = i * len;
                double gi = gd[gc.offset() + i], nv = o[i];
                if (p == 0f) continue;
                if (Float.isInfinite(p)) {
                    int cnt = 0;
                    for (int j = 0; j < len; j++) if (Math.abs(a[q + j]) == o[i]) cnt++;
                    for (int j = 0; j < len; j++)
                        if (Math.abs(a[q + j]) == o[i]) ga[r + j] = (float) (Math.signum(a[q + j]) * gi / cnt);
                } else if (p == 1f) {
                    for (int j = 0; j < len; j++) ga[r + j] = (float) (Math.signum(a[q + j]) * gi);
                } else if (nv != 0) {
                    // d||x||_p / dx = sign(x) |x|^(p-1) / ||x||^(p-1)
                    double scale = gi / (p == 2f ? nv : Math.pow(nv, p - 1));
                    for (int j = 0; j < len; j++) {
                        double v = a[q + j];
                        double t = p == 2f ? v : v == 0 ? 0 : Math.signum(v) * Math.pow(Math.abs(v), p - 1);
                        ga[r + j] = (float) (t * scale);
                    }
                }
            }
            return new Tensor[] {rw.unpermute(gr)};
        }, x, out);
    }

    private static double pNorm(float[] a, int q, int n, float p) {
        if (p == 2f) {
            double s = 0;
            for (int j = 0; j < n; j++) s += (double) a[q + j] * a[q + j];
            return Math.sqrt(s);
        }
        if (p == Float.POSITIVE_INFINITY || p == Float.NEGATIVE_INFINITY) {
            double best = Math.abs(a[q]);
            for (int j = 1; j < n; j++) {
                double v = Math.abs(a[q + j]);
                if (Double.isNaN(v)) return v;
                best = p > 0 ? Math.max(best, v) : Math.min(best, v);
            }
            return best;
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            double v = Math.abs(a[q + j]);
            s += p == 0f ? (v != 0 ? 1 : 0) : p == 1f ? v : Math.pow(v, p);
        }
        return p == 0f || p == 1f ? s : Math.pow(s, 1.0 / p);
    }

    // ---------------------------------------------------------------- prod

    /**
     * Product along {@code dim}, accumulated in double. The gradient is the product of the other elements
     * (computed with prefix/suffix products), so it is exact when the input contains zeros.
     *
     * <p>Shape: {@code [A, B]} with dim 1 gives {@code [A]} ({@code [A, 1]} with keepdim).
     */
    public static Tensor prod(Tensor x, int dim, boolean keepdim) {
        Elementwise.requireFloat("prod", x);
        boolean[] m = oneDim("prod", dim, x.dim());
        return prodImpl(x, m, keepdim);
    }

    /** Product of all elements, shape []. */
    public static Tensor prod(Tensor x) {
        Elementwise.requireFloat("prod", x);
        return prodImpl(x, mask("prod", null, x.dim()), false);
    }

    private static Tensor prodImpl(Tensor x, boolean[] m, boolean keepdim) {
        Rows rw = rows(x, m);
        Tensor out = Tensor.zeros(reducedShape(x.shape(), m, keepdim));
        float[] a = rw.a(), o = out.storage().floats();
        int len = rw.len(), off = rw.off();
        Parallel.forRange(rw.rows(), rowGrain(len), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pr = 1;
                for (int j = 0; j < len; j++) pr *= a[off + i * len + j];
                o[i] = (float) pr;
            }
        });
        return Autograd.record("prod", out, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats();
            Tensor gr = Tensor.zeros(rw.permShape());
            float[] ga = gr.storage().floats();
            double[] suffix = new double[len + 1];
            for (int i = 0; i < o.length; i++) {
                int q = off + i * len;
                suffix[len] = 1;
                for (int j = len - 1; j >= 0; j--) suffix[j] = suffix[j + 1] * a[q + j];
                double prefix = 1, gi = gd[gc.offset() + i];
                for (int j = 0; j < len; j++) {
                    ga[i * len + j] = (float) (gi * prefix * suffix[j + 1]);
                    prefix *= a[q + j];
                }
            }
            return new Tensor[] {rw.unpermute(gr)};
        }, x);
    }

    // ---------------------------------------------------------------- logsumexp

    /**
     * {@code log(sum(exp(x)))} over {@code dims} (empty or null: all), stable for large values (the max is
     * subtracted first; an infinite max is replaced by 0, as PyTorch). Gradient: {@code g * exp(x - out)}.
     *
     * <p>Shape: like {@link #sum(Tensor, int[], boolean)}.
     */
    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepdim) {
        Elementwise.requireFloat("logsumexp", x);
        boolean[] m = mask("logsumexp", dims, x.dim());
        Rows rw = rows(x, m);
        Tensor out = Tensor.zeros(reducedShape(x.shape(), m, keepdim));
        float[] a = rw.a(), o = out.storage().floats();
        int len = rw.len(), off = rw.off();
        Parallel.forRange(rw.rows(), rowGrain(len), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int q = off + i * len;
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) mx = Math.max(mx, a[q + j]);
                if (Double.isInfinite(mx)) mx = 0;
                double s = 0;
                for (int j = 0; j < len; j++) s += Math.exp(a[q + j] - mx);
                o[i] = (float) (mx + Math.log(s));
            }
        });
        return Autograd.record("logsumexp", out, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats();
            Tensor gr = Tensor.zeros(rw.permShape());
            float[] ga = gr.storage().floats();
            for (int i = 0; i < o.length; i++) {
                int q = off + i * len;
                double gi = gd[gc.offset() + i];
                for (int j = 0; j < len; j++) ga[i * len + j] = (float) (gi * Math.exp(a[q + j] - (double) o[i]));
            }
            return new Tensor[] {rw.unpermute(gr)};
        }, x, out);
    }
}
