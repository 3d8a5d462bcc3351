// BCEWithLogitsLoss: sigmoid + binary cross-entropy in one stable op (torch.nn.BCEWithLogitsLoss), with
// optional element weights and per-class positive weights (buffers "weight" and "pos_weight").
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/**
 * {@code -w (p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))} on logits. Shape: input and target equal.
 *
 * <p>Example (multi-label, 3 classes, positives of class 0 weighted 5x):
 * {@code new BCEWithLogitsLoss(null, Tensor.of(new float[] {5, 1, 1}, 3), Reduction.MEAN)}
 */
public class BCEWithLogitsLoss extends Loss {
    private final Tensor weight, posWeight;

    /** No weights, mean reduction. */
    public BCEWithLogitsLoss() {
        this(null, null, Reduction.MEAN);
    }

    public BCEWithLogitsLoss(Reduction reduction) {
        this(null, null, reduction);
    }

    /** With an element weight and a positive-class weight (each broadcastable to the input, or null). */
    public BCEWithLogitsLoss(Tensor weight, Tensor posWeight, Reduction reduction) {
        super(reduction);
        this.weight = registerConstant("weight", weight);
        this.posWeight = registerConstant("pos_weight", posWeight);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(input, target, weight, posWeight, reduction());
    }
}
