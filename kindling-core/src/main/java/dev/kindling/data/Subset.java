// Subset: a view of a dataset restricted to a list of indices, as returned by Splits (train/validation/test).
// Batches of a Subset over a TensorDataset keep the fast index_select path (indices are mapped, not copied).
package dev.kindling.data;

import dev.kindling.tensor.Tensor;

/**
 * The examples {@code indices[0], indices[1], ...} of another dataset, as PyTorch's {@code Subset}.
 *
 * <p>Example: {@code Dataset train = new Subset(all, parts[0]);}
 */
public final class Subset implements Dataset {
    private final Dataset dataset;
    private final int[] indices;

    /**
     * A view of {@code dataset} holding the examples at {@code indices} (copied; repeats are allowed).
     *
     * @throws IndexOutOfBoundsException when an index is outside {@code [0, dataset.size())}
     */
    public Subset(Dataset dataset, int[] indices) {
        if (dataset == null) throw new IllegalArgumentException("Subset: dataset is null");
        if (indices == null) throw new IllegalArgumentException("Subset: indices are null");
        int n = dataset.size();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) throw new IndexOutOfBoundsException("Subset: index "
                    + indices[i] + " (at position " + i + ") is out of range for a dataset of size " + n);
        }
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    /** The underlying dataset. */
    public Dataset dataset() {
        return dataset;
    }

    /** The indices into {@link #dataset()} (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    /** Index into {@link #dataset()} of this subset's example {@code i}. */
    public int indexInParent(int i) {
        TensorDataset.checkIndex("Subset", i, indices.length);
        return indices[i];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Tensor[] get(int index) {
        TensorDataset.checkIndex("Subset.get", index, indices.length);
        return dataset.get(indices[index]);
    }

    @Override
    public String describe() {
        return "Subset(size=" + size() + " of " + dataset.describe() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
