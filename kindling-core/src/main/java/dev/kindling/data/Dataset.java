// Dataset: the indexable source of training examples that DataLoader batches, Splits partitions and Subset views.
// An example is an array of tensors, one per position (e.g. {features, label}); every example of a dataset has
// the same number of positions, and for batching the same shape at each position.
package dev.kindling.data;

import dev.kindling.tensor.Tensor;

/**
 * A finite, indexable collection of examples, as PyTorch's map-style {@code Dataset}.
 *
 * <p>Example: {@code Dataset ds = new TensorDataset(x, y); Tensor[] ex = ds.get(0); // {x[0] [D], y[0] []}}
 *
 * <p>Implementations used with a prefetching {@link DataLoader} are read from a background thread, so
 * {@link #get(int)} must be safe to call from a thread other than the one that built the dataset.
 */
public interface Dataset {
    /** Number of examples. */
    int size();

    /**
     * The example at {@code index} in {@code [0, size())}: one tensor per position, e.g. {@code {x, y}}.
     *
     * @throws IndexOutOfBoundsException when {@code index} is outside {@code [0, size())}
     */
    Tensor[] get(int index);

    /** A one-line human-readable summary, e.g. for logs. */
    default String describe() {
        return getClass().getSimpleName() + "(size=" + size() + ")";
    }
}
