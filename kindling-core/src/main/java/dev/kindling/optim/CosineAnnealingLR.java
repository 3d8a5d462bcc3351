// CosineAnnealingLR: cosine decay from the base rate to etaMin over tMax steps, then back up (periodic),
// with PyTorch's chainable update (torch.optim.lr_scheduler.CosineAnnealingLR).
package dev.kindling.optim;

/**
 * Cosine annealing: {@code lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / tMax)) / 2}, computed
 * step by step with PyTorch's recursive formula (so manual changes of the rate carry on, as in PyTorch).
 *
 * <p>Example: {@code new CosineAnnealingLR(opt, 100, 1e-5)}.
 */
public final class CosineAnnealingLR extends BaseLRScheduler {
    private final int tMax;
    private final double etaMin;

    /**
     * @param optimizer the optimizer whose learning rates are scheduled
     * @param tMax the number of steps of a half period, > 0
     * @param etaMin the minimum learning rate
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be > 0, got " + tMax);
        if (!Double.isFinite(etaMin)) throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be finite, "
                + "got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = currentLrs();
        if (lastEpoch == 0) return lrs;
        if (stepCount == 1 && lastEpoch > 0) return closedFormLr();
        for (int i = 0; i < lrs.length; i++) {
            if ((lastEpoch - 1 - tMax) % (2 * tMax) == 0) {
                lrs[i] = lrs[i] + (baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lrs[i] = (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax))
                        * (lrs[i] - etaMin) + etaMin;
            }
        }
        return lrs;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lrs = new double[baseLrs.length];
        for (int i = 0; i < lrs.length; i++)
            lrs[i] = etaMin + (baseLrs[i] - etaMin) * (1 + Math.cos(Math.PI * lastEpoch / tMax)) / 2;
        return lrs;
    }
}
