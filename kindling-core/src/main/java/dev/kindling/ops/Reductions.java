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
}
