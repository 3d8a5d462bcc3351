// Images: image files in and out (PNG/JPEG through javax.imageio, headless) as float tensors [C, H, W] in
// [0, 1], grayscale conversion, bilinear resizing, and the classic MNIST preprocessing (prepareDigit) so a
// user's own photo or drawing of a digit can be classified by a model trained on MNIST.
package dev.kindling.vision;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Image I/O and preprocessing. Tensors are float32 {@code [C, H, W]} with values in [0, 1]: C = 1 (gray),
 * 3 (RGB) or 4 (RGBA). Nothing here is recorded by autograd.
 *
 * <p>Example, classifying a photo of a handwritten digit:
 * <pre>{@code
 * Tensor digit = Images.prepareDigit(Path.of("seven.jpg"), 28);          // [1, 28, 28], white on black, centred
 * Tensor logits = model.forward(digit.unsqueeze(0));                     // [1, 10]
 * }</pre>
 */
public final class Images {
    static {
        // Image I/O needs no display; without this a server without X11 may fail to initialise AWT.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** ITU-R 601 luma weights, as torchvision's rgb_to_grayscale. */
    private static final float R = 0.2989f, G = 0.587f, B = 0.114f;

    private Images() {}

    // ---------------------------------------------------------------- files

    /**
     * Reads a PNG, JPEG, GIF or BMP file. Gray images give {@code [1, H, W]} (8- or 16-bit samples as they are),
     * colour images {@code [3, H, W]} (sRGB) or {@code [4, H, W]} with alpha.
     *
     * @throws IOException when the file cannot be read or no reader understands it
     */
    public static Tensor read(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException("Images.read: " + file + " is not an image format javax.imageio can "
                + "read (PNG, JPEG, GIF, BMP)");
        return fromImage(img);
    }

    /** A {@code BufferedImage} as a tensor {@code [C, H, W]} in [0, 1] (see {@link #read(Path)}). */
    public static Tensor fromImage(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth(), plane = h * w;
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !cm.hasAlpha() && raster.getNumBands() == 1) {
            // Read gray samples directly: getRGB would pass them through a linear-to-sRGB conversion.
            int[] s = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            float max = (1L << cm.getComponentSize(0)) - 1;
            float[] out = new float[plane];
            for (int i = 0; i < plane; i++) out[i] = s[i] / max;
            return Tensor.of(out, 1, h, w);
        }
        int c = cm.hasAlpha() ? 4 : 3;
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[c * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xFF) / 255f;
            out[plane + i] = ((p >> 8) & 0xFF) / 255f;
            out[2 * plane + i] = (p & 0xFF) / 255f;
            if (c == 4) out[3 * plane + i] = (p >>> 24) / 255f;
        }
        return Tensor.of(out, c, h, w);
    }

    /** A tensor {@code [C, H, W]} (C = 1, 3 or 4) or {@code [H, W]} as an 8-bit image; values clamped to [0, 1], rounded. */
    public static BufferedImage toImage(Tensor t) {
        int[] s = t.shape();
        if (t.dtype() != DType.FLOAT32 || (s.length != 2 && s.length != 3) || (s.length == 3 && s[0] != 1 && s[0] != 3
                && s[0] != 4)) throw new IllegalArgumentException("Images.toImage: expected a float32 image [C, H, W] "
                + "with C = 1, 3 or 4, or [H, W], got " + t.dtype() + " " + Shape.str(s));
        int c = s.length == 2 ? 1 : s[0], h = s[s.length - 2], w = s[s.length - 1], plane = h * w;
        float[] d = t.detach().contiguous().toFloatArray();
        if (c == 1) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            int[] px = new int[plane];
            for (int i = 0; i < plane; i++) px[i] = toByte(d[i]);
            WritableRaster r = img.getRaster();
            r.setSamples(0, 0, w, h, 0, px);
            return img;
        }
        BufferedImage img = new BufferedImage(w, h, c == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int a = c == 4 ? toByte(d[3 * plane + i]) : 255;
            argb[i] = a << 24 | toByte(d[i]) << 16 | toByte(d[plane + i]) << 8 | toByte(d[2 * plane + i]);
        }
        img.setRGB(0, 0, w, h, argb, 0, w);
        return img;
    }

    private static int toByte(float v) {
        return Math.round((Float.isNaN(v) ? 0 : Math.clamp(v, 0f, 1f)) * 255f);
    }

    /**
     * Writes {@code t} ({@code [C, H, W]} with C = 1, 3 or 4, or {@code [H, W]}) as PNG, or as JPEG when the name
     * ends in .jpg/.jpeg (no alpha). The file is written atomically (temporary file, then rename).
     */
    public static void write(Path file, Tensor t) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpg" : name.endsWith(".png") ? "png" : null;
        if (format == null) throw new IllegalArgumentException("Images.write: cannot tell the format of " + file
                + " (expected a .png, .jpg or .jpeg name)");
        if (format.equals("jpg") && t.dim() == 3 && t.size(0) == 4) throw new IllegalArgumentException("Images.write: "
                + "JPEG has no alpha channel; write " + file + " as PNG or drop the alpha channel");
        BufferedImage img = toImage(t);
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            if (!ImageIO.write(img, format, tmp.toFile())) throw new IOException("Images.write: no " + format
                    + " writer available");
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---------------------------------------------------------------- pixel operations

    /**
     * Luma {@code 0.2989 R + 0.587 G + 0.114 B} (torchvision's weights). An alpha channel is composited over
     * white first (how a viewer shows a transparent drawing). One channel is returned as is.
     *
     * <p>Shape: {@code [C, H, W] -> [1, H, W]} or {@code [N, C, H, W] -> [N, 1, H, W]}, C = 1, 3 or 4.
     */
    public static Tensor toGrayscale(Tensor t) {
        ImageBatch b = ImageBatch.of("Images.toGrayscale", t);
        if (b.c() == 1) return t;
        if (b.c() != 3 && b.c() != 4) throw new IllegalArgumentException("Images.toGrayscale: expected 1, 3 or 4 "
                + "channels, got shape " + Shape.str(t.shape()));
        int plane = b.plane();
        float[] d = b.data(), out = new float[b.n() * plane];
        for (int n = 0; n < b.n(); n++) {
            int base = n * b.sample();
            for (int i = 0; i < plane; i++) {
                float y = R * d[base + i] + G * d[base + plane + i] + B * d[base + 2 * plane + i];
                if (b.c() == 4) {
                    float a = d[base + 3 * plane + i];
                    y = a * y + (1 - a);
                }
                out[n * plane + i] = y;
            }
        }
        return b.unbatched() ? Tensor.of(out, 1, b.h(), b.w()) : Tensor.of(out, b.n(), 1, b.h(), b.w());
    }

    /**
     * Bilinear resize with PyTorch's {@code interpolate(mode='bilinear', align_corners=False)} sampling
     * (no antialiasing: for large reductions, prefer a model-independent downscale first).
     *
     * <p>Shape: {@code [C, H, W] -> [C, h, w]} or {@code [N, C, H, W] -> [N, C, h, w]}.
     */
    public static Tensor resize(Tensor t, int h, int w) {
        if (h < 1 || w < 1) throw new IllegalArgumentException("Images.resize: target size must be >= 1, got " + h
                + "x" + w);
        ImageBatch b = ImageBatch.of("Images.resize", t);
        return b.wrap(bilinear(b.data(), b.n() * b.c(), b.h(), b.w(), h, w), h, w);
    }

    /** Bilinear resampling of {@code planes} planes {@code [ih, iw] -> [oh, ow]}, PyTorch's align_corners=False. */
    static float[] bilinear(float[] in, int planes, int ih, int iw, int oh, int ow) {
        int[] y0 = new int[oh], y1 = new int[oh], x0 = new int[ow], x1 = new int[ow];
        float[] fy = new float[oh], fx = new float[ow];
        sourceIndex(ih, oh, y0, y1, fy);
        sourceIndex(iw, ow, x0, x1, fx);
        float[] out = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            int src = p * ih * iw, dst = p * oh * ow;
            for (int y = 0; y < oh; y++) {
                int r0 = src + y0[y] * iw, r1 = src + y1[y] * iw;
                float ly = fy[y];
                for (int x = 0; x < ow; x++) {
                    float lx = fx[x];
                    float top = (1 - lx) * in[r0 + x0[x]] + lx * in[r0 + x1[x]];
                    float bottom = (1 - lx) * in[r1 + x0[x]] + lx * in[r1 + x1[x]];
                    out[dst + y * ow + x] = (1 - ly) * top + ly * bottom;
                }
            }
        }
        return out;
    }

    private static void sourceIndex(int in, int out, int[] i0, int[] i1, float[] frac) {
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float src = Math.max(0f, (o + 0.5f) * scale - 0.5f);
            int lo = Math.min((int) src, in - 1);
            i0[o] = lo;
            i1[o] = Math.min(lo + 1, in - 1);
            frac[o] = src - lo;
        }
    }

    /** Area-average resampling (every input pixel weighted by its overlap with the output pixel): antialiased shrinking. */
    static float[] area(float[] in, int ih, int iw, int oh, int ow) {
        float[][] wy = overlap(ih, oh), wx = overlap(iw, ow);
        float[] rows = new float[oh * iw], out = new float[oh * ow];
        for (int y = 0; y < oh; y++)
            for (int sy = 0; sy < ih; sy++) {
                float a = wy[y][sy];
                if (a != 0) for (int x = 0; x < iw; x++) rows[y * iw + x] += a * in[sy * iw + x];
            }
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                float s = 0;
                for (int sx = 0; sx < iw; sx++) s += wx[x][sx] * rows[y * iw + sx];
                out[y * ow + x] = s;
            }
        return out;
    }

    /** {@code w[o][i]}: the share of output cell o covered by input cell i (rows sum to 1). */
    private static float[][] overlap(int in, int out) {
        float[][] w = new float[out][in];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double lo = o * scale, hi = (o + 1) * scale;
            for (int i = (int) Math.floor(lo); i < Math.min(in, (int) Math.ceil(hi)); i++)
                w[o][i] = (float) ((Math.min(hi, i + 1) - Math.max(lo, i)) / scale);
        }
        return w;
    }

    // ---------------------------------------------------------------- MNIST-style digits

    /** {@link #prepareDigit(BufferedImage, int)} on an image file. */
    public static Tensor prepareDigit(Path file, int size) throws IOException {
        return prepareDigit(read(file), size);
    }

    /** {@link #prepareDigit(Tensor, int)} on a {@code BufferedImage}. */
    public static Tensor prepareDigit(BufferedImage img, int size) {
        return prepareDigit(fromImage(img), size);
    }

    /**
     * The classic MNIST preprocessing of a picture of one digit ({@code [C, H, W]}, any size and colours):
     * grayscale; inverted when the background (the median of the border pixels) is light, since MNIST digits are
     * white on black; background level mapped to 0 and the brightest ink to 1; cropped to the bounding box of the
     * ink; scaled (area-averaged when shrinking, bilinear when enlarging) so the longer side is
     * {@code round(size * 20 / 28)} px; placed in a {@code size x size} black canvas with its centre of mass at the
     * centre (moved inwards if that would cut off ink).
     *
     * <p>Shape: {@code [C, H, W] -> [1, size, size]}, values in [0, 1].
     *
     * @throws IllegalArgumentException when the picture has no ink (a uniform image)
     */
    public static Tensor prepareDigit(Tensor image, int size) {
        if (size < 4) throw new IllegalArgumentException("Images.prepareDigit: size must be >= 4, got " + size);
        if (image.dim() != 3) throw new IllegalArgumentException("Images.prepareDigit: expected one image [C, H, W], "
                + "got shape " + Shape.str(image.shape()));
        Tensor gray = toGrayscale(image);
        int h = gray.size(1), w = gray.size(2);
        float[] v = gray.detach().contiguous().toFloatArray();
        float bg = borderMedian(v, h, w);
        if (bg > 0.5f) {   // dark ink on light paper: invert
            for (int i = 0; i < v.length; i++) v[i] = 1 - v[i];
            bg = 1 - bg;
        }
        float max = 0;
        for (float x : v) max = Math.max(max, x);
        if (max - bg < 1e-3f) throw new IllegalArgumentException("Images.prepareDigit: the image has no ink (it is "
                + "uniform); expected a picture of one digit");
        // Stretch background..max to 0..1 and drop the lowest 10% as paper noise.
        float span = max - bg;
        for (int i = 0; i < v.length; i++) v[i] = Math.clamp(((v[i] - bg) / span - 0.1f) / 0.9f, 0f, 1f);
        int top = h, bottom = -1, left = w, right = -1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (v[y * w + x] > 0.1f) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
        if (bottom < 0) throw new IllegalArgumentException("Images.prepareDigit: the image has no ink; expected a "
                + "picture of one digit");
        int bh = bottom - top + 1, bw = right - left + 1;
        float[] crop = new float[bh * bw];
        for (int y = 0; y < bh; y++) System.arraycopy(v, (top + y) * w + left, crop, y * bw, bw);
        int inner = Math.max(1, Math.round(size * 20f / 28f));
        double scale = (double) inner / Math.max(bh, bw);
        int nh = Math.clamp(Math.round(bh * scale), 1, inner), nw = Math.clamp(Math.round(bw * scale), 1, inner);
        float[] digit = scale < 1 ? area(crop, bh, bw, nh, nw) : bilinear(crop, 1, bh, bw, nh, nw);
        for (int i = 0; i < digit.length; i++) digit[i] = Math.clamp(digit[i], 0f, 1f);   // float sums overshoot by 1 ulp
        // Centre of mass, then the offset that puts it at the canvas centre.
        double mass = 0, my = 0, mx = 0;
        for (int y = 0; y < nh; y++)
            for (int x = 0; x < nw; x++) {
                double m = digit[y * nw + x];
                mass += m;
                my += m * y;
                mx += m * x;
            }
        double centre = (size - 1) / 2.0;
        int oy = (int) Math.clamp(Math.round(centre - (mass > 0 ? my / mass : (nh - 1) / 2.0)), 0, size - nh);
        int ox = (int) Math.clamp(Math.round(centre - (mass > 0 ? mx / mass : (nw - 1) / 2.0)), 0, size - nw);
        float[] canvas = new float[size * size];
        for (int y = 0; y < nh; y++) System.arraycopy(digit, y * nw, canvas, (oy + y) * size + ox, nw);
        return Tensor.of(canvas, 1, size, size);
    }

    /** Median of the pixels on the image border (the paper, for a picture of a digit). */
    private static float borderMedian(float[] v, int h, int w) {
        float[] border = new float[h == 1 || w == 1 ? h * w : 2 * (h + w) - 4];
        int k = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1) border[k++] = v[y * w + x];
        Arrays.sort(border, 0, k);
        return border[k / 2];
    }
}
