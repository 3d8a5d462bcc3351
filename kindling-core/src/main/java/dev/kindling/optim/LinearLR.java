// LinearLR: scales the learning rate by a factor moving linearly from startFactor to endFactor over
// totalIters steps, then holds it (torch.optim.lr_scheduler.LinearLR); the usual linear warm-up.
package dev.kindling.optim;

/**
 * Linear change of the learning-rate factor:
 * {@code lr = base_lr * (start + (end - start) * min(epoch, totalIters) / totalIters)}, computed step by step
 * with PyTorch's recursive formula.
 *
 * <p>Example: warm up from 10% over 5 steps: {@code new LinearLR(opt, 0.1, 1.0, 5)}.
 */
public final class LinearLR extends BaseLRScheduler {
    private final double startFactor, endFactor;
    private final int totalIters;

    /**
     * @param optimizer the optimizer whose learning rates are scheduled
     * @param startFactor the factor at step 0, in (0, 1]
     * @param endFactor the factor from step totalIters on, in [0, 1]
     * @param totalIters the number of steps of the ramp, > 0
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) throw new IllegalArgumentException("LinearLR: startFactor must be "
                + "in (0, 1], got " + startFactor);
        if (!(endFactor >= 0 && endFactor <= 1)) throw new IllegalArgumentException("LinearLR: endFactor must be in "
                + "[0, 1], got " + endFactor);
        if (totalIters <= 0) throw new IllegalArgumentException("LinearLR: totalIters must be > 0, got " + totalIters);
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        if (lastEpoch == 0) {
            for (int i = 0; i < lrs.length; i++) lrs[i] *= startFactor;
            return lrs;
        }
        if (lastEpoch > totalIters) return lrs;
        double factor = 1.0 + (endFactor - startFactor)
                / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor));
        for (int i = 0; i < lrs.length; i++) lrs[i] *= factor;
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = baseLrs.clone();
        double factor = startFactor + (endFactor - startFactor) * Math.min(totalIters, lastEpoch) / totalIters;
        for (int i = 0; i < lrs.length; i++) lrs[i] *= factor;
        return lrs;
    }
}
