// MeanOfDifferences: the streaming mean, over every element seen, of a function of (output - target),
// accumulated in double. MeanSquaredError and MeanAbsoluteError differ only in that function.
package dev.kindling.metrics;

import dev.kindling.tensor.Tensor;

/** Base of the element-wise regression metrics. */
abstract class MeanOfDifferences implements Metric {
    private double sum;
    private long count;

    /** The per-element term, e.g. {@code d * d}. */
    abstract double term(double difference);

    @Override
    public void update(Tensor output, Tensor target) {
        double[][] pt = Metrics.pairs(getClass().getSimpleName(), output, target);
        for (int i = 0; i < pt[0].length; i++) sum += term(pt[0][i] - pt[1][i]);
        count += pt[0].length;
    }

    @Override
    public double compute() {
        return count == 0 ? Double.NaN : sum / count;
    }

    @Override
    public void reset() {
        sum = 0;
        count = 0;
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }
}
