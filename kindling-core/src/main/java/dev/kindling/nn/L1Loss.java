// L1Loss: mean absolute error (torch.nn.L1Loss), a regression loss robust to outliers.
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/** {@code |input - target|}, reduced. Shape: input and target broadcast (keep them equal). */
public class L1Loss extends Loss {
    /** Mean reduction. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    public L1Loss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.l1Loss(input, target, reduction());
    }
}
