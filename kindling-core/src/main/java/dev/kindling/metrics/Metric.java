// Metric: a streaming accumulator that the Trainer feeds batch by batch (update), then reads once per epoch
// (compute) and clears (reset). Implementations keep only running sums or counts, never the whole data set,
// so an epoch's value equals the value over all its samples at once.
package dev.kindling.metrics;

import dev.kindling.tensor.Tensor;

/**
 * A metric aggregated over batches, like {@code torchmetrics.Metric}.
 *
 * <p>Example:
 * <pre>{@code
 * Metric acc = new Accuracy();
 * for (Tensor[] b : loader) acc.update(model.forward(b[0]), b[1]);   // [B, C] logits, [B] labels
 * double value = acc.compute();
 * acc.reset();
 * }</pre>
 */
public interface Metric {
    /** Adds one batch: the model's output and the target (values are read, no gradient is recorded). */
    void update(Tensor output, Tensor target);

    /** The metric over every sample seen since the last {@link #reset()} (NaN when nothing was seen). */
    double compute();

    /** Forgets every sample seen. */
    void reset();

    /** The key under which the Trainer logs this metric, e.g. {@code "accuracy"} (and {@code "val_accuracy"}). */
    String name();

    /** True when a larger value is better (accuracy, F1, R²); used to pick a monitor's default mode. */
    default boolean higherIsBetter() {
        return true;
    }
}
