// CosineSimilarity: cosine of the angle between two inputs along a dim (torch.nn.CosineSimilarity),
// a module with a two-input forward, e.g. for embedding similarity scores.
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.tensor.Tensor;

/**
 * {@code sum(x1 * x2) / (max(|x1|, eps) * max(|x2|, eps))} along {@code dim}.
 *
 * <p>Shape: x1 and x2 broadcast; the result drops {@code dim}: {@code [N, D], [N, D] -> [N]}.
 */
public class CosineSimilarity extends Module {
    private final int dim;
    private final float eps;

    /** Dim 1, eps 1e-8. */
    public CosineSimilarity() {
        this(1, 1e-8f);
    }

    public CosineSimilarity(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
    }

    /** The cosine similarity of {@code x1} and {@code x2}. */
    public Tensor forward(Tensor x1, Tensor x2) {
        return Losses.cosineSimilarity(x1, x2, dim, eps);
    }
}
