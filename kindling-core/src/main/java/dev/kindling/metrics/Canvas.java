// Canvas: a tiny retained-mode drawing (rectangles, lines, polylines, dots, text) that renders the same
// picture as hand-written SVG or as a PNG through java.awt (headless). Charts (confusion matrices, training
// curves) draw once and get both formats; files are written atomically (temp file + rename).
package dev.kindling.metrics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A fixed-size drawing with one output per format: {@link #toSvg()} and {@link #toImage()}.
 * Coordinates are pixels from the top-left corner; colours are {@code 0xRRGGBB}; text sizes are pixels and
 * text {@code y} is the baseline.
 *
 * <p>Example:
 * <pre>{@code
 * Canvas c = new Canvas(200, 100);
 * c.line(10, 90, 190, 10, 0x1f77b4, 2);
 * c.text(100, 20, "loss", 12, 0x000000, Canvas.Anchor.MIDDLE);
 * c.writeSvg(Path.of("plot.svg"));
 * c.writePng(Path.of("plot.png"));
 * }</pre>
 */
public final class Canvas {
    /** Colour value meaning "do not fill" or "do not stroke". */
    public static final int NONE = -1;

    /** Horizontal alignment of text relative to its x coordinate. */
    public enum Anchor { START, MIDDLE, END }

    private sealed interface Item permits Rect, Poly, Dot, Text {}

    private record Rect(double x, double y, double w, double h, int fill, int stroke) implements Item {}

    private record Poly(double[] xs, double[] ys, int color, double width, boolean dashed) implements Item {}

    private record Dot(double cx, double cy, double r, int fill) implements Item {}

    private record Text(double x, double y, String s, double size, int color, Anchor anchor, boolean bold,
                        boolean vertical) implements Item {}

    private final int width, height;
    private final List<Item> items = new ArrayList<>();

    /** An empty white canvas of {@code width × height} pixels. */
    public Canvas(int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height > 100_000_000L) throw new IllegalArgumentException(
                "Canvas: size must be positive and at most 100 megapixels, got " + width + "x" + height);
        this.width = width;
        this.height = height;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** Axis-aligned rectangle; {@code fill} or {@code stroke} may be {@link #NONE}. */
    public Canvas rect(double x, double y, double w, double h, int fill, int stroke) {
        items.add(new Rect(x, y, w, h, fill, stroke));
        return this;
    }

    /** Straight line of {@code width} pixels. */
    public Canvas line(double x1, double y1, double x2, double y2, int color, double width) {
        return polyline(new double[] {x1, x2}, new double[] {y1, y2}, color, width, false);
    }

    /** Connected line through the points; {@code dashed} draws 6-pixel dashes. */
    public Canvas polyline(double[] xs, double[] ys, int color, double width, boolean dashed) {
        if (xs.length != ys.length) throw new IllegalArgumentException("Canvas.polyline: " + xs.length
                + " x values but " + ys.length + " y values");
        items.add(new Poly(xs.clone(), ys.clone(), color, width, dashed));
        return this;
    }

    /** Filled circle. */
    public Canvas dot(double cx, double cy, double r, int fill) {
        items.add(new Dot(cx, cy, r, fill));
        return this;
    }

    /** Text with its baseline at {@code y}. */
    public Canvas text(double x, double y, String s, double size, int color, Anchor anchor) {
        return text(x, y, s, size, color, anchor, false, false);
    }

    /** Text, optionally bold, optionally rotated 90° counter-clockwise around {@code (x, y)} (reads bottom-up). */
    public Canvas text(double x, double y, String s, double size, int color, Anchor anchor, boolean bold,
                       boolean vertical) {
        items.add(new Text(x, y, s, size, color, anchor, bold, vertical));
        return this;
    }

    /** Rough width of {@code s} in pixels at {@code size}, for layout before rendering (sans-serif average). */
    public static double textWidth(String s, double size) {
        return s.length() * size * 0.6;
    }

    // ---------------------------------------------------------------- SVG

    /** The picture as a standalone SVG 1.1 document. */
    public String toSvg() {
        StringBuilder sb = new StringBuilder(256 + items.size() * 96);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" fill=\"#ffffff\"/>\n");
        for (Item it : items) {
            switch (it) {
                case Rect r -> sb.append("<rect x=\"").append(num(r.x)).append("\" y=\"").append(num(r.y))
                        .append("\" width=\"").append(num(r.w)).append("\" height=\"").append(num(r.h))
                        .append("\" fill=\"").append(r.fill == NONE ? "none" : hex(r.fill)).append('"')
                        .append(r.stroke == NONE ? "" : " stroke=\"" + hex(r.stroke) + "\"").append("/>\n");
                case Poly p -> {
                    sb.append("<polyline fill=\"none\" stroke=\"").append(hex(p.color)).append("\" stroke-width=\"")
                            .append(num(p.width)).append('"').append(p.dashed ? " stroke-dasharray=\"6 4\"" : "")
                            .append(" stroke-linejoin=\"round\" points=\"");
                    for (int i = 0; i < p.xs.length; i++)
                        sb.append(i == 0 ? "" : " ").append(num(p.xs[i])).append(',').append(num(p.ys[i]));
                    sb.append("\"/>\n");
                }
                case Dot d -> sb.append("<circle cx=\"").append(num(d.cx)).append("\" cy=\"").append(num(d.cy))
                        .append("\" r=\"").append(num(d.r)).append("\" fill=\"").append(hex(d.fill)).append("\"/>\n");
                case Text t -> {
                    sb.append("<text x=\"").append(num(t.x)).append("\" y=\"").append(num(t.y))
                            .append("\" font-size=\"").append(num(t.size)).append("\" fill=\"").append(hex(t.color))
                            .append("\" text-anchor=\"").append(switch (t.anchor) {
                                case START -> "start";
                                case MIDDLE -> "middle";
                                case END -> "end";
                            }).append('"');
                    if (t.bold) sb.append(" font-weight=\"bold\"");
                    if (t.vertical) sb.append(" transform=\"rotate(-90 ").append(num(t.x)).append(' ')
                            .append(num(t.y)).append(")\"");
                    sb.append('>');
                    escapeXml(t.s, sb);
                    sb.append("</text>\n");
                }
            }
        }
        return sb.append("</svg>\n").toString();
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
    }

    private static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xffffff);
    }

    private static void escapeXml(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> {
                    // XML 1.0 forbids most control characters even when escaped; show them as '?'.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') sb.append('?');
                    else sb.append(c);
                }
            }
        }
    }

    // ---------------------------------------------------------------- raster

    /**
     * The picture as an RGB image. Sets {@code java.awt.headless=true} first unless the application chose a
     * value, so it works on servers without a display. If the JDK finds no font, text is left out and the
     * shapes are still drawn.
     */
    public BufferedImage toImage() {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            boolean fonts = true;
            for (Item it : items) {
                switch (it) {
                    case Rect r -> {
                        var shape = new Rectangle2D.Double(r.x, r.y, r.w, r.h);
                        if (r.fill != NONE) {
                            g.setColor(new Color(r.fill));
                            g.fill(shape);
                        }
                        if (r.stroke != NONE) {
                            g.setColor(new Color(r.stroke));
                            g.setStroke(new BasicStroke(1f));
                            g.draw(shape);
                        }
                    }
                    case Poly p -> {
                        g.setColor(new Color(p.color));
                        g.setStroke(p.dashed
                                ? new BasicStroke((float) p.width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                                        new float[] {6f, 4f}, 0f)
                                : new BasicStroke((float) p.width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                        if (p.xs.length == 2) {
                            g.draw(new Line2D.Double(p.xs[0], p.ys[0], p.xs[1], p.ys[1]));
                        } else if (p.xs.length > 2) {
                            Path2D.Double path = new Path2D.Double();
                            path.moveTo(p.xs[0], p.ys[0]);
                            for (int i = 1; i < p.xs.length; i++) path.lineTo(p.xs[i], p.ys[i]);
                            g.draw(path);
                        }
                    }
                    case Dot d -> {
                        g.setColor(new Color(d.fill));
                        g.fill(new Ellipse2D.Double(d.cx - d.r, d.cy - d.r, 2 * d.r, 2 * d.r));
                    }
                    case Text t -> {
                        if (fonts) fonts = drawText(g, t);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Draws one text item; false when the JDK has no usable font (then all further text is skipped). */
    private static boolean drawText(Graphics2D g, Text t) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, t.bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) t.size));
            g.setColor(new Color(t.color));
            FontMetrics fm = g.getFontMetrics();
            double w = fm.stringWidth(t.s);
            double dx = switch (t.anchor) {
                case START -> 0;
                case MIDDLE -> -w / 2;
                case END -> -w;
            };
            if (t.vertical) {
                var saved = g.getTransform();
                g.rotate(-Math.PI / 2, t.x, t.y);
                g.drawString(t.s, (float) (t.x + dx), (float) t.y);
                g.setTransform(saved);
            } else {
                g.drawString(t.s, (float) (t.x + dx), (float) t.y);
            }
            return true;
        } catch (RuntimeException | Error noFont) {
            // Minimal JDK images without fontconfig or fonts fail here; the chart is still useful without labels.
            return false;
        }
    }

    /** PNG bytes of {@link #toImage()}. */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(toImage(), "png", out)) throw new IllegalStateException("Canvas: no PNG writer in ImageIO");
        } catch (IOException e) {
            throw new IllegalStateException("Canvas: encoding PNG failed", e);   // in-memory stream: not expected
        }
        return out.toByteArray();
    }

    /** Writes {@link #toSvg()} to {@code file} atomically. */
    public void writeSvg(Path file) throws IOException {
        writeAtomically(file, toSvg().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@link #toPng()} to {@code file} atomically. */
    public void writePng(Path file) throws IOException {
        writeAtomically(file, toPng());
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        dev.kindling.io.AtomicFiles.write(file, bytes);
    }
}
