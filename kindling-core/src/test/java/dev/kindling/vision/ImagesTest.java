package dev.kindling.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files, grayscale, resizing and the MNIST-style digit preprocessing. */
class ImagesTest {
    @TempDir
    Path tmp;

    /** Values on the 8-bit grid, so a PNG round trip is exact. */
    static Tensor quantised(Generator g, int... shape) {
        float[] v = Tensor.rand(g, shape).toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i] * 255) / 255f;
        return Tensor.of(v, shape);
    }

    @Test
    void pngRoundTripGrayRgbRgba() throws Exception {
        var g = new Generator(0);
        for (int c : new int[] {1, 3, 4}) {
            Tensor img = quantised(g, c, 5, 7);
            Path file = tmp.resolve("img" + c + ".png");
            Images.write(file, img);
            Tensor back = Images.read(file);
            assertThat(back.shape()).containsExactly(c, 5, 7);
            assertThat(back.toFloatArray()).as("channels " + c).containsExactly(img.toFloatArray());
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("img1.png", "img3.png",
                    "img4.png");   // no temporary files left behind
        }
        // Out-of-range values are clamped; [H, W] is written as gray.
        Images.write(tmp.resolve("clamp.png"), Tensor.of(new float[] {-1, 2, 0.5f, 0}, 2, 2));
        assertThat(Images.read(tmp.resolve("clamp.png")).toFloatArray()).containsExactly(0, 1, 128 / 255f, 0);
    }

    @Test
    void jpegIsReadableAndErrorsAreClear() throws Exception {
        Tensor img = Tensor.full(0.5f, 3, 8, 8);
        Path jpg = tmp.resolve("a.jpg");
        Images.write(jpg, img);
        Tensor back = Images.read(jpg);
        assertThat(back.shape()).containsExactly(3, 8, 8);
        for (float v : back.toFloatArray()) assertThat(v).isCloseTo(0.5f, within(0.02f));
        assertThatThrownBy(() -> Images.write(tmp.resolve("a.gif2"), img)).hasMessageContaining(".png");
        assertThatThrownBy(() -> Images.write(tmp.resolve("b.jpg"), Tensor.zeros(4, 2, 2))).hasMessageContaining("alpha");
        Files.writeString(tmp.resolve("not.png"), "hello");
        assertThatThrownBy(() -> Images.read(tmp.resolve("not.png"))).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("not.png");
        assertThatThrownBy(() -> Images.toImage(Tensor.zeros(2, 3, 3))).hasMessageContaining("C = 1, 3 or 4");
    }

    @Test
    void grayscaleUsesTorchvisionWeightsAndCompositesAlphaOverWhite() {
        Tensor rgb = Tensor.of(new float[] {1, 0, 0, 1, 0, 0}, 3, 1, 2);   // red, green
        assertThat(Images.toGrayscale(rgb).toFloatArray()).containsExactly(0.2989f, 0.587f);
        assertThat(Images.toGrayscale(rgb).shape()).containsExactly(1, 1, 2);
        Tensor rgba = Tensor.of(new float[] {0, 0, 0, 0, 0, 0, 1, 0}, 4, 1, 2);   // opaque black, transparent black
        assertThat(Images.toGrayscale(rgba).toFloatArray()).containsExactly(0f, 1f);
        assertThat(Images.toGrayscale(Tensor.zeros(2, 3, 4, 4)).shape()).containsExactly(2, 1, 4, 4);
        Tensor gray = Tensor.zeros(1, 2, 2);
        assertThat(Images.toGrayscale(gray)).isSameAs(gray);
    }

    @Test
    void bilinearResizeMatchesPyTorch() {
        // torch.nn.functional.interpolate(x, size=(4, 4), mode='bilinear', align_corners=False) of [[0, 1], [2, 3]]
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3}, 1, 2, 2);
        assertThat(Images.resize(x, 4, 4).toFloatArray()).containsExactly(
                0f, 0.25f, 0.75f, 1f,
                0.5f, 0.75f, 1.25f, 1.5f,
                1.5f, 1.75f, 2.25f, 2.5f,
                2f, 2.25f, 2.75f, 3f);
        // Downscale by 2: each output samples the centre of a 2x2 block (the block mean for a linear ramp).
        Tensor ramp = TransformsTest.arange(1, 1, 4, 4);
        assertThat(Images.resize(ramp, 2, 2).toFloatArray()).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
        assertThat(Images.resize(Tensor.zeros(2, 3, 5, 5), 7, 3).shape()).containsExactly(2, 3, 7, 3);
        assertThat(Images.resize(ramp, 4, 4).toFloatArray()).containsExactly(ramp.toFloatArray());
    }

    /** A black "7"-like stroke on a white page, off-centre, as a user would draw it. */
    static BufferedImage drawnSeven(int w, int h, Color background, Color ink) {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(background);
        g.fillRect(0, 0, w, h);
        g.setColor(ink);
        g.setStroke(new BasicStroke(9, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(30, 20, 90, 20);    // top bar
        g.drawLine(90, 20, 55, 130);   // diagonal
        g.dispose();
        return img;
    }

    static void assertMnistLike(Tensor d) {
        assertThat(d.shape()).containsExactly(1, 28, 28);
        float[] v = d.toFloatArray();
        double mass = 0, my = 0, mx = 0;
        int top = 28, bottom = -1, left = 28, right = -1;
        float max = 0;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                float p = v[y * 28 + x];
                assertThat(p).isBetween(0f, 1f);
                max = Math.max(max, p);
                mass += p;
                my += p * y;
                mx += p * x;
                if (p > 0) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        assertThat(max).isGreaterThan(0.9f);                             // white ink
        assertThat(v[0]).isZero();                                       // black background
        assertThat(Math.max(bottom - top + 1, right - left + 1)).isEqualTo(20);   // longer side 20 px
        assertThat(bottom - top + 1).isGreaterThan(right - left + 1);   // a tall digit stays tall
        assertThat(my / mass).isCloseTo(13.5, within(0.6));              // centre of mass at the centre
        assertThat(mx / mass).isCloseTo(13.5, within(0.6));
    }

    @Test
    void prepareDigitCentresADrawnDigit() throws Exception {
        BufferedImage page = drawnSeven(160, 200, Color.WHITE, Color.BLACK);
        Tensor d = Images.prepareDigit(page, 28);
        assertMnistLike(d);
        // Same result through a file, and for white chalk on a dark board (no inversion then).
        Path file = tmp.resolve("seven.png");
        javax.imageio.ImageIO.write(page, "png", file.toFile());
        assertThat(Images.prepareDigit(file, 28).toFloatArray()).containsExactly(d.toFloatArray());
        Tensor chalk = Images.prepareDigit(drawnSeven(160, 200, new Color(30, 40, 30), new Color(230, 230, 230)), 28);
        assertMnistLike(chalk);
        // A drawing on a transparent canvas (dark ink) is read as if over white paper.
        assertMnistLike(Images.prepareDigit(drawnSeven(160, 200, new Color(0, 0, 0, 0), Color.BLACK), 28));
        assertThatThrownBy(() -> Images.prepareDigit(new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY), 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no ink");
    }

    @Test
    void prepareDigitEnlargesASmallDigit() {
        BufferedImage small = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = small.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 12, 12);
        g.setColor(Color.BLACK);
        g.fillRect(2, 1, 3, 8);   // a short bar: 8 tall, 3 wide
        g.dispose();
        Tensor d = Images.prepareDigit(small, 28);
        float[] v = d.toFloatArray();
        int rows = 0;
        for (int y = 0; y < 28; y++) {
            boolean any = false;
            for (int x = 0; x < 28; x++) any |= v[y * 28 + x] > 0;
            if (any) rows++;
        }
        assertThat(rows).isEqualTo(20);
    }
}
