// MeanSquaredError: streaming mean of squared differences over every element seen, accumulated in double.
package dev.kindling.metrics;

import dev.kindling.tensor.Tensor;

/** Mean squared error over all elements of all batches ({@code torchmetrics.MeanSquaredError}); logs {@code "mse"}. */
public final class MeanSquaredError implements Metric {
    private double sum;
    private long count;

    @Override
    public void update(Tensor output, Tensor target) {
        double[][] pt = Metrics.pairs("MeanSquaredError", output, target);
        for (int i = 0; i < pt[0].length; i++) {
            double d = pt[0][i] - pt[1][i];
            sum += d * d;
        }
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
    public String name() {
        return "mse";
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }
}
