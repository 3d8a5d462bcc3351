// Collate: turns a list of example indices into a batch. TensorDatasets (also behind Subsets) take the fast path,
// one index_select per tensor; any other dataset is read example by example and stacked along a new dim 0.
package dev.kindling.data;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Strided;
import dev.kindling.tensor.Tensor;

/** Batch assembly shared by {@link DataLoader}. */
final class Collate {
    private Collate() {}

    /**
     * The batch of {@code dataset}'s examples {@code indices[from, to)}: per position, the examples' tensors stacked
     * along a new dim 0 ({@code [B, ...]}).
     */
    static Tensor[] batch(Dataset dataset, int[] indices, int from, int to) {
        long[] idx = new long[to - from];
        for (int i = from; i < to; i++) idx[i - from] = indices[i];
        // Resolve chains of Subsets down to their root so a Subset of a TensorDataset keeps the fast path.
        Dataset d = dataset;
        while (d instanceof Subset s) {
            for (int i = 0; i < idx.length; i++) idx[i] = s.indexInParent((int) idx[i]);
            d = s.dataset();
        }
        if (d instanceof TensorDataset td) return td.batch(idx);
        return stack(d, idx);
    }

    /** Reads each example and copies position p of every example into one {@code [B, ...]} tensor. */
    static Tensor[] stack(Dataset d, long[] idx) {
        int b = idx.length;
        if (b == 0) throw new IllegalArgumentException("DataLoader: can not build an empty batch");
        Tensor[][] ex = new Tensor[b][];
        for (int i = 0; i < b; i++) {
            ex[i] = d.get((int) idx[i]);
            if (ex[i] == null) throw new IllegalStateException("DataLoader: " + d.describe() + ".get(" + idx[i]
                    + ") returned null");
            if (ex[i].length != ex[0].length) throw new IllegalStateException("DataLoader: example " + idx[i]
                    + " has " + ex[i].length + " tensors but example " + idx[0] + " has " + ex[0].length
                    + "; every example of a dataset must have the same number of tensors");
        }
        Tensor[] out = new Tensor[ex[0].length];
        for (int p = 0; p < out.length; p++) {
            Tensor first = ex[0][p];
            int[] s = first.shape();
            int per = first.numel();
            int[] os = new int[s.length + 1];
            os[0] = b;
            System.arraycopy(s, 0, os, 1, s.length);
            Tensor o = Tensor.empty(first.dtype(), os); // [B, ...s]
            for (int i = 0; i < b; i++) {
                Tensor t = ex[i][p];
                if (t == null || t.dtype() != first.dtype() || !Shape.same(t.shape(), s)) {
                    throw new IllegalArgumentException("DataLoader: example " + idx[i] + " has tensor " + p + " "
                            + (t == null ? "null" : "of shape " + Shape.str(t.shape()) + " " + t.dtype())
                            + " but example " + idx[0] + " has " + Shape.str(s) + " " + first.dtype() + "; examples "
                            + "in a batch need equal shapes (pad variable-length sequences with "
                            + "Sequences.padSequences)");
                }
                copyInto(t, o, i * per);
            }
            out[p] = o;
        }
        return out;
    }

    private static void copyInto(Tensor t, Tensor o, int off) {
        if (o.dtype() == DType.FLOAT32) Strided.copy(t, o.storage().floats(), off);
        else if (o.dtype() == DType.INT64) Strided.copy(t, o.storage().longs(), off);
        else Strided.copy(t, o.storage().bools(), off);
    }
}
