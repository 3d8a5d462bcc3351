// CrossEntropyLoss: log-softmax + negative log-likelihood over class logits (torch.nn.CrossEntropyLoss),
// with class weights (a buffer named "weight"), an ignored target index and label smoothing.
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/**
 * Cross-entropy of logits {@code [N, C]} (or {@code [N, C, d1, ...]}, {@code [C]}) against int64 class indices
 * {@code [N]} or float class probabilities of the input's shape; see {@link Losses#crossEntropy}.
 *
 * <p>Example:
 * <pre>{@code
 * var ce = CrossEntropyLoss.builder().weight(classWeights).labelSmoothing(0.1f).build();
 * Tensor loss = ce.forward(logits, labels);     // [N, C], int64 [N] -> []
 * }</pre>
 */
public class CrossEntropyLoss extends Loss {
    private final Tensor weight;
    private final int ignoreIndex;
    private final float labelSmoothing;

    /** PyTorch's defaults: no weight, ignore index -100, no smoothing, mean reduction. */
    public CrossEntropyLoss() {
        this(builder());
    }

    /** Defaults with the given reduction. */
    public CrossEntropyLoss(Reduction reduction) {
        this(builder().reduction(reduction));
    }

    private CrossEntropyLoss(Builder b) {
        super(b.reduction);
        if (!(b.labelSmoothing >= 0 && b.labelSmoothing <= 1)) throw new IllegalArgumentException("CrossEntropyLoss: "
                + "labelSmoothing must be in [0, 1], got " + b.labelSmoothing);
        this.weight = registerConstant("weight", b.weight);   // [C] or absent
        this.ignoreIndex = b.ignoreIndex;
        this.labelSmoothing = b.labelSmoothing;
    }

    /** A builder starting from PyTorch's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of {@link CrossEntropyLoss}. */
    public static final class Builder {
        private Tensor weight;
        private int ignoreIndex = -100;
        private float labelSmoothing;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {}

        /** Per-class weights {@code [C]} (float32), or null. */
        public Builder weight(Tensor w) {
            this.weight = w;
            return this;
        }

        /** Targets equal to this index contribute nothing (default -100). */
        public Builder ignoreIndex(int i) {
            this.ignoreIndex = i;
            return this;
        }

        /** Mixes the target with the uniform distribution: {@code (1 - s) * onehot + s / C}. */
        public Builder labelSmoothing(float s) {
            this.labelSmoothing = s;
            return this;
        }

        public Builder reduction(Reduction r) {
            this.reduction = r;
            return this;
        }

        public CrossEntropyLoss build() {
            return new CrossEntropyLoss(this);
        }
    }

    /** The class weights, or null. */
    public Tensor weight() {
        return weight;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.crossEntropy(input, target, weight, ignoreIndex, labelSmoothing, reduction());
    }
}
