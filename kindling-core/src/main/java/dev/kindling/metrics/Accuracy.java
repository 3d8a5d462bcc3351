// Accuracy: streaming fraction of correctly classified samples (multi-class arg-max or binary threshold),
// aggregated over batches by counting, so the epoch value is exact.
package dev.kindling.metrics;

import dev.kindling.tensor.Tensor;

/**
 * Classification accuracy, like {@code torchmetrics.Accuracy(average="micro")}. Outputs are decoded as in
 * {@link Metrics}: class scores {@code [N, C]} by arg-max, one value per sample as a binary decision.
 *
 * <p>Example: {@code new Accuracy()} logs {@code "accuracy"} and {@code "val_accuracy"}.
 */
public final class Accuracy implements Metric {
    private long correct;
    private long total;

    @Override
    public void update(Tensor output, Tensor target) {
        long[][] pa = Metrics.classes("Accuracy", output, target);
        for (int i = 0; i < pa[0].length; i++) if (pa[0][i] == pa[1][i]) correct++;
        total += pa[0].length;
    }

    @Override
    public double compute() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public void reset() {
        correct = 0;
        total = 0;
    }

    @Override
    public String name() {
        return "accuracy";
    }
}
