// MeanAbsoluteError: streaming mean of absolute differences over every element seen, accumulated in double.
package dev.kindling.metrics;

import dev.kindling.tensor.Tensor;

/** Mean absolute error over all elements of all batches ({@code torchmetrics.MeanAbsoluteError}); logs {@code "mae"}. */
public final class MeanAbsoluteError implements Metric {
    private double sum;
    private long count;

    @Override
    public void update(Tensor output, Tensor target) {
        double[][] pt = Metrics.pairs("MeanAbsoluteError", output, target);
        for (int i = 0; i < pt[0].length; i++) sum += Math.abs(pt[0][i] - pt[1][i]);
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
        return "mae";
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }
}
