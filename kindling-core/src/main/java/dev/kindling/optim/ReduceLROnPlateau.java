// ReduceLROnPlateau: cuts the learning rate by a factor when a monitored metric (e.g. validation loss)
// stops improving for `patience` epochs (torch.optim.lr_scheduler.ReduceLROnPlateau).
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reduces every group's learning rate by {@code factor} (not below {@code minLr}) after more than
 * {@code patience} steps without improvement of the metric passed to {@link #step(double)}, then waits
 * {@code cooldown} steps before counting again. Improvement is relative ({@code threshold} fraction of the best)
 * or absolute, per {@code thresholdMode}.
 *
 * <p>Example:
 * <pre>{@code
 * var plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Options.builder().factor(0.5).patience(3).build());
 * for (int epoch = 0; epoch < epochs; epoch++) { train(opt); plateau.step(validationLoss()); }
 * }</pre>
 */
public final class ReduceLROnPlateau implements LRScheduler {
    private final Optimizer optimizer;
    private final Options o;
    private final double[] minLrs;
    private double best;
    private int numBadEpochs, cooldownCounter, lastEpoch;
    private double[] lastLrs;

    /**
     * Options (PyTorch defaults: "min", factor 0.1, patience 10, threshold 1e-4 "rel", cooldown 0, minLr 0,
     * eps 1e-8).
     *
     * @param mode "min" (lower metric is better) or "max"
     * @param factor the multiplier of the rate on a plateau, in [0, 1)
     * @param patience steps without improvement tolerated before reducing, >= 0
     * @param threshold the least change counted as an improvement, >= 0
     * @param thresholdMode "rel" (relative to the best) or "abs"
     * @param cooldown steps to wait after a reduction before counting bad steps again, >= 0
     * @param minLr the lowest learning rate, >= 0
     * @param eps reductions smaller than this are skipped
     */
    public record Options(String mode, double factor, int patience, double threshold, String thresholdMode,
            int cooldown, double minLr, double eps) {
        /** A builder with PyTorch's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private String mode = "min", thresholdMode = "rel";
            private double factor = 0.1, threshold = 1e-4, minLr, eps = 1e-8;
            private int patience = 10, cooldown;

            public Builder mode(String v) { mode = v; return this; }
            public Builder factor(double v) { factor = v; return this; }
            public Builder patience(int v) { patience = v; return this; }
            public Builder threshold(double v) { threshold = v; return this; }
            public Builder thresholdMode(String v) { thresholdMode = v; return this; }
            public Builder cooldown(int v) { cooldown = v; return this; }
            public Builder minLr(double v) { minLr = v; return this; }
            public Builder eps(double v) { eps = v; return this; }

            public Options build() {
                return new Options(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps);
            }
        }
    }

    /** With PyTorch's defaults ("min", factor 0.1, patience 10). */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, Options.builder().build());
    }

    /** With the usual options; relative threshold, eps 1e-8. */
    public ReduceLROnPlateau(Optimizer optimizer, String mode, double factor, int patience, double threshold,
            int cooldown, double minLr) {
        this(optimizer, Options.builder().mode(mode).factor(factor).patience(patience).threshold(threshold)
                .cooldown(cooldown).minLr(minLr).build());
    }

    /** With {@code options}. */
    public ReduceLROnPlateau(Optimizer optimizer, Options options) {
        String who = "ReduceLROnPlateau";
        if (optimizer == null) throw new IllegalArgumentException(who + ": optimizer is null");
        if (!"min".equals(options.mode()) && !"max".equals(options.mode())) throw new IllegalArgumentException(who
                + ": mode must be \"min\" or \"max\", got \"" + options.mode() + "\"");
        if (!"rel".equals(options.thresholdMode()) && !"abs".equals(options.thresholdMode()))
            throw new IllegalArgumentException(who + ": thresholdMode must be \"rel\" or \"abs\", got \""
                    + options.thresholdMode() + "\"");
        if (!(options.factor() >= 0 && options.factor() < 1)) throw new IllegalArgumentException(who + ": factor must "
                + "be in [0, 1), got " + options.factor());
        if (options.patience() < 0 || options.cooldown() < 0) throw new IllegalArgumentException(who + ": patience and "
                + "cooldown must be >= 0, got " + options.patience() + " and " + options.cooldown());
        if (!(options.threshold() >= 0) || !(options.minLr() >= 0)) throw new IllegalArgumentException(who
                + ": threshold and minLr must be >= 0, got " + options.threshold() + " and " + options.minLr());
        this.optimizer = optimizer;
        this.o = options;
        minLrs = new double[optimizer.paramGroups().size()];
        java.util.Arrays.fill(minLrs, options.minLr());
        best = worst();
        lastLrs = currentLrs();
    }

    /** Records {@code metric} for this step (epoch) and reduces the rates on a plateau. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > o.patience()) {
            List<ParamGroup> groups = optimizer.paramGroups();
            for (int i = 0; i < groups.size(); i++) {
                double old = groups.get(i).lr(), next = Math.max(old * o.factor(), minLrs[i]);
                if (old - next > o.eps()) groups.get(i).set("lr", next);
            }
            cooldownCounter = o.cooldown();
            numBadEpochs = 0;
        }
        lastLrs = currentLrs();
    }

    /** Not supported: this scheduler needs the metric; call {@link #step(double)}. */
    @Override
    public void step() {
        throw new IllegalStateException("ReduceLROnPlateau.step(): this scheduler needs the monitored metric; call "
                + "step(metric), e.g. step(validationLoss)");
    }

    @Override
    public double getLastLr() {
        return lastLrs[0];
    }

    /** The best metric seen so far. */
    public double best() {
        return best;
    }

    /** Steps since the last improvement (reset by a reduction and during cooldown). */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    private boolean isBetter(double a) {
        boolean rel = o.thresholdMode().equals("rel");
        if (o.mode().equals("min")) return rel ? a < best * (1 - o.threshold()) : a < best - o.threshold();
        return rel ? a > best * (o.threshold() + 1) : a > best + o.threshold();
    }

    private double worst() {
        return o.mode().equals("min") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = groups.get(i).lr();
        return lrs;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("best", StateTensors.ofDouble(best));
        sd.put("num_bad_epochs", StateTensors.ofLong(numBadEpochs));
        sd.put("cooldown_counter", StateTensors.ofLong(cooldownCounter));
        sd.put("last_epoch", StateTensors.ofLong(lastEpoch));
        for (int i = 0; i < lastLrs.length; i++) sd.put("last_lr." + i, StateTensors.ofDouble(lastLrs[i]));
        return sd;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> sd) {
        String who = "ReduceLROnPlateau.loadStateDict";
        double b = StateTensors.toDouble(who, "best", StateTensors.require(who, sd, "best"));
        int bad = (int) StateTensors.toLong(who, "num_bad_epochs", StateTensors.require(who, sd, "num_bad_epochs"));
        int cool = (int) StateTensors.toLong(who, "cooldown_counter", StateTensors.require(who, sd, "cooldown_counter"));
        int epoch = (int) StateTensors.toLong(who, "last_epoch", StateTensors.require(who, sd, "last_epoch"));
        double[] last = new double[lastLrs.length];
        for (int i = 0; i < last.length; i++)
            last[i] = StateTensors.toDouble(who, "last_lr." + i, StateTensors.require(who, sd, "last_lr." + i));
        best = b;
        numBadEpochs = bad;
        cooldownCounter = cool;
        lastEpoch = epoch;
        lastLrs = last;
    }
}
