// ExponentialLR: multiplies the learning rate by gamma every step (torch.optim.lr_scheduler.ExponentialLR).
package dev.kindling.optim;

/**
 * Decays each group's learning rate by {@code gamma} every step: {@code lr = base_lr * gamma^epoch}.
 *
 * <p>Example: {@code new ExponentialLR(opt, 0.9)}.
 */
public final class ExponentialLR extends BaseLRScheduler {
    private final double gamma;

    /**
     * @param optimizer the optimizer whose learning rates are scheduled
     * @param gamma the multiplicative factor per step, > 0
     */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        requirePositive("ExponentialLR", "gamma", gamma);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        if (lastEpoch == 0) return lrs;
        for (int i = 0; i < lrs.length; i++) lrs[i] *= gamma;
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = baseLrs.clone();
        for (int i = 0; i < lrs.length; i++) lrs[i] *= Math.pow(gamma, lastEpoch);
        return lrs;
    }
}
