// F1Score: streaming macro-averaged F1 for multi-class (or binary) classification, backed by a
// ConfusionMatrix so the epoch value equals scikit-learn's f1_score(average="macro") over all samples.
package dev.kindling.metrics;

import dev.kindling.tensor.Tensor;

/**
 * Macro F1: the unweighted mean of per-class F1 over the classes that occur in the targets or the predictions
 * (as scikit-learn and torchmetrics); a class with no true or predicted sample scores 0 precision/recall.
 *
 * <p>Example: {@code new F1Score(10)} logs {@code "f1"}.
 */
public final class F1Score implements Metric {
    private final ConfusionMatrix cm;

    /** Macro F1 over {@code numClasses} classes (labels in {@code [0, numClasses)}). */
    public F1Score(int numClasses) {
        this.cm = new ConfusionMatrix(numClasses);
    }

    @Override
    public void update(Tensor output, Tensor target) {
        cm.update(output, target);
    }

    @Override
    public double compute() {
        return cm.total() == 0 ? Double.NaN : cm.macroF1();
    }

    @Override
    public void reset() {
        cm.reset();
    }

    @Override
    public String name() {
        return "f1";
    }
}
