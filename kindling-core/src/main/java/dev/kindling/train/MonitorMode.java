// MonitorMode: whether a monitored value (val_loss, val_accuracy, ...) improves by going down or up, and the
// improvement test with a minimum change, shared by EarlyStopping and ModelCheckpoint.
package dev.kindling.train;

/** Direction of improvement of a monitored value. */
public enum MonitorMode {
    /** Smaller is better (losses, errors). */
    MIN,
    /** Larger is better (accuracy, F1, R²). */
    MAX;

    /** The starting "best" value that any finite value improves on. */
    public double worst() {
        return this == MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** True when {@code current} beats {@code best} by more than {@code minDelta} (NaN never improves). */
    public boolean improves(double current, double best, double minDelta) {
        if (Double.isNaN(current)) return false;
        return this == MIN ? current < best - minDelta : current > best + minDelta;
    }

    /** MAX for names containing "acc", "f1", "r2", "precision", "recall" or "auc"; MIN otherwise (losses, errors). */
    public static MonitorMode infer(String monitor) {
        String m = monitor.toLowerCase(java.util.Locale.ROOT);
        for (String up : new String[] {"acc", "f1", "r2", "precision", "recall", "auc"}) if (m.contains(up)) return MAX;
        return MIN;
    }
}
