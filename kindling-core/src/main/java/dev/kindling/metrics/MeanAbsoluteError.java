// MeanAbsoluteError: streaming mean of absolute differences over every element seen, accumulated in double.
package dev.kindling.metrics;

/** Mean absolute error over all elements of all batches ({@code torchmetrics.MeanAbsoluteError}); logs {@code "mae"}. */
public final class MeanAbsoluteError extends MeanOfDifferences {
    @Override
    double term(double d) {
        return Math.abs(d);
    }

    @Override
    public String name() {
        return "mae";
    }
}
