// CurvePlotter: draws a run's learning curves — one panel per logged quantity (loss, accuracy, ...) with the
// training and validation values per epoch — as SVG and PNG after training, with no plotting dependency.
package dev.kindling.train;

import dev.kindling.metrics.Canvas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Learning-curve plots of a {@link History}.
 *
 * <p>Example: {@code new CurvePlotter()} writes {@code curves.svg} and {@code curves.png} to the trainer's output
 * directory when training ends; {@code CurvePlotter.plot(history).writePng(path)} draws any history.
 */
public final class CurvePlotter implements Callback {
    /** Default file names in the output directory. */
    public static final String SVG = "curves.svg", PNG = "curves.png";
    /** Size of one panel in pixels. */
    public static final int PANEL_WIDTH = 420, PANEL_HEIGHT = 300;
    private static final int PER_ROW = 3, LEFT = 64, RIGHT = 16, TOP = 34, BOTTOM = 44;
    private static final int TRAIN_COLOR = 0x1f77b4, VAL_COLOR = 0xff7f0e, GRID = 0xe5e5e5, INK = 0x222222;

    private final Path svg, png;
    private final boolean inOutputDir;

    /** {@code curves.svg} and {@code curves.png} in the trainer's output directory (which must be set). */
    public CurvePlotter() {
        this.svg = Path.of(SVG);
        this.png = Path.of(PNG);
        this.inOutputDir = true;
    }

    /** The given files; either may be null to skip that format. */
    public CurvePlotter(Path svg, Path png) {
        if (svg == null && png == null) throw new IllegalArgumentException("CurvePlotter: both paths are null");
        this.svg = svg;
        this.png = png;
        this.inOutputDir = false;
    }

    @Override
    public void onTrainBegin(TrainContext ctx) {
        if (inOutputDir && ctx.outputDir() == null) throw new IllegalArgumentException("CurvePlotter: the trainer has no "
                + "output directory; set Trainer.builder().outputDir(...) or pass explicit paths");
    }

    @Override
    public void onTrainEnd(TrainContext ctx, History history) {
        if (history.isEmpty()) return;
        Canvas c = plot(history);
        try {
            if (svg != null) c.writeSvg(inOutputDir ? ctx.outputDir().resolve(svg) : svg);
            if (png != null) c.writePng(inOutputDir ? ctx.outputDir().resolve(png) : png);
        } catch (IOException e) {
            throw new UncheckedIOException("CurvePlotter: cannot write the curves: " + e.getMessage(), e);
        }
    }

    /** The quantities plotted: every logged key except epoch, lr and time_s, with val_x folded into x. */
    public static List<String> panels(History history) {
        Set<String> keys = history.keys();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String k : keys) {
            if (k.equals("epoch") || k.equals("lr") || k.equals("time_s")) continue;
            out.add(k.startsWith("val_") ? k.substring(4) : k);
        }
        return new ArrayList<>(out);
    }

    /**
     * Draws one panel per quantity ({@link #panels}), three per row, each {@link #PANEL_WIDTH} x
     * {@link #PANEL_HEIGHT} pixels: training values in blue, validation values in orange, by epoch.
     */
    public static Canvas plot(History history) {
        List<String> names = panels(history);
        if (names.isEmpty()) throw new IllegalArgumentException("CurvePlotter: the history has nothing to plot "
                + "(keys " + history.keys() + ")");
        int cols = Math.min(PER_ROW, names.size()), rows = (names.size() + PER_ROW - 1) / PER_ROW;
        Canvas c = new Canvas(cols * PANEL_WIDTH, rows * PANEL_HEIGHT);
        List<Double> epochs = history.keys().contains("epoch") ? history.get("epoch") : null;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            double[] x = new double[history.size()];
            for (int e = 0; e < x.length; e++) x[e] = epochs == null ? e + 1 : epochs.get(e);
            double[] train = values(history, name), val = values(history, "val_" + name);
            panel(c, (i % PER_ROW) * PANEL_WIDTH, (i / PER_ROW) * PANEL_HEIGHT, name, x, train, val);
        }
        return c;
    }

    private static double[] values(History h, String key) {
        if (!h.keys().contains(key)) return null;
        List<Double> l = h.get(key);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = l.get(i);
        return out;
    }

    private static void panel(Canvas c, double ox, double oy, String name, double[] x, double[] train, double[] val) {
        double px = ox + LEFT, py = oy + TOP, pw = PANEL_WIDTH - LEFT - RIGHT, ph = PANEL_HEIGHT - TOP - BOTTOM;
        double xMin = x[0], xMax = x[x.length - 1];
        if (xMax <= xMin) {
            xMin -= 0.5;
            xMax += 0.5;
        }
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (double[] s : new double[][] {train, val}) {
            if (s == null) continue;
            for (double v : s) if (Double.isFinite(v)) {
                yMin = Math.min(yMin, v);
                yMax = Math.max(yMax, v);
            }
        }
        if (yMin > yMax) {
            yMin = 0;
            yMax = 1;
        } else if (yMax - yMin < 1e-12 * Math.max(1, Math.abs(yMax))) {
            double pad = Math.max(Math.abs(yMax) * 0.1, 1e-6);
            yMin -= pad;
            yMax += pad;
        }
        double yStep = niceStep((yMax - yMin) / 5);
        yMin = Math.floor(yMin / yStep) * yStep;
        yMax = Math.ceil(yMax / yStep) * yStep;
        final double x0 = xMin, x1 = xMax, y0 = yMin, y1 = yMax;
        java.util.function.DoubleUnaryOperator sx = v -> px + (v - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator sy = v -> py + ph - (v - y0) / (y1 - y0) * ph;

        c.text(px + pw / 2, oy + 22, name, 14, INK, Canvas.Anchor.MIDDLE, true, false);
        int decimals = (int) Math.max(0, Math.min(8, -Math.floor(Math.log10(yStep) + 1e-9)));
        int yTicks = (int) Math.round((yMax - yMin) / yStep);
        for (int k = 0; k <= yTicks; k++) {
            double v = yMin + k * yStep;
            if (Math.abs(v) < yStep * 1e-9) v = 0;   // no "1e-17" label from rounding
            double y = sy.applyAsDouble(v);
            c.line(px, y, px + pw, y, GRID, 1);
            c.text(px - 6, y + 4, tick(v, decimals), 11, INK, Canvas.Anchor.END);
        }
        double xStep = Math.max(1, niceStep((xMax - xMin) / 8));
        for (double v = Math.ceil(xMin / xStep) * xStep; v <= xMax + 1e-9; v += xStep) {
            double xx = sx.applyAsDouble(v);
            c.line(xx, py + ph, xx, py + ph + 4, INK, 1);
            c.text(xx, py + ph + 17, tick(v, 0), 11, INK, Canvas.Anchor.MIDDLE);
        }
        c.rect(px, py, pw, ph, Canvas.NONE, 0x888888);
        c.text(px + pw / 2, py + ph + 34, "epoch", 12, INK, Canvas.Anchor.MIDDLE);

        boolean dots = x.length <= 40;
        if (train != null) series(c, x, train, sx, sy, TRAIN_COLOR, dots);
        if (val != null) series(c, x, val, sx, sy, VAL_COLOR, dots);
        // Legend in the top-right corner, or bottom-right when the curves end high (accuracy-like).
        int entries = (train != null ? 1 : 0) + (val != null ? 1 : 0);
        double boxH = 8 + 18 * entries, boxX = px + pw - 78, boxY = py + 6;
        if (endsHigh(train, y0, y1) || endsHigh(val, y0, y1)) boxY = py + ph - 6 - boxH;
        c.rect(boxX, boxY, 72, boxH, 0xffffff, 0xcccccc);
        double legendY = boxY + 18;
        if (train != null) {
            legend(c, boxX + 8, legendY, "train", TRAIN_COLOR);
            legendY += 18;
        }
        if (val != null) legend(c, boxX + 8, legendY, "val", VAL_COLOR);
    }

    /** True when the last finite value lies in the top third of [lo, hi]. */
    private static boolean endsHigh(double[] s, double lo, double hi) {
        if (s == null) return false;
        for (int i = s.length - 1; i >= 0; i--) if (Double.isFinite(s[i])) return (s[i] - lo) / (hi - lo) > 2.0 / 3;
        return false;
    }

    /** Polyline through the finite points (a NaN breaks the line), plus a dot per point on short runs. */
    private static void series(Canvas c, double[] x, double[] y, java.util.function.DoubleUnaryOperator sx,
                               java.util.function.DoubleUnaryOperator sy, int color, boolean dots) {
        List<double[]> seg = new ArrayList<>();
        for (int i = 0; i <= y.length; i++) {
            if (i < y.length && Double.isFinite(y[i])) {
                seg.add(new double[] {sx.applyAsDouble(x[i]), sy.applyAsDouble(y[i])});
                continue;
            }
            if (seg.size() > 1) {
                double[] xs = new double[seg.size()], ys = new double[seg.size()];
                for (int j = 0; j < xs.length; j++) {
                    xs[j] = seg.get(j)[0];
                    ys[j] = seg.get(j)[1];
                }
                c.polyline(xs, ys, color, 2, false);
            }
            if (dots || seg.size() == 1) for (double[] p : seg) c.dot(p[0], p[1], 3, color);
            seg.clear();
        }
    }

    private static void legend(Canvas c, double x, double y, String label, int color) {
        c.line(x, y - 4, x + 18, y - 4, color, 2);
        c.text(x + 24, y, label, 12, INK, Canvas.Anchor.START);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || Double.isInfinite(raw)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    private static String tick(double v, int decimals) {
        if (Math.abs(v) >= 1e6 || (v != 0 && Math.abs(v) < 1e-4)) return String.format(Locale.ROOT, "%.2e", v);
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.equals("-0") || s.matches("-0\\.0*") ? s.substring(1) : s;
    }
}
