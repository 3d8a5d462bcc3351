// TrainContext: what a Callback can see and do during Trainer.fit — the model, optimizer, history so far,
// where the run is (epoch, batch counts, samples seen), the output directory, and a way to stop early.
package dev.kindling.train;

import dev.kindling.nn.Module;
import dev.kindling.optim.LRScheduler;
import dev.kindling.optim.Optimizer;
import java.nio.file.Path;

/** The state of a running {@link Trainer#fit}, passed to every {@link Callback} hook. */
public final class TrainContext {
    private final Trainer trainer;
    private final History history;
    private final int startEpoch;
    private int epoch;
    private int numBatches;
    private long epochSamples;
    private long samplesSeen;
    private String stopReason;

    TrainContext(Trainer trainer, History history, int startEpoch) {
        this.trainer = trainer;
        this.history = history;
        this.startEpoch = startEpoch;
        this.epoch = startEpoch;
    }

    public Trainer trainer() {
        return trainer;
    }

    public Module model() {
        return trainer.model();
    }

    public Optimizer optimizer() {
        return trainer.optimizer();
    }

    /** The scheduler, or null. */
    public LRScheduler scheduler() {
        return trainer.scheduler();
    }

    /** Epochs completed so far, including those restored from a checkpoint. */
    public History history() {
        return history;
    }

    /** Total epochs of the run (the last epoch index is {@code epochs() - 1}). */
    public int epochs() {
        return trainer.epochs();
    }

    /** The first epoch this call of fit runs (non-zero after {@code resumeFrom}). */
    public int startEpoch() {
        return startEpoch;
    }

    /** The current epoch, 0-based. */
    public int epoch() {
        return epoch;
    }

    /** Training batches per epoch. */
    public int numBatches() {
        return numBatches;
    }

    /** Samples trained on so far in the current epoch. */
    public long epochSamples() {
        return epochSamples;
    }

    /** Samples trained on since this fit began. */
    public long samplesSeen() {
        return samplesSeen;
    }

    /** The output directory, or null when none was configured. */
    public Path outputDir() {
        return trainer.outputDir();
    }

    /** Asks the trainer to stop after the current epoch; the first reason given is kept. */
    public void requestStop(String reason) {
        if (stopReason == null) stopReason = reason == null ? "stop requested" : reason;
    }

    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Why training was stopped early, or null. */
    public String stopReason() {
        return stopReason;
    }

    void beginEpoch(int epoch, int numBatches) {
        this.epoch = epoch;
        this.numBatches = numBatches;
        this.epochSamples = 0;
    }

    void addSamples(long n) {
        epochSamples += n;
        samplesSeen += n;
    }
}
