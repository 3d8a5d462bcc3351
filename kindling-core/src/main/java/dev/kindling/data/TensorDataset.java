// TensorDataset: a dataset over tensors that share their first dimension (x [N, D], y [N], ...). Example i is
// {x[i], y[i], ...} as views; batches are gathered with one index_select per tensor, without per-example stacking.
package dev.kindling.data;

import dev.kindling.ops.Indexing;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.StringJoiner;

/**
 * In-memory dataset of stacked tensors, as PyTorch's {@code TensorDataset}.
 *
 * <p>Shape: tensors {@code [N, ...a]}, {@code [N, ...b]} give examples {@code {[...a], [...b]}} and batches
 * {@code {[B, ...a], [B, ...b]}}.
 *
 * <p>Example: {@code var ds = new TensorDataset(x, y); // x [N, D] float32, y [N] int64}
 */
public final class TensorDataset implements Dataset {
    private final Tensor[] tensors; // each [N, ...], detached and contiguous

    /**
     * Wraps {@code tensors}, which must all have at least one dimension and the same size {@code N} in dim 0.
     * The tensors are detached (data does not carry gradients); non-contiguous ones are copied once so that
     * batching is a plain row copy.
     *
     * @throws IllegalArgumentException when no tensor is given, one is a scalar, or the first dims differ
     */
    public TensorDataset(Tensor... tensors) {
        if (tensors == null || tensors.length == 0) throw new IllegalArgumentException(
                "TensorDataset: expected at least one tensor");
        this.tensors = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            if (t == null) throw new IllegalArgumentException("TensorDataset: tensor " + i + " is null");
            if (t.dim() == 0) throw new IllegalArgumentException("TensorDataset: tensor " + i + " is a scalar; "
                    + "every tensor needs a first dimension indexing the examples");
            if (t.shape()[0] != tensors[0].shape()[0]) throw new IllegalArgumentException("TensorDataset: size "
                    + "mismatch between tensors: " + shapes(tensors) + "; every tensor must have the same size in "
                    + "dim 0 (the number of examples)");
            this.tensors[i] = t.detach().contiguous();
        }
    }

    /** The wrapped tensors (detached, contiguous), in order. */
    public Tensor[] tensors() {
        return tensors.clone();
    }

    @Override
    public int size() {
        return tensors[0].shape()[0];
    }

    /** Example {@code index}: {@code {t0.select(0, index), t1.select(0, index), ...}} (views, no copy). */
    @Override
    public Tensor[] get(int index) {
        checkIndex("TensorDataset.get", index, size());
        Tensor[] out = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) out[i] = tensors[i].select(0, index);
        return out;
    }

    /**
     * The batch of examples {@code indices}: each tensor index-selected along dim 0.
     *
     * <p>Shape: {@code [N, ...a]} gives {@code [indices.length, ...a]}.
     *
     * @throws IndexOutOfBoundsException naming the offending index and the dataset size
     */
    public Tensor[] batch(long[] indices) {
        int n = size();
        for (long v : indices) {
            if (v < 0 || v >= n) throw new IndexOutOfBoundsException("TensorDataset.batch: index " + v
                    + " is out of range for a dataset of size " + n);
        }
        Tensor idx = Tensor.ofLongs(indices.clone(), indices.length); // [B]
        Tensor[] out = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) out[i] = Indexing.indexSelect(tensors[i], 0, idx);
        return out;
    }

    @Override
    public String describe() {
        StringJoiner j = new StringJoiner(", ", "TensorDataset(size=" + size() + ", tensors=[", "])");
        for (Tensor t : tensors) j.add(Shape.str(t.shape()) + " " + t.dtype());
        return j.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    static void checkIndex(String op, int index, int size) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException(op + ": index " + index
                + " is out of range for a dataset of size " + size);
    }

    private static String shapes(Tensor[] ts) {
        StringJoiner j = new StringJoiner(", ");
        for (int i = 0; i < ts.length; i++) j.add("tensor " + i + " " + Shape.str(ts[i].shape()));
        return j.toString();
    }
}
