package dev.kindling.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class MetricsTest {
    @TempDir
    Path tmp;

    private static Tensor longs(long... v) {
        return Tensor.ofLongs(v, v.length);
    }

    private static Tensor floats(float... v) {
        return Tensor.of(v);
    }

    // ---------------------------------------------------------------- accuracy

    @Test
    void accuracyFromLogitsArgmaxOverDim1() {
        Tensor logits = Tensor.of(new float[] {2, 1, 0, 0, 3, 1, 5, 0, 1, 0, 0, 9}, 4, 3);   // argmax 0, 1, 0, 2
        assertThat(Metrics.accuracy(logits, longs(0, 1, 2, 2))).isEqualTo(0.75);
        // float labels holding whole numbers are accepted
        assertThat(Metrics.accuracy(logits, floats(0, 1, 2, 2))).isEqualTo(0.75);
        // one-hot targets are decoded by arg-max
        Tensor oneHot = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1}, 4, 3);
        assertThat(Metrics.accuracy(logits, oneHot)).isEqualTo(0.75);
        // predictions given as class indices
        assertThat(Metrics.accuracy(longs(0, 1, 0, 2), longs(0, 1, 2, 2))).isEqualTo(0.75);
    }

    @Test
    void binaryAccuracyThresholdsProbabilitiesAtHalfAndLogitsAtZero() {
        Tensor labels = longs(1, 0, 1, 0);
        assertThat(Metrics.accuracy(floats(0.9f, 0.2f, 0.4f, 0.6f), labels)).isEqualTo(0.5);    // probabilities
        assertThat(Metrics.accuracy(floats(2.0f, -1f, 0.3f, -0.2f), labels)).isEqualTo(1.0);    // logits (-1 outside [0,1])
        assertThat(Metrics.accuracy(Tensor.of(new float[] {0.9f, 0.2f, 0.4f, 0.6f}, 4, 1), labels)).isEqualTo(0.5);
        assertThat(Metrics.accuracy(floats(0.9f, 0.2f), Tensor.ofBools(new boolean[] {true, false}, 2))).isEqualTo(1.0);
    }

    @Test
    void accuracyRejectsMismatchedShapesAndFractionalLabels() {
        assertThatThrownBy(() -> Metrics.accuracy(Tensor.zeros(4, 3), longs(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accuracy")
                .hasMessageContaining("[4, 3]").hasMessageContaining("[2]");
        assertThatThrownBy(() -> Metrics.accuracy(Tensor.zeros(2, 3), floats(0.5f, 1)))
                .hasMessageContaining("whole numbers").hasMessageContaining("0.5");
    }

    @Test
    void streamingAccuracyEqualsOneShot() {
        Accuracy acc = new Accuracy();
        assertThat(acc.compute()).isNaN();
        acc.update(Tensor.of(new float[] {2, 1, 0, 0, 3, 1}, 2, 3), longs(0, 2));
        acc.update(Tensor.of(new float[] {5, 0, 1, 0, 0, 9}, 2, 3), longs(0, 2));
        assertThat(acc.compute()).isEqualTo(0.75);
        assertThat(acc.name()).isEqualTo("accuracy");
        acc.reset();
        assertThat(acc.compute()).isNaN();
    }

    // ---------------------------------------------------------------- regression (scikit-learn documentation examples)

    @Test
    void regressionMetricsMatchScikitLearnExamples() {
        Tensor yTrue = floats(3, -0.5f, 2, 7), yPred = floats(2.5f, 0, 2, 8);
        assertThat(Metrics.mse(yPred, yTrue)).isEqualTo(0.375);
        assertThat(Metrics.mae(yPred, yTrue)).isEqualTo(0.5);
        // SS_res = 1.5, mean 2.875, SS_tot = 29.1875
        assertThat(Metrics.r2(yPred, yTrue)).isCloseTo(1 - 1.5 / 29.1875, within(1e-12)).isCloseTo(0.948608, within(1e-6));
    }

    @Test
    void r2AveragesColumnsOfMultiOutputs() {
        Tensor yTrue = Tensor.of(new float[] {0.5f, 1, -1, 1, 7, -6}, 3, 2);
        Tensor yPred = Tensor.of(new float[] {0, 2, -1, 2, 8, -5}, 3, 2);
        double col0 = 1 - 1.25 / (36.0 + 1.0 / 6.0), col1 = 1 - 3 / (32.0 + 2.0 / 3.0);
        assertThat(Metrics.r2(yPred, yTrue)).isCloseTo((col0 + col1) / 2, within(1e-12)).isCloseTo(0.936801, within(1e-6));
    }

    @Test
    void r2OfConstantTargetFollowsForceFinite() {
        assertThat(Metrics.r2(floats(2, 2, 2), floats(2, 2, 2))).isEqualTo(1.0);
        assertThat(Metrics.r2(floats(2, 3, 2), floats(2, 2, 2))).isEqualTo(0.0);
    }

    @Test
    void streamingRegressionMetricsEqualOneShotOverSplitBatches() {
        float[] t = {3, -0.5f, 2, 7, 1.25f, -4, 0.5f}, p = {2.5f, 0, 2, 8, 1, -3.5f, 0};
        MeanSquaredError mse = new MeanSquaredError();
        MeanAbsoluteError mae = new MeanAbsoluteError();
        R2Score r2 = new R2Score();
        for (int[] range : new int[][] {{0, 3}, {3, 4}, {4, 7}}) {
            Tensor pb = Tensor.of(java.util.Arrays.copyOfRange(p, range[0], range[1]));
            Tensor tb = Tensor.of(java.util.Arrays.copyOfRange(t, range[0], range[1]));
            mse.update(pb, tb);
            mae.update(pb, tb);
            r2.update(pb, tb);
        }
        assertThat(mse.compute()).isCloseTo(Metrics.mse(Tensor.of(p), Tensor.of(t)), within(1e-12));
        assertThat(mae.compute()).isCloseTo(Metrics.mae(Tensor.of(p), Tensor.of(t)), within(1e-12));
        assertThat(r2.compute()).isCloseTo(Metrics.r2(Tensor.of(p), Tensor.of(t)), within(1e-12));
        assertThat(mse.higherIsBetter()).isFalse();
        assertThat(r2.higherIsBetter()).isTrue();
    }

    // ---------------------------------------------------------------- F1 and the confusion matrix

    @Test
    void f1AndAveragesMatchScikitLearnExample() {
        // sklearn f1_score docs: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]
        long[] yTrue = {0, 1, 2, 0, 1, 2}, yPred = {0, 2, 1, 0, 0, 1};
        ConfusionMatrix cm = ConfusionMatrix.of(yPred, yTrue, 3, null);
        assertThat(cm.counts()).isEqualTo(new long[][] {{2, 0, 0}, {1, 0, 1}, {0, 2, 0}});
        // class 0: tp 2, fp 1, fn 0 -> p 2/3, r 1, f1 0.8; classes 1 and 2 have no true positive
        assertThat(cm.precision(0)).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(cm.recall(0)).isEqualTo(1.0);
        assertThat(cm.f1(0)).isCloseTo(0.8, within(1e-15));
        assertThat(cm.macroF1()).isCloseTo(0.26666666666666666, within(1e-15));
        assertThat(cm.macroPrecision()).isCloseTo(0.2222222222222222, within(1e-15));
        assertThat(cm.macroRecall()).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(cm.microF1()).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(cm.weightedF1()).isCloseTo(0.26666666666666666, within(1e-15));
        assertThat(cm.accuracy()).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(cm.support(1)).isEqualTo(2);
        assertThat(cm.total()).isEqualTo(6);

        F1Score f1 = new F1Score(3);
        f1.update(longs(0, 2, 1), longs(0, 1, 2));
        f1.update(longs(0, 0, 1), longs(0, 1, 2));
        assertThat(f1.compute()).isCloseTo(0.26666666666666666, within(1e-15));
        assertThat(f1.name()).isEqualTo("f1");
    }

    @Test
    void macroAveragesSkipClassesAbsentFromLabelsAndPredictions() {
        ConfusionMatrix cm = ConfusionMatrix.of(new long[] {0, 1, 1}, new long[] {0, 0, 1}, 4, null);
        assertThat(cm.macroF1()).isCloseTo(2.0 / 3, within(1e-15));   // over classes 0 and 1 only
        assertThat(cm.f1(3)).isEqualTo(0.0);
    }

    @Test
    void confusionMatrixRejectsOutOfRangeLabels() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        assertThatThrownBy(() -> cm.add(3, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("label 3").hasMessageContaining("3 classes");
        assertThatThrownBy(() -> new ConfusionMatrix(2, List.of("a"))).hasMessageContaining("1 class names");
    }

    @Test
    void textReportListsMatrixAndPerClassRows() {
        Tensor logits = Tensor.of(new float[] {3, 0, 0, 0, 2, 0, 0, 2, 1, 1, 0, 0}, 4, 3);   // argmax 0, 1, 1, 0
        ConfusionMatrix cm = ConfusionMatrix.of(logits, longs(0, 1, 2, 0), 3, List.of("cat", "dog", "bird"));
        String text = cm.toText();
        assertThat(text).contains("rows: true class, columns: predicted class");
        assertThat(text.lines().filter(l -> l.matches("\\s*cat\\s+2\\s+0\\s+0"))).hasSize(1);
        assertThat(text.lines().filter(l -> l.matches("\\s*bird\\s+0\\s+1\\s+0"))).hasSize(1);
        // dog: tp 1, fp 1 (the bird), fn 0 -> precision 0.5, recall 1, f1 0.6667, support 1
        assertThat(text).containsPattern("dog\\s+0\\.5000\\s+1\\.0000\\s+0\\.6667\\s+1\\n");
        assertThat(text).containsPattern("accuracy\\s+0\\.7500\\s+4\\n");
        assertThat(text).contains("macro avg").contains("micro avg").contains("weighted avg");
    }

    @Test
    void heatMapIsWellFormedSvgAndDecodablePngOfTheAdvertisedSize() throws Exception {
        ConfusionMatrix cm = ConfusionMatrix.of(new long[] {0, 1, 2, 2, 1}, new long[] {0, 1, 2, 1, 1}, 3,
                List.of("setosa", "versicolor", "virginica <&>"));
        Path svg = tmp.resolve("cm.svg"), png = tmp.resolve("cm.png");
        cm.writeSvg(svg);
        cm.writePng(png);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getAttribute("width")).isEqualTo(Integer.toString(cm.imageWidth()));
        assertThat(doc.getDocumentElement().getAttribute("height")).isEqualTo(Integer.toString(cm.imageHeight()));
        assertThat(doc.getElementsByTagName("rect").getLength()).isGreaterThanOrEqualTo(9);   // one per cell
        assertThat(Files.readString(svg, StandardCharsets.UTF_8)).contains("virginica &lt;&amp;&gt;");

        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(cm.imageWidth());
        assertThat(img.getHeight()).isEqualTo(cm.imageHeight());
        // The largest count (versicolor -> versicolor, 2) fills its cell with the darkest blue.
        int darkest = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == 0x08306b) darkest++;
        assertThat(darkest).isGreaterThan(500);
        try (var stream = Files.list(tmp)) {
            assertThat(stream.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("cm.svg", "cm.png");
        }
    }
}
