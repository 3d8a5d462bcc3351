// HuberLoss: quadratic near zero, linear beyond delta (torch.nn.HuberLoss), a regression loss that
// keeps MSE's smoothness but L1's robustness to outliers.
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/** {@code 0.5 d^2} for {@code |d| < delta}, else {@code delta (|d| - 0.5 delta)}, with {@code d = input - target}. */
public class HuberLoss extends Loss {
    private final float delta;

    /** Delta 1, mean reduction. */
    public HuberLoss() {
        this(1f, Reduction.MEAN);
    }

    /** Mean reduction. */
    public HuberLoss(float delta) {
        this(delta, Reduction.MEAN);
    }

    public HuberLoss(float delta, Reduction reduction) {
        super(reduction);
        if (!(delta > 0)) throw new IllegalArgumentException("HuberLoss: delta must be positive, got " + delta);
        this.delta = delta;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.huberLoss(input, target, delta, reduction());
    }
}
