// CosineEmbeddingLoss: pulls pairs labelled 1 together and pushes pairs labelled -1 apart by cosine
// similarity (torch.nn.CosineEmbeddingLoss), composed from tensor ops with ATen's formula.
package dev.kindling.nn;

import dev.kindling.ops.Elementwise;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * {@code 1 - cos(x1, x2)} where the target is 1, {@code max(0, cos(x1, x2) - margin)} where it is -1 (0 otherwise),
 * with {@code cos = sum(x1 x2) / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12))} as ATen computes it.
 *
 * <p>Shape: x1, x2 {@code [N, D]} with target {@code [N]} (int64 or float), or {@code [D]} with target {@code []}.
 */
public class CosineEmbeddingLoss extends Module {
    private static final float EPSILON = 1e-12f;
    private final float margin;
    private final Reduction reduction;

    /** Margin 0, mean reduction. */
    public CosineEmbeddingLoss() {
        this(0f, Reduction.MEAN);
    }

    /** Args: {@code margin} in [-1, 1] (0 to 0.5 suggested). */
    public CosineEmbeddingLoss(float margin, Reduction reduction) {
        if (reduction == null || reduction == Reduction.BATCHMEAN) throw new IllegalArgumentException(
                "CosineEmbeddingLoss: reduction must be MEAN, SUM or NONE, got " + reduction);
        this.margin = margin;
        this.reduction = reduction;
    }

    /** The loss of the pairs {@code (x1, x2)} labelled by {@code target} (1 similar, -1 dissimilar). */
    public Tensor forward(Tensor x1, Tensor x2, Tensor target) {
        int td = target.dim();
        if (td > 1 || x1.dim() != td + 1 || !Shape.same(x1.shape(), x2.shape()) || x1.size(0) < 0
                || (td == 1 && target.size(0) != x1.size(0))) throw new IllegalArgumentException("CosineEmbeddingLoss: "
                + "expected inputs [N, D] with target [N], or [D] with target [], got x1 " + Shape.str(x1.shape())
                + ", x2 " + Shape.str(x2.shape()) + ", target " + Shape.str(target.shape()));
        int d = td;                                                          // the feature dim
        Tensor prod = x1.mul(x2).sum(d, false);                              // [N]
        Tensor mag1 = x1.mul(x1).sum(d, false).add(EPSILON), mag2 = x2.mul(x2).sum(d, false).add(EPSILON);
        Tensor cos = prod.div(mag1.mul(mag2).sqrt());                        // [N]
        Tensor zero = Tensor.scalar(0f);
        Tensor pos = Elementwise.where(Elementwise.eq(target, Tensor.scalar(1f)), cos.neg().add(1f), zero);
        Tensor neg = Elementwise.where(Elementwise.eq(target, Tensor.scalar(-1f)),
                cos.sub(margin).clamp(0f, Float.POSITIVE_INFINITY), zero);
        Tensor loss = pos.add(neg);                                          // [N]
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            default -> loss.mean();
        };
    }

    @Override
    protected String extraRepr() {
        return "margin=" + Repr.num(margin);
    }
}
