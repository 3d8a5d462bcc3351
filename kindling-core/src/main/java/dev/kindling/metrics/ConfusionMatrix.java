// ConfusionMatrix: counts of (true class, predicted class) pairs, accumulated batch by batch, with the
// per-class precision / recall / F1 / support and macro, micro and weighted averages of scikit-learn's
// classification_report, a text table, and a heat-map image (SVG or PNG) with the count in each cell.
package dev.kindling.metrics;

import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Multi-class confusion matrix; rows are true classes, columns predicted classes (scikit-learn's layout).
 *
 * <p>Averages follow scikit-learn: a ratio with a zero denominator is 0; macro averages take the classes that
 * occur in the targets or the predictions; micro averages pool all counts (for single-label data they all equal
 * the accuracy); weighted averages weight each class by its support.
 *
 * <p>Example:
 * <pre>{@code
 * var cm = ConfusionMatrix.of(logits, labels, 3, List.of("cat", "dog", "bird"));   // [N, 3], [N]
 * System.out.println(cm.toText());
 * cm.writePng(Path.of("confusion.png"));
 * }</pre>
 */
public final class ConfusionMatrix {
    private static final int CELL_MIN = 48, CELL_MAX = 120, FONT = 12, MARGIN = 16;

    private final int numClasses;
    private final List<String> names;
    private final long[][] counts;   // [true][predicted]

    /** An empty matrix over classes {@code 0 .. numClasses-1}, named by their index. */
    public ConfusionMatrix(int numClasses) {
        this(numClasses, null);
    }

    /** An empty matrix; {@code classNames} (null for "0", "1", ...) must have {@code numClasses} entries. */
    public ConfusionMatrix(int numClasses, List<String> classNames) {
        if (numClasses < 1) throw new IllegalArgumentException("ConfusionMatrix: numClasses must be >= 1, got " + numClasses);
        if (classNames != null && classNames.size() != numClasses) throw new IllegalArgumentException(
                "ConfusionMatrix: " + classNames.size() + " class names given for " + numClasses + " classes");
        this.numClasses = numClasses;
        List<String> n = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) n.add(classNames == null ? Integer.toString(i) : String.valueOf(classNames.get(i)));
        this.names = List.copyOf(n);
        this.counts = new long[numClasses][numClasses];
    }

    /** A matrix filled from model outputs (class scores {@code [N, C]} or predictions) and labels; see {@link Metrics}. */
    public static ConfusionMatrix of(Tensor logitsOrPred, Tensor target, int numClasses, List<String> classNames) {
        ConfusionMatrix cm = new ConfusionMatrix(numClasses, classNames);
        cm.update(logitsOrPred, target);
        return cm;
    }

    /** A matrix filled from predicted and true class indices of the same length. */
    public static ConfusionMatrix of(long[] predicted, long[] actual, int numClasses, List<String> classNames) {
        if (predicted.length != actual.length) throw new IllegalArgumentException("ConfusionMatrix.of: "
                + predicted.length + " predictions but " + actual.length + " labels");
        ConfusionMatrix cm = new ConfusionMatrix(numClasses, classNames);
        for (int i = 0; i < predicted.length; i++) cm.add(actual[i], predicted[i]);
        return cm;
    }

    /** Adds a batch of outputs and labels (decoded as in {@link Metrics}). */
    public void update(Tensor logitsOrPred, Tensor target) {
        long[][] pa = Metrics.classes("ConfusionMatrix", logitsOrPred, target);
        for (int i = 0; i < pa[0].length; i++) add(pa[1][i], pa[0][i]);
    }

    /** Counts one sample of true class {@code actual} predicted as {@code predicted}. */
    public void add(long actual, long predicted) {
        if (actual < 0 || actual >= numClasses) throw new IndexOutOfBoundsException("ConfusionMatrix: label " + actual
                + " is out of range for " + numClasses + " classes");
        if (predicted < 0 || predicted >= numClasses) throw new IndexOutOfBoundsException("ConfusionMatrix: prediction "
                + predicted + " is out of range for " + numClasses + " classes");
        counts[(int) actual][(int) predicted]++;
    }

    /** Clears all counts. */
    public void reset() {
        for (long[] row : counts) java.util.Arrays.fill(row, 0);
    }

    public int numClasses() {
        return numClasses;
    }

    public List<String> classNames() {
        return names;
    }

    /** Samples of true class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public long[][] counts() {
        long[][] out = new long[numClasses][];
        for (int i = 0; i < numClasses; i++) out[i] = counts[i].clone();
        return out;
    }

    /** All samples counted. */
    public long total() {
        long t = 0;
        for (long[] row : counts) for (long c : row) t += c;
        return t;
    }

    /** Samples whose true class is {@code c}. */
    public long support(int c) {
        long s = 0;
        for (long v : counts[c]) s += v;
        return s;
    }

    /** Samples predicted as class {@code c}. */
    public long predictedCount(int c) {
        long s = 0;
        for (long[] row : counts) s += row[c];
        return s;
    }

    /** Fraction on the diagonal (NaN when empty). */
    public double accuracy() {
        long t = total(), d = 0;
        for (int i = 0; i < numClasses; i++) d += counts[i][i];
        return t == 0 ? Double.NaN : (double) d / t;
    }

    /** TP / (TP + FP) of class {@code c}; 0 when nothing was predicted as {@code c}. */
    public double precision(int c) {
        return ratio(counts[c][c], predictedCount(c));
    }

    /** TP / (TP + FN) of class {@code c}; 0 when class {@code c} has no sample. */
    public double recall(int c) {
        return ratio(counts[c][c], support(c));
    }

    /** Harmonic mean of precision and recall of class {@code c}: 2·TP / (2·TP + FP + FN); 0 when undefined. */
    public double f1(int c) {
        long tp = counts[c][c];
        return ratio(2 * tp, support(c) + predictedCount(c));
    }

    public double macroPrecision() {
        return macro(0);
    }

    public double macroRecall() {
        return macro(1);
    }

    public double macroF1() {
        return macro(2);
    }

    /** Pooled TP / (TP + FP); equals the accuracy for single-label data. */
    public double microPrecision() {
        return microRatio();
    }

    public double microRecall() {
        return microRatio();
    }

    public double microF1() {
        return microRatio();
    }

    /** Support-weighted mean of per-class F1. */
    public double weightedF1() {
        return weighted(2);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    /** Per-class precision (kind 0), recall (1) or F1 (2) from row sums (support) and column sums (predicted). */
    private double perClass(int kind, int c, long support, long predicted) {
        long tp = counts[c][c];
        return switch (kind) {
            case 0 -> ratio(tp, predicted);
            case 1 -> ratio(tp, support);
            default -> ratio(2 * tp, support + predicted);
        };
    }

    /** {@code [0][c]}: support of class c; {@code [1][c]}: samples predicted as c. One pass, O(C²). */
    private long[][] marginals() {
        long[][] m = new long[2][numClasses];
        for (int i = 0; i < numClasses; i++) {
            for (int j = 0; j < numClasses; j++) {
                m[0][i] += counts[i][j];
                m[1][j] += counts[i][j];
            }
        }
        return m;
    }

    /** Mean over the classes present in labels or predictions (scikit-learn's unique_labels). */
    private double macro(int kind) {
        long[][] m = marginals();
        double s = 0;
        int present = 0;
        for (int c = 0; c < numClasses; c++) {
            if (m[0][c] == 0 && m[1][c] == 0) continue;
            s += perClass(kind, c, m[0][c], m[1][c]);
            present++;
        }
        return present == 0 ? Double.NaN : s / present;
    }

    private double weighted(int kind) {
        long t = total();
        if (t == 0) return Double.NaN;
        long[][] m = marginals();
        double s = 0;
        for (int c = 0; c < numClasses; c++) s += perClass(kind, c, m[0][c], m[1][c]) * m[0][c];
        return s / t;
    }

    private double microRatio() {
        long t = total();
        if (t == 0) return Double.NaN;
        long tp = 0;
        for (int c = 0; c < numClasses; c++) tp += counts[c][c];
        return (double) tp / t;   // Σ(TP+FP) = Σ(TP+FN) = total for single-label data
    }

    // ---------------------------------------------------------------- text

    /** The matrix and a scikit-learn style classification report, 4 decimals. */
    public String toText() {
        int nameW = "weighted avg".length();
        for (String n : names) nameW = Math.max(nameW, n.length());
        long max = 1;
        for (long[] row : counts) for (long c : row) max = Math.max(max, c);
        int cellW = Long.toString(max).length();
        for (String n : names) cellW = Math.max(cellW, n.length());
        cellW += 2;
        StringBuilder sb = new StringBuilder();
        sb.append("Confusion matrix (rows: true class, columns: predicted class)\n");
        sb.append(pad("", nameW, false));
        for (String n : names) sb.append(pad(n, cellW, true));
        sb.append('\n');
        for (int i = 0; i < numClasses; i++) {
            sb.append(pad(names.get(i), nameW, true));
            for (int j = 0; j < numClasses; j++) sb.append(pad(Long.toString(counts[i][j]), cellW, true));
            sb.append('\n');
        }
        sb.append('\n');
        String row = "%" + nameW + "s %10s %10s %10s %10s%n";
        sb.append(String.format(Locale.ROOT, row, "", "precision", "recall", "f1-score", "support"));
        for (int c = 0; c < numClasses; c++)
            sb.append(String.format(Locale.ROOT, row, names.get(c), f4(precision(c)), f4(recall(c)), f4(f1(c)), support(c)));
        long t = total();
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, row, "accuracy", "", "", f4(accuracy()), t));
        sb.append(String.format(Locale.ROOT, row, "macro avg", f4(macro(0)), f4(macro(1)), f4(macro(2)), t));
        sb.append(String.format(Locale.ROOT, row, "micro avg", f4(microRatio()), f4(microRatio()), f4(microRatio()), t));
        sb.append(String.format(Locale.ROOT, row, "weighted avg", f4(weighted(0)), f4(weighted(1)), f4(weighted(2)), t));
        return sb.toString();
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pad(String s, int w, boolean right) {
        if (s.length() >= w) return s;
        String fill = " ".repeat(w - s.length());
        return right ? fill + s : s + fill;
    }

    // ---------------------------------------------------------------- image

    private int cellSize() {
        int longest = 1;
        for (String n : names) longest = Math.max(longest, n.length());
        return (int) Math.max(CELL_MIN, Math.min(CELL_MAX, Canvas.textWidth("x".repeat(longest), FONT - 1) + 10));
    }

    private int leftMargin() {
        double longest = 0;
        for (String n : names) longest = Math.max(longest, Canvas.textWidth(label(n), FONT));
        return (int) Math.ceil(MARGIN + 2 * FONT + longest + 8);
    }

    private String label(String n) {
        int maxChars = (int) ((CELL_MAX - 10) / ((FONT - 1) * 0.6));
        return n.length() <= maxChars ? n : n.substring(0, maxChars - 1) + "…";
    }

    /** Width in pixels of {@link #toSvg()} and {@link #writePng(Path)}. */
    public int imageWidth() {
        return Math.max(leftMargin() + numClasses * cellSize() + MARGIN, titleWidth() + 2 * MARGIN);
    }

    private String title() {
        return "Confusion matrix (n=" + total() + ")";
    }

    /** Estimated width of the bold title (about 0.62 em per character), so a 2-class image does not clip it. */
    private int titleWidth() {
        return (int) Math.ceil(title().length() * (FONT + 2) * 0.62);
    }

    /** Height in pixels of {@link #toSvg()} and {@link #writePng(Path)}. */
    public int imageHeight() {
        return MARGIN + 2 * FONT + 8 + numClasses * cellSize() + 2 * FONT + 16 + MARGIN;
    }

    /** The heat map: one cell per (true, predicted) pair, shaded by its count relative to the largest, count inside. */
    public Canvas toCanvas() {
        int cell = cellSize(), left = leftMargin(), top = MARGIN + 2 * FONT + 8;
        Canvas c = new Canvas(imageWidth(), imageHeight());
        int gridW = numClasses * cell;
        double titleX = Math.min(Math.max(left + gridW / 2.0, MARGIN + titleWidth() / 2.0),
                imageWidth() - MARGIN - titleWidth() / 2.0);
        c.text(titleX, MARGIN + FONT + 2, title(), FONT + 2, 0x222222,
                Canvas.Anchor.MIDDLE, true, false);
        long max = 0;
        for (long[] row : counts) for (long v : row) max = Math.max(max, v);
        for (int i = 0; i < numClasses; i++) {
            for (int j = 0; j < numClasses; j++) {
                double f = max == 0 ? 0 : (double) counts[i][j] / max;
                c.rect(left + j * cell, top + i * cell, cell, cell, blues(f), 0xffffff);
                c.text(left + j * cell + cell / 2.0, top + i * cell + cell / 2.0 + FONT * 0.35, Long.toString(counts[i][j]),
                        FONT, f > 0.5 ? 0xffffff : 0x111111, Canvas.Anchor.MIDDLE);
            }
            c.text(left - 6, top + i * cell + cell / 2.0 + FONT * 0.35, label(names.get(i)), FONT, 0x222222,
                    Canvas.Anchor.END);
            c.text(left + i * cell + cell / 2.0, top + gridW + FONT + 4, label(names.get(i)), FONT - 1, 0x222222,
                    Canvas.Anchor.MIDDLE);
        }
        c.rect(left, top, gridW, gridW, Canvas.NONE, 0x888888);
        c.text(left + gridW / 2.0, top + gridW + 2 * FONT + 12, "Predicted class", FONT, 0x222222, Canvas.Anchor.MIDDLE);
        c.text(MARGIN + FONT, top + gridW / 2.0, "True class", FONT, 0x222222, Canvas.Anchor.MIDDLE, false, true);
        return c;
    }

    /** White to dark blue (matplotlib's "Blues" end points) for {@code f} in [0, 1]. */
    private static int blues(double f) {
        int r = (int) Math.round(247 + (8 - 247) * f), g = (int) Math.round(251 + (48 - 251) * f),
                b = (int) Math.round(255 + (107 - 255) * f);
        return (r << 16) | (g << 8) | b;
    }

    /** The heat map as an SVG document. */
    public String toSvg() {
        return toCanvas().toSvg();
    }

    /** Writes the heat map as SVG, atomically. */
    public void writeSvg(Path file) throws IOException {
        toCanvas().writeSvg(file);
    }

    /** Writes the heat map as PNG ({@link #imageWidth()} × {@link #imageHeight()}), atomically. */
    public void writePng(Path file) throws IOException {
        toCanvas().writePng(file);
    }

    @Override
    public String toString() {
        return toText();
    }
}
