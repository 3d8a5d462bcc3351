// BCELoss: binary cross-entropy on probabilities (torch.nn.BCELoss); prefer BCEWithLogitsLoss on logits.
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/** {@code -w (t log x + (1 - t) log(1 - x))}, logs clamped at -100. Shape: input and target equal. */
public class BCELoss extends Loss {
    private final Tensor weight;

    /** No weight, mean reduction. */
    public BCELoss() {
        this(null, Reduction.MEAN);
    }

    public BCELoss(Reduction reduction) {
        this(null, reduction);
    }

    /** With a weight broadcastable to the input (buffer {@code weight}), or null. */
    public BCELoss(Tensor weight, Reduction reduction) {
        super(reduction);
        this.weight = registerConstant("weight", weight);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropy(input, target, weight, reduction());
    }
}
