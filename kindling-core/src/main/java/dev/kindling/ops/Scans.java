// Scans: ops that walk a dim in order rather than collapsing it: cumulative sum, and top-k / sort
// selection returning values with their int64 indices. Gradients flow to the values only
// (cumsum's gradient is the reversed cumsum; top-k scatters back to the selected positions).
package dev.kindling.ops;

import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.RowKernels;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Scan and selection ops (functional API). */
public final class Scans {
    private Scans() {}

    /**
     * Cumulative sum along {@code dim} (accumulated in double, as PyTorch on CPU).
     *
     * <p>Shape: output has the shape of {@code x}. Example: {@code cumsum([1, 2, 3], 0) = [1, 3, 6]}.
     */
    public static Tensor cumsum(Tensor x, int dim) {
        Elementwise.requireFloat("cumsum", x);
        int[] s = x.shape();
        int r = s.length, d = Shape.dim("cumsum", dim, r);
        int outer = 1, n = r == 0 ? 1 : s[d], inner = 1;
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < r; i++) inner *= s[i];
        int o = outer, len = n, in = inner;
        Tensor c = x.detach().contiguous();
        Tensor out = Tensor.zeros(s);
        RowKernels.cumsum(c.storage().floats(), c.offset(), out.storage().floats(), 0, o, len, in, false);
        return Autograd.record("cumsum", out, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.zeros(s);
            RowKernels.cumsum(gc.storage().floats(), gc.offset(), gx.storage().floats(), 0, o, len, in, true);
            return new Tensor[] {gx};
        });
    }

    /**
     * The {@code k} largest (or smallest) elements along {@code dim}: {@code {values, indices}} (int64).
     * NaN counts as larger than every number, as in PyTorch. Ties keep the lower index first. With
     * {@code sorted} false the order is unspecified (this implementation always sorts).
     *
     * <p>Shape: {@code [A, N]} with dim 1 gives two {@code [A, k]} tensors.
     * Example: {@code topk(logits, 5, -1, true, true)[1]} are the 5 best classes per row.
     */
    public static Tensor[] topk(Tensor x, int k, int dim, boolean largest, boolean sorted) {
        return select("topk", x, k, dim, largest);
    }

    /**
     * Sorts along {@code dim}: {@code {values, indices}}; stable (equal values keep their order).
     *
     * <p>Shape: both outputs have the shape of {@code x}.
     */
    public static Tensor[] sort(Tensor x, int dim, boolean descending) {
        int r = x.dim();
        int n = r == 0 ? 1 : x.size(Shape.dim("sort", dim, r));
        return select("sort", x, n, dim, descending);
    }

    private static Tensor[] select(String op, Tensor x, int k, int dim, boolean largest) {
        Elementwise.requireFloat(op, x);
        int[] xs = x.shape();
        int r = xs.length, d = Shape.dim(op, dim, r);
        boolean[] m = new boolean[r];
        if (r > 0) m[d] = true;
        Reductions.Rows rw = Reductions.rows(x, m);                 // [rows, n], dim last
        int n = rw.len(), rows = rw.rows();
        if (k < 0 || k > n) throw new IllegalArgumentException(op + ": k = " + k + " is out of range for dimension "
                + dim + " of size " + n + " (input shape " + Shape.str(xs) + ")");
        int[] ps = rw.permShape().clone();                          // x's shape with dim last and of size k
        if (r > 0) ps[r - 1] = k;
        Tensor vr = Tensor.zeros(ps), ir = Tensor.empty(DType.INT64, ps);
        float[] a = rw.a(), v = vr.storage().floats();
        long[] ix = ir.storage().longs();
        int off = rw.off();
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, n)), (lo, hi) -> {
            boolean partial = k <= 64 && n > 16 * k;
            long[] keys = new long[partial ? k : n];
            for (int i = lo; i < hi; i++) {
                int p = off + i * n;
                // Keys sort like the wanted order: the order key in the high bits, the index in the low 31 bits.
                if (partial) {
                    // Small k: keep the k best keys in a sorted buffer; most elements fail the first comparison.
                    int filled = 0;
                    for (int j = 0; j < n; j++) {
                        long u = orderKey(a[p + j]);
                        long key = ((largest ? 0xFFFFFFFFL - u : u) << 31) | j;
                        if (filled == k && key >= keys[k - 1]) continue;
                        int q = filled < k ? filled++ : k - 1;
                        while (q > 0 && keys[q - 1] > key) {
                            keys[q] = keys[q - 1];
                            q--;
                        }
                        keys[q] = key;
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        long u = orderKey(a[p + j]);
                        keys[j] = ((largest ? 0xFFFFFFFFL - u : u) << 31) | j;
                    }
                    java.util.Arrays.sort(keys);
                }
                for (int t = 0; t < k; t++) {
                    int j = (int) (keys[t] & 0x7FFFFFFFL);
                    ix[i * k + t] = j;
                    v[i * k + t] = a[p + j];
                }
            }
        });
        Tensor values = rw.unpermute(vr).contiguous(), indices = rw.unpermute(ir).contiguous();
        int[] perm = rw.perm();
        Tensor idxRows = ir;
        Tensor out = Autograd.record(op, values, new Tensor[] {x}, g -> {
            Tensor gc = (perm.length == 0 ? g : g.permute(perm)).contiguous();   // [rows, k]
            float[] gd = gc.storage().floats();
            long[] id = idxRows.storage().longs();
            Tensor gr = Tensor.zeros(rw.permShape());
            float[] ga = gr.storage().floats();
            for (int i = 0; i < rows; i++)
                for (int t = 0; t < k; t++) ga[i * n + (int) id[i * k + t]] += gd[gc.offset() + i * k + t];
            return new Tensor[] {rw.unpermute(gr)};
        });
        return new Tensor[] {out, indices};
    }

    /** Unsigned 32-bit key whose order is the float order, with NaN above +Inf. */
    private static long orderKey(float f) {
        int bits = Float.floatToIntBits(f);          // canonical NaN 0x7fc00000 sorts above +Inf
        if (f == 0f) bits = 0;                       // -0.0 ties with 0.0
        int ordered = bits < 0 ? bits ^ 0x7FFFFFFF : bits;
        return (ordered ^ 0x80000000) & 0xFFFFFFFFL;
    }
}
