// BatchNorm: the shared body of BatchNorm1d / BatchNorm2d (PyTorch's _BatchNorm): per-channel affine
// parameters, running statistics kept as buffers (running_mean, running_var, num_batches_tracked) and
// PyTorch's rules for when batch or running statistics are used and how the running ones are updated.
package dev.kindling.nn;

import dev.kindling.ops.Norms;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Batch normalisation over the channel dim 1: {@code y = (x - mean) / sqrt(var + eps) * weight + bias}.
 *
 * <p>Training mode normalises with the batch statistics and, when tracking, updates
 * {@code running = (1 - momentum) * running + momentum * batchStat} (unbiased variance; with {@code momentum}
 * null, a cumulative average over {@code num_batches_tracked} batches). Eval mode uses the running statistics,
 * or the batch statistics when they are not tracked.
 *
 * <p>State dict: {@code weight}, {@code bias} (affine), {@code running_mean}, {@code running_var},
 * {@code num_batches_tracked} (int64 scalar) when tracking.
 */
public abstract class BatchNorm extends Module {
    /**
     * Options with PyTorch's defaults: eps 1e-5, momentum 0.1 (null: cumulative moving average), affine,
     * track running stats. Example: {@code BatchNorm1d.Options.DEFAULT.momentum(0.01f).affine(false)}.
     */
    public record Options(float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        public static final Options DEFAULT = new Options(1e-5f, 0.1f, true, true);

        public Options eps(float e) {
            return new Options(e, momentum, affine, trackRunningStats);
        }

        public Options momentum(Float m) {
            return new Options(eps, m, affine, trackRunningStats);
        }

        public Options affine(boolean a) {
            return new Options(eps, momentum, a, trackRunningStats);
        }

        public Options trackRunningStats(boolean t) {
            return new Options(eps, momentum, affine, t);
        }
    }

    private final int numFeatures;
    private final Options options;
    private final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;

    protected BatchNorm(int numFeatures, Options options) {
        if (numFeatures <= 0) throw new IllegalArgumentException(getClass().getSimpleName()
                + ": numFeatures must be positive, got " + numFeatures);
        if (options.momentum() != null && !(options.momentum() >= 0 && options.momentum() <= 1))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1] or null, got "
                    + options.momentum());
        this.numFeatures = numFeatures;
        this.options = options;
        this.weight = registerParameter("weight", options.affine() ? Tensor.ones(numFeatures) : null);      // [C]
        this.bias = registerParameter("bias", options.affine() ? Tensor.zeros(numFeatures) : null);         // [C]
        boolean track = options.trackRunningStats();
        this.runningMean = registerBuffer("running_mean", track ? Tensor.zeros(numFeatures) : null);       // [C]
        this.runningVar = registerBuffer("running_var", track ? Tensor.ones(numFeatures) : null);          // [C]
        this.numBatchesTracked = registerBuffer("num_batches_tracked", track ? Tensor.scalarLong(0) : null); // int64 []
    }

    /** Checks the input's rank (the subclass's layout). */
    protected abstract void checkInputDim(Tensor x);

    /** Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0. */
    public void resetRunningStats() {
        if (runningMean == null) return;
        Init.zeros_(runningMean);
        Init.ones_(runningVar);
        setBatchesTracked(0);
    }

    /** Resets the running statistics and the affine parameters (weight 1, bias 0). */
    public void resetParameters() {
        resetRunningStats();
        if (weight != null) {
            Init.ones_(weight);
            Init.zeros_(bias);
        }
    }

    public int numFeatures() {
        return numFeatures;
    }

    public Options options() {
        return options;
    }

    /** The per-channel scale, or null without affine. */
    public Tensor weight() {
        return weight;
    }

    /** The per-channel shift, or null without affine. */
    public Tensor bias() {
        return bias;
    }

    /** The running mean buffer {@code [C]}, or null when not tracking. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance buffer {@code [C]}, or null when not tracking. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** Number of training batches seen since the last reset (0 when not tracking). */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? 0 : numBatchesTracked.getLong();
    }

    private void setBatchesTracked(long n) {
        numBatchesTracked.storage().longs()[numBatchesTracked.offset()] = n;
        numBatchesTracked.storage().markModified();
    }

    @Override
    public Tensor forward(Tensor x) {
        checkInputDim(x);
        if (x.size(1) != numFeatures) throw new IllegalArgumentException(getClass().getSimpleName() + ": expected "
                + numFeatures + " channels at dim 1, got input of shape " + Shape.str(x.shape()));
        boolean training = isTraining(), track = options.trackRunningStats();
        float factor = 0f;
        long batches = numBatchesTracked();
        if (training && track) {
            batches++;
            factor = options.momentum() == null ? (float) (1.0 / batches) : options.momentum();
        }
        // As PyTorch: running statistics are used only in eval mode, and only when they are tracked.
        boolean useBatchStats = training || runningMean == null;
        Tensor rm = !training || track ? runningMean : null, rv = !training || track ? runningVar : null;
        Tensor y = Norms.batchNorm(x, rm, rv, weight, bias, useBatchStats, factor, options.eps());
        if (training && track) setBatchesTracked(batches);
        return y;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.num(options.eps()) + ", momentum="
                + (options.momentum() == null ? "null" : Repr.num(options.momentum())) + ", affine=" + options.affine()
                + ", track_running_stats=" + options.trackRunningStats();
    }
}
