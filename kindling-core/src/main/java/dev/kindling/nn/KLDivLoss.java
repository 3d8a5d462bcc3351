// KLDivLoss: Kullback-Leibler divergence with PyTorch's argument order (torch.nn.KLDivLoss): the input
// holds log-probabilities, the target probabilities (or log-probabilities with logTarget).
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/**
 * {@code t (log t - input)} pointwise; use {@link Reduction#BATCHMEAN} for the KL divergence per sample
 * (MEAN, PyTorch's default, divides by the element count).
 */
public class KLDivLoss extends Loss {
    private final boolean logTarget;

    /** Mean reduction, probability targets. */
    public KLDivLoss() {
        this(Reduction.MEAN, false);
    }

    public KLDivLoss(Reduction reduction, boolean logTarget) {
        super(reduction, true);
        this.logTarget = logTarget;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.klDiv(input, target, reduction(), logTarget);
    }
}
