// AnomalyException: thrown in anomaly mode when an op produces NaN or Inf.
package dev.kindling.tensor;

/** The first NaN/Inf seen in anomaly mode, with the op that produced it. */
public final class AnomalyException extends ArithmeticException {
    public AnomalyException(String message) {
        super(message);
    }
}
