// LabelEncoder: maps string labels (e.g. "ham"/"spam" from a CSV column) to class ids 0..C-1 and back, with the
// classes in sorted order as sklearn.preprocessing.LabelEncoder, so the ids do not depend on the data's row order.
package dev.kindling.data;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * String labels to int64 class ids.
 *
 * <p>Example:
 * <pre>{@code
 * var enc = new LabelEncoder().fit(table.column("label"));   // classes() = [ham, spam]
 * Tensor y = enc.transform(table.column("label"));           // [N] int64
 * }</pre>
 */
public final class LabelEncoder {
    /** Unicode code point order, as NumPy sorts strings (String.compareTo would compare UTF-16 units). */
    private static final Comparator<String> CODE_POINT_ORDER = (a, b) -> Arrays.compare(a.codePoints().toArray(),
            b.codePoints().toArray());

    private List<String> classes;
    private Map<String, Integer> ids;

    /** An unfitted encoder. */
    public LabelEncoder() {}

    /** A fitted encoder with the given classes (sorted, distinct), e.g. restored from a checkpoint. */
    public static LabelEncoder of(List<String> classes) {
        LabelEncoder e = new LabelEncoder();
        e.setClasses(new ArrayList<>(classes));
        for (int i = 1; i < classes.size(); i++) {
            if (CODE_POINT_ORDER.compare(classes.get(i - 1), classes.get(i)) >= 0) throw new IllegalArgumentException(
                    "LabelEncoder.of: classes must be distinct and sorted, got '" + classes.get(i - 1) + "' before '"
                    + classes.get(i) + "'");
        }
        return e;
    }

    /** Learns the distinct labels, sorted; class id i is {@code classes().get(i)}. */
    public LabelEncoder fit(Collection<String> labels) {
        TreeSet<String> set = new TreeSet<>(CODE_POINT_ORDER);
        int i = 0;
        for (String s : labels) {
            if (s == null) throw new IllegalArgumentException("LabelEncoder.fit: label at position " + i + " is null");
            set.add(s);
            i++;
        }
        setClasses(new ArrayList<>(set));
        return this;
    }

    private void setClasses(List<String> cs) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < cs.size(); i++) {
            if (cs.get(i) == null) throw new IllegalArgumentException("LabelEncoder: class " + i + " is null");
            m.put(cs.get(i), i);
        }
        this.classes = List.copyOf(cs);
        this.ids = m;
    }

    /**
     * The class ids of {@code labels}: int64 {@code [N]}.
     *
     * @throws IllegalArgumentException for a label not seen by {@link #fit(Collection)}
     */
    public Tensor transform(List<String> labels) {
        requireFitted("transform");
        long[] out = new long[labels.size()];
        for (int i = 0; i < out.length; i++) out[i] = id(labels.get(i), i);
        return Tensor.ofLongs(out, out.length);
    }

    /** {@code fit(labels)} then {@code transform(labels)}. */
    public Tensor fitTransform(List<String> labels) {
        return fit(labels).transform(labels);
    }

    /** The class id of one label. */
    public int id(String label) {
        requireFitted("id");
        return id(label, -1);
    }

    private int id(String label, int position) {
        Integer id = label == null ? null : ids.get(label);
        if (id == null) throw new IllegalArgumentException("LabelEncoder.transform: unknown label "
                + (label == null ? "null" : "'" + label + "'") + (position >= 0 ? " at position " + position : "")
                + "; the encoder was fitted on " + classes.size() + " classes " + preview());
        return id;
    }

    /** The labels of int64 class ids (any shape, flattened in row-major order). */
    public List<String> inverseTransform(Tensor ids) {
        requireFitted("inverseTransform");
        if (ids.dtype() != DType.INT64) throw new IllegalArgumentException("LabelEncoder.inverseTransform: expected "
                + "int64 class ids, got " + ids.dtype() + " with shape " + Arrays.toString(ids.shape()));
        long[] v = ids.toLongArray();
        List<String> out = new ArrayList<>(v.length);
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= classes.size()) throw new IndexOutOfBoundsException("LabelEncoder.inverseTransform:"
                    + " class id " + v[i] + " at position " + i + " is out of range for " + classes.size() + " classes");
            out.add(classes.get((int) v[i]));
        }
        return out;
    }

    /** The classes in id order (sorted by code point), unmodifiable. */
    public List<String> classes() {
        requireFitted("classes");
        return classes;
    }

    /** Number of classes. */
    public int numClasses() {
        requireFitted("numClasses");
        return classes.size();
    }

    /** True once fitted. */
    public boolean isFitted() {
        return classes != null;
    }

    private void requireFitted(String op) {
        if (classes == null) throw new IllegalStateException("LabelEncoder." + op + ": the encoder is not fitted; "
                + "call fit(labels) first");
    }

    private String preview() {
        return classes.size() <= 20 ? classes.toString() : classes.subList(0, 20) + " (first 20)";
    }

    @Override
    public String toString() {
        return "LabelEncoder(" + (classes == null ? "not fitted" : preview()) + ")";
    }
}
