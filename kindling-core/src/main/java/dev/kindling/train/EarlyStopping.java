// EarlyStopping: stops training when a monitored value (val_loss, val_accuracy, ...) has not improved by more
// than minDelta for `patience` epochs, optionally putting back the weights of the best epoch at the end.
package dev.kindling.train;

import dev.kindling.nn.Module;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code EarlyStopping}: after each epoch the monitored value is compared with the best so far; an
 * improvement is a change beyond {@code minDelta} in the direction of {@code mode}. After {@code patience}
 * epochs without improvement the trainer is asked to stop. With {@code restoreBestWeights}, the model's
 * parameters and buffers are set back to those of the best epoch when training ends (whether it stopped early
 * or ran all epochs).
 *
 * <p>Example: {@code new EarlyStopping("val_loss", MonitorMode.MIN, 5, 1e-4, true)}
 */
public final class EarlyStopping implements Callback {
    private final String monitor;
    private final MonitorMode mode;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBestWeights;
    private double best;
    private int wait;
    private int bestEpoch = -1;
    private int stoppedEpoch = -1;
    private Map<String, Tensor> bestWeights;

    /**
     * @param monitor a key of the epoch logs, e.g. {@code "val_loss"}
     * @param mode MIN when smaller is better; null infers it from the name ({@link MonitorMode#infer})
     * @param patience epochs without improvement tolerated before stopping, >= 0
     * @param minDelta smallest change counted as an improvement, >= 0
     * @param restoreBestWeights put back the best epoch's weights when training ends
     */
    public EarlyStopping(String monitor, MonitorMode mode, int patience, double minDelta, boolean restoreBestWeights) {
        if (monitor == null || monitor.isEmpty()) throw new IllegalArgumentException("EarlyStopping: monitor is empty");
        if (patience < 0) throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        if (!(minDelta >= 0)) throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0, got " + minDelta);
        this.monitor = monitor;
        this.mode = mode == null ? MonitorMode.infer(monitor) : mode;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBestWeights = restoreBestWeights;
        this.best = this.mode.worst();
    }

    @Override
    public void onTrainBegin(TrainContext ctx) {
        best = mode.worst();
        wait = 0;
        bestEpoch = -1;
        stoppedEpoch = -1;
        bestWeights = null;
    }

    @Override
    public void onEpochEnd(TrainContext ctx, int epoch, Map<String, Double> logs) {
        double current = Monitored.value("EarlyStopping", monitor, logs);
        if (mode.improves(current, best, minDelta)) {
            best = current;
            bestEpoch = epoch;
            wait = 0;
            if (restoreBestWeights) bestWeights = snapshot(ctx.model());
            return;
        }
        wait++;
        if (wait >= patience) {
            stoppedEpoch = epoch;
            ctx.requestStop("EarlyStopping: " + monitor + " did not improve for " + wait + " epoch(s) (best "
                    + Monitored.format(best) + " at epoch " + (bestEpoch + 1) + ")");
        }
    }

    @Override
    public void onTrainEnd(TrainContext ctx, History history) {
        if (restoreBestWeights && bestWeights != null && bestEpoch != ctx.epoch()) ctx.model().loadStateDict(bestWeights);
    }

    /** Copies of the model's current parameters and buffers. */
    static Map<String, Tensor> snapshot(Module model) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        try (var noGrad = Autograd.noGrad()) {
            for (var e : model.stateDict().entrySet()) out.put(e.getKey(), e.getValue().clone());
        }
        return out;
    }

    /** Best monitored value so far (the mode's worst value before the first epoch). */
    public double best() {
        return best;
    }

    /** 0-based epoch of the best value, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** 0-based epoch at which a stop was requested, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** Epochs since the last improvement. */
    public int epochsWithoutImprovement() {
        return wait;
    }
}
