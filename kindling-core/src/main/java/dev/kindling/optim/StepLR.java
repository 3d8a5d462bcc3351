// StepLR: multiplies the learning rate by gamma every stepSize steps (torch.optim.lr_scheduler.StepLR).
package dev.kindling.optim;

/**
 * Decays each group's learning rate by {@code gamma} every {@code stepSize} steps:
 * {@code lr = base_lr * gamma^(epoch / stepSize)}.
 *
 * <p>Example: {@code new StepLR(opt, 30, 0.1)} — lr 0.1 for epochs 0-29, 0.01 for 30-59, ...
 */
public final class StepLR extends BaseLRScheduler {
    private final int stepSize;
    private final double gamma;

    /**
     * @param optimizer the optimizer whose learning rates are scheduled
     * @param stepSize the period of the decay in steps, > 0
     * @param gamma the multiplicative factor, > 0
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) throw new IllegalArgumentException("StepLR: stepSize must be > 0, got " + stepSize);
        requirePositive("StepLR", "gamma", gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        if (lastEpoch == 0 || lastEpoch % stepSize != 0) return lrs;
        for (int i = 0; i < lrs.length; i++) lrs[i] *= gamma;
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = baseLrs.clone();
        for (int i = 0; i < lrs.length; i++) lrs[i] *= Math.pow(gamma, Math.floorDiv(lastEpoch, stepSize));
        return lrs;
    }
}
