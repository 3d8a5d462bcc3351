// MeanSquaredError: streaming mean of squared differences over every element seen, accumulated in double.
package dev.kindling.metrics;

/** Mean squared error over all elements of all batches ({@code torchmetrics.MeanSquaredError}); logs {@code "mse"}. */
public final class MeanSquaredError extends MeanOfDifferences {
    @Override
    double term(double d) {
        return d * d;
    }

    @Override
    public String name() {
        return "mse";
    }
}
