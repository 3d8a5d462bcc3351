// MSELoss: mean squared error (torch.nn.MSELoss), the usual regression loss.
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/** {@code (input - target)^2}, reduced. Shape: input and target broadcast (keep them equal). */
public class MSELoss extends Loss {
    /** Mean reduction. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.mseLoss(input, target, reduction());
    }
}
