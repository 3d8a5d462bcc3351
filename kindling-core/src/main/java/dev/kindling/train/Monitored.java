// Monitored: reads the value a callback watches from an epoch's logs, failing with the keys that do exist.
package dev.kindling.train;

import java.util.Map;

final class Monitored {
    private Monitored() {
    }

    static double value(String who, String monitor, Map<String, Double> logs) {
        Double v = logs.get(monitor);
        if (v == null) throw new IllegalArgumentException(who + ": monitored value '" + monitor
                + "' is not in the epoch logs " + logs.keySet() + (monitor.startsWith("val_")
                ? " (pass a validation loader to fit)" : ""));
        return v;
    }

    /** {@code v} with at most 6 significant digits and no trailing zeros (0.8, 0.123457, 1.5E-7). */
    static String format(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toString();
    }
}
