// Callback: hooks the Trainer calls around training (begin/end of training, of each epoch, after each batch),
// used for progress output, early stopping, checkpoints, logs and plots. All hooks default to doing nothing.
package dev.kindling.train;

import java.util.Map;

/**
 * Observer of a {@link Trainer#fit} run, like Keras callbacks. A callback stops training after the current epoch
 * with {@link TrainContext#requestStop(String)}.
 *
 * <p>Hooks run in this order: {@code onTrainBegin}, then per epoch {@code onEpochBegin}, {@code onBatchEnd} after
 * every training batch, {@code onEpochEnd} after validation, and finally {@code onTrainEnd} (also when training
 * ended early). Callbacks run in the order they were given to the builder.
 *
 * <p>Example:
 * <pre>{@code
 * Callback printer = new Callback() {
 *     public void onEpochEnd(TrainContext ctx, int epoch, Map<String, Double> logs) {
 *         System.out.println(epoch + " " + logs.get("val_loss"));
 *     }
 * };
 * }</pre>
 */
public interface Callback {
    /** Before the first epoch (after a checkpoint was resumed, if any). */
    default void onTrainBegin(TrainContext ctx) {
    }

    /** Before epoch {@code epoch} (0-based) trains. */
    default void onEpochBegin(TrainContext ctx, int epoch) {
    }

    /**
     * After training batch {@code batch} (0-based) of the current epoch.
     *
     * @param logs running values over the epoch so far: {@code "loss"} (sample-weighted mean) and each metric
     */
    default void onBatchEnd(TrainContext ctx, int batch, Map<String, Double> logs) {
    }

    /**
     * After epoch {@code epoch} (0-based) trained and validated.
     *
     * @param logs the epoch's row of the history: {@code epoch} (1-based), {@code loss}, metrics, {@code val_*}
     *     entries, {@code lr}, {@code time_s}
     */
    default void onEpochEnd(TrainContext ctx, int epoch, Map<String, Double> logs) {
    }

    /** After the last epoch, or after a stop was requested. */
    default void onTrainEnd(TrainContext ctx, History history) {
    }
}
