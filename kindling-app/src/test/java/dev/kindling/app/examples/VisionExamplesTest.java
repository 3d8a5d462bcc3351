package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.app.Home;
import dev.kindling.app.Main;
import dev.kindling.app.PredictCommand;
import dev.kindling.io.Idx;
import dev.kindling.io.Json;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.vision.Images;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke tests of the vision examples on small samples (1 epoch; the accuracy targets are measured by the full
 * runs, not here) and of `kindling predict` on the models they save.
 */
class VisionExamplesTest {
    static final String[] RUN_FILES = {"model.json", "model.safetensors", "history.csv", "history.json", "curves.png",
        "curves.svg", "confusion.txt", "confusion.png", "best.safetensors", "checkpoint-last.safetensors"};

    static String lastLine(String out) {
        return out.strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    static PrintStream capture(ByteArrayOutputStream buf) {
        return new PrintStream(buf, true, StandardCharsets.UTF_8);
    }

    @Test
    void mnistPipelineAndPredictEndToEnd(@TempDir Path dir) throws Exception {
        var c = new Mnist.Config();
        c.outDir = dir.resolve("run");
        c.limit = 512;
        c.epochs = 1;
        c.interactive = false;
        var buf = new ByteArrayOutputStream();
        Mnist.Result r = Mnist.run(capture(buf), c);
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("mnist: 512 training digits").contains("Epoch 1/1").contains("Confusion matrix");
        assertThat(lastLine(out)).matches("RESULT mnist test_accuracy=0\\.\\d{4} epochs=1 seconds=\\d+\\.\\d");
        assertThat(r.epochs()).isEqualTo(1);
        long tested = 0;
        for (long[] row : r.confusion()) for (long v : row) tested += v;
        assertThat(tested).isEqualTo(512);
        for (String f : RUN_FILES) assertThat(c.outDir.resolve(f)).as(f).exists();
        Map<String, Object> json = Json.parseObject(Files.readString(c.outDir.resolve("model.json")));
        assertThat(json).containsEntry("architecture", "lenet5").containsEntry("preprocess", "digit")
                .containsEntry("dataset", "mnist").containsKeys("normalize", "classes", "test_accuracy");

        // A test-set digit written as a PNG, classified through the command line (its registration in Main).
        Path data = Home.resolve("data/mnist");
        Tensor images = Idx.readImages(data.resolve("t10k-images-idx3-ubyte.gz"));   // [N, 28, 28]
        Path png = dir.resolve("digit.png");
        Images.write(png, images.select(0, 0).unsqueeze(0));
        String cli = runCli("predict", c.outDir.toString(), png.toString(), "--save-input", dir.resolve("seen.png").toString());
        assertThat(cli).contains("Top 3:").contains("lenet5 (mnist");
        assertThat(lastLine(cli)).matches("RESULT predict class=\\d probability=0\\.\\d{4} class_index=\\d");
        assertThat(dir.resolve("seen.png")).exists();

        // A digit drawn like a user would (dark ink on white paper, large), through the API.
        Path drawn = dir.resolve("drawn.png");
        ImageIO.write(drawnSeven(), "png", drawn.toFile());
        var pbuf = new ByteArrayOutputStream();
        PredictCommand.Prediction p = PredictCommand.run(capture(pbuf), c.outDir, drawn, 3, null);
        assertThat(p.input().shape()).containsExactly(1, 28, 28);
        assertThat(p.ranking()).hasSize(10);
        double sum = p.ranking().stream().mapToDouble(PredictCommand.Ranked::probability).sum();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        for (int i = 1; i < 10; i++)
            assertThat(p.ranking().get(i).probability()).isLessThanOrEqualTo(p.ranking().get(i - 1).probability());
        assertThat(pbuf.toString(StandardCharsets.UTF_8)).contains("RESULT predict class=" + p.best().name());
    }

    @Test
    void fashionPipelineOnATinySyntheticSetAndPredictOnAPhotoLikePicture(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        writeIdx(data, "train", 300, 1);
        writeIdx(data, "t10k", 60, 2);
        var c = new FashionMnist.Config();
        c.data = data;
        c.fetch = false;
        c.outDir = dir.resolve("run");
        c.epochs = 1;
        c.widths = new int[] {4, 8};
        c.blocks = new int[] {1, 1};
        c.batchSize = 32;
        c.interactive = false;
        var buf = new ByteArrayOutputStream();
        FashionMnist.Result r = FashionMnist.run(capture(buf), c);
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("fashion-mnist: 300 training images (270 train / 30 validation").contains("Ankle boot");
        assertThat(lastLine(out)).matches("RESULT fashion-mnist test_accuracy=0\\.\\d{4} seconds=\\d+\\.\\d epochs=1 "
                + "samples_per_s=\\d+");
        assertThat(r.epochs()).isEqualTo(1);
        for (String f : RUN_FILES) assertThat(c.outDir.resolve(f)).as(f).exists();

        // A dark shape on a light background, as a product photo: inverted and resized to 28x28 by predict.
        BufferedImage photo = new BufferedImage(90, 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 90, 60);
        g.setColor(new Color(40, 60, 120));
        g.fillRect(30, 5, 30, 50);
        g.dispose();
        Path png = dir.resolve("photo.png");
        ImageIO.write(photo, "png", png.toFile());
        var pbuf = new ByteArrayOutputStream();
        PredictCommand.Prediction p = PredictCommand.run(capture(pbuf), c.outDir.resolve("model.json"), png, 3, null);
        assertThat(p.input().shape()).containsExactly(1, 28, 28);
        assertThat(p.ranking()).hasSize(10);
        String result = lastLine(pbuf.toString(StandardCharsets.UTF_8));
        assertThat(result).startsWith("RESULT predict class=");
        if (p.best().name().contains(" ")) assertThat(result).contains("class=\"" + p.best().name() + "\"");
    }

    @Test
    void examplesAreListedAndPredictReportsAMissingModel(@TempDir Path dir) {
        assertThat(runCli("example")).contains("mnist", "fashion-mnist");
        PrintStream oldErr = System.err;
        var err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(capture(err));
            code = Main.commandLine().execute("predict", dir.toString(), dir.resolve("x.png").toString());
        } finally {
            System.setErr(oldErr);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("kindling predict: no model.json at");
    }

    static String runCli(String... args) {
        PrintStream old = System.out;
        var buf = new ByteArrayOutputStream();
        try {
            System.setOut(capture(buf));
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static BufferedImage drawnSeven() {
        BufferedImage img = new BufferedImage(200, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 200, 240);
        g.setColor(new Color(20, 20, 60));
        g.setStroke(new BasicStroke(18, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(50, 50, 150, 50);
        g.drawLine(150, 50, 85, 200);
        g.dispose();
        return img;
    }

    /** Plain IDX files of n random 28x28 images whose brightness depends on the label, so there is something to learn. */
    static void writeIdx(Path dir, String prefix, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        var g = new Generator(seed);
        byte[] labels = new byte[n], pixels = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            for (int p = 0; p < 784; p++) pixels[i * 784 + p] = (byte) Math.min(255, labels[i] * 20 + g.nextLong(40));
        }
        try (OutputStream f = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte"));
                DataOutputStream d = new DataOutputStream(f)) {
            d.writeInt(0x803);
            d.writeInt(n);
            d.writeInt(28);
            d.writeInt(28);
            d.write(pixels);
        }
        try (OutputStream f = Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte"));
                DataOutputStream d = new DataOutputStream(f)) {
            d.writeInt(0x801);
            d.writeInt(n);
            d.write(labels);
        }
    }
}
