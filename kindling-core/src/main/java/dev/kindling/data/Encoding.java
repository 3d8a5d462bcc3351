// Encoding: label encodings for training targets, e.g. one-hot float targets for MSE or soft-label losses.
// Integer class ids stay int64 for cross-entropy; this file converts them to dense float32 rows.
package dev.kindling.data;

import dev.kindling.ops.Indexing;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/** Target encodings. */
public final class Encoding {
    private Encoding() {}

    /**
     * One-hot encoding as float32: int64 {@code labels} of any shape give {@code [..., numClasses]} with 1.0 at each
     * label and 0.0 elsewhere ({@code numClasses = -1} infers {@code max(labels) + 1}, as PyTorch).
     *
     * <p>Shape: {@code [N]} gives {@code [N, C]}.
     *
     * <p>Example: {@code Encoding.oneHot(Tensor.ofLongs(new long[] {2, 0}, 2), 3) // [[0, 0, 1], [1, 0, 0]]}
     *
     * @throws IndexOutOfBoundsException when a label is outside {@code [0, numClasses)}
     */
    public static Tensor oneHot(Tensor labels, int numClasses) {
        if (labels == null) throw new IllegalArgumentException("Encoding.oneHot: labels are null");
        if (labels.dtype() != DType.INT64) throw new IllegalArgumentException("Encoding.oneHot: expected int64 "
                + "labels, got " + labels.dtype() + " with shape " + Arrays.toString(labels.shape()));
        Tensor ids = Indexing.oneHot(labels, numClasses); // [..., C] int64
        long[] l = ids.storage().longs();
        float[] f = new float[l.length];
        for (int i = 0; i < l.length; i++) f[i] = l[i];
        return Tensor.of(f, ids.shape());
    }
}
