// History: the per-epoch log of a training run (epoch, loss, metrics, val_*, lr, time) with CSV and JSON
// forms; the JSON travels inside checkpoints so a resumed run returns the history of the whole run.
package dev.kindling.train;

import dev.kindling.io.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of named values per epoch, like Keras' {@code History.history}.
 *
 * <p>Example:
 * <pre>{@code
 * History h = trainer.fit(train, val);
 * List<Double> valLoss = h.get("val_loss");   // one value per epoch
 * double last = h.last("val_accuracy");
 * Files.writeString(Path.of("history.csv"), h.toCsv());
 * }</pre>
 */
public final class History {
    private final List<Map<String, Double>> rows = new ArrayList<>();

    /** Appends an epoch's row (copied; iteration order kept). */
    public void add(Map<String, Double> row) {
        rows.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
    }

    /** Number of epochs logged. */
    public int size() {
        return rows.size();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Every row, oldest first (read-only). */
    public List<Map<String, Double>> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** All keys in the order they first appeared. */
    public Set<String> keys() {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (Map<String, Double> r : rows) keys.addAll(r.keySet());
        return keys;
    }

    /** The values of {@code key}, one per epoch (NaN where an epoch lacks it). */
    public List<Double> get(String key) {
        List<Double> out = new ArrayList<>(rows.size());
        for (Map<String, Double> r : rows) out.add(r.getOrDefault(key, Double.NaN));
        return out;
    }

    /** The last epoch's value of {@code key}. */
    public double last(String key) {
        if (rows.isEmpty()) throw new IllegalStateException("History.last: no epoch has been logged");
        Map<String, Double> r = rows.get(rows.size() - 1);
        Double v = r.get(key);
        if (v == null) throw new IllegalArgumentException("History.last: no value '" + key + "'; logged keys: " + r.keySet());
        return v;
    }

    /** CSV with a header of {@link #keys()}; empty cells where a row lacks a key; whole numbers without ".0". */
    public String toCsv() {
        Set<String> keys = keys();
        StringBuilder sb = new StringBuilder(String.join(",", keys)).append('\n');
        for (Map<String, Double> r : rows) {
            boolean first = true;
            for (String k : keys) {
                if (!first) sb.append(',');
                first = false;
                Double v = r.get(k);
                if (v != null) sb.append(format(v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Column form: {@code {"epoch":[1,2],"loss":[0.9,0.5],...}}; missing or non-finite values are null. */
    public String toJson() {
        LinkedHashMap<String, Object> cols = new LinkedHashMap<>();
        for (String k : keys()) {
            List<Object> col = new ArrayList<>(rows.size());
            for (Map<String, Double> r : rows) {
                Double v = r.get(k);
                col.add(v == null || !Double.isFinite(v) ? null : isWhole(v) ? (Object) v.longValue() : v);
            }
            cols.put(k, col);
        }
        return Json.write(cols);
    }

    /** Parses {@link #toJson()} output back (nulls become absent entries). */
    public static History fromJson(String json) {
        Map<String, Object> cols = Json.parseObject(json);
        History h = new History();
        int n = 0;
        for (Object v : cols.values()) {
            if (!(v instanceof List<?> l)) throw new IllegalArgumentException("History.fromJson: every value must be "
                    + "an array of numbers, got " + v);
            n = Math.max(n, l.size());
        }
        for (int i = 0; i < n; i++) {
            LinkedHashMap<String, Double> row = new LinkedHashMap<>();
            for (var e : cols.entrySet()) {
                List<?> l = (List<?>) e.getValue();
                if (i < l.size() && l.get(i) instanceof Number num) row.put(e.getKey(), num.doubleValue());
            }
            h.add(row);
        }
        return h;
    }

    private static boolean isWhole(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15;
    }

    private static String format(double v) {
        return isWhole(v) ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return "History(" + rows.size() + " epochs, keys=" + keys() + ")";
    }
}
