// SparseDataset: a Dataset over sparse feature rows (e.g. TF-IDF) and their labels. Rows stay sparse in memory
// and each example is made dense only when a batch is built, so a 20k-term vocabulary costs O(nnz), not N x V.
package dev.kindling.text;

import dev.kindling.data.Dataset;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Examples {@code {features [V] float32, label []}} from a {@link SparseMatrix} [N, V] and labels [N].
 *
 * <p>Example:
 * <pre>{@code
 * var train = new SparseDataset(tfidf.fitTransform(trainTexts), yTrain);   // yTrain [N] int64
 * var loader = new DataLoader(train, DataLoader.Options.builder().batchSize(64).shuffle(true).seed(1).build());
 * for (Tensor[] b : loader) { ... }   // b[0] [64, V], b[1] [64]
 * }</pre>
 */
public final class SparseDataset implements Dataset {
    private final SparseMatrix features;   // [N, V]
    private final Tensor labels;           // [N, ...]

    /** Pairs row i of {@code features} with {@code labels[i]}; labels need {@code features.rows()} entries in dim 0. */
    public SparseDataset(SparseMatrix features, Tensor labels) {
        if (features == null || labels == null)
            throw new IllegalArgumentException("SparseDataset: features and labels must not be null");
        if (labels.dim() == 0 || labels.size(0) != features.rows()) throw new IllegalArgumentException(
                "SparseDataset: labels " + Shape.str(labels.shape()) + " must have " + features.rows()
                        + " entries in dim 0, one per feature row of " + features);
        this.features = features;
        this.labels = labels.detach().contiguous();
    }

    /** The sparse features [N, V]. */
    public SparseMatrix features() {
        return features;
    }

    /** The labels [N, ...]. */
    public Tensor labels() {
        return labels;
    }

    @Override
    public int size() {
        return features.rows();
    }

    @Override
    public Tensor[] get(int index) {
        if (index < 0 || index >= size()) throw new IndexOutOfBoundsException(
                "SparseDataset.get: index " + index + " out of range for size " + size());
        return new Tensor[] {features.denseRow(index), labels.select(0, index)};   // {[V], []}
    }

    @Override
    public String describe() {
        return "SparseDataset(size=" + size() + ", features=" + features + ")";
    }
}
