// SmoothL1Loss: Huber loss divided by beta (torch.nn.SmoothL1Loss), as used for box regression.
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/** {@code 0.5 d^2 / beta} for {@code |d| < beta}, else {@code |d| - 0.5 beta}; beta 0 is the L1 loss. */
public class SmoothL1Loss extends Loss {
    private final float beta;

    /** Beta 1, mean reduction. */
    public SmoothL1Loss() {
        this(1f, Reduction.MEAN);
    }

    public SmoothL1Loss(float beta, Reduction reduction) {
        super(reduction);
        if (!(beta >= 0)) throw new IllegalArgumentException("SmoothL1Loss: beta must be >= 0, got " + beta);
        this.beta = beta;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.smoothL1Loss(input, target, beta, reduction());
    }
}
