// SentimentTransferTest: the pieces of the transfer example that need no model: nearest-neighbour precision@5 on
// synthetic clusters, the frozen-head trainer on separable features, and the TSV reader's errors.
package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.nn.Linear;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentimentTransferTest {
    /** Two tight clusters on opposite sides: label 0 near +e0, label 1 near -e0 (8 dims). */
    static Tensor clusters(long[] labels, long seed) {
        Generator g = new Generator(seed);
        float[] noise = Tensor.randn(g, labels.length, 8).toFloatArray();
        for (int i = 0; i < labels.length; i++) {
            for (int k = 0; k < 8; k++) noise[i * 8 + k] *= 0.05f;
            noise[i * 8] += labels[i] == 0 ? 1 : -1;
        }
        return Tensor.of(noise, labels.length, 8);
    }

    @Test
    void precisionAt5IsOneOnSeparatedClustersAndChanceIsTheLabelShare() {
        long[] labels = new long[40];
        for (int i = 0; i < 40; i++) labels[i] = i % 4 == 0 ? 1 : 0;   // 10 positive, 30 negative
        double[] p = SentimentTransfer.precisionAt5(clusters(labels, 1), labels);
        assertThat(p[0]).isEqualTo(1.0);
        assertThat(p[1]).isCloseTo((10 * 9.0 / 39 + 30 * 29.0 / 39) / 40, within(1e-12));
        // shuffled labels on the same points: far below 1
        long[] wrong = labels.clone();
        for (int i = 0; i < 40; i += 2) wrong[i] = 1 - wrong[i];
        assertThat(SentimentTransfer.precisionAt5(clusters(labels, 1), wrong)[0]).isLessThan(0.75);
    }

    @Test
    void frozenHeadLearnsSeparableFeatures() {
        long[][] y = new long[3][];
        Tensor[] x = new Tensor[3], yt = new Tensor[3];
        for (int p = 0; p < 3; p++) {
            y[p] = new long[60];
            for (int i = 0; i < 60; i++) y[p][i] = (i * 7 + p) % 2;
            x[p] = clusters(y[p], 10 + p);
            yt[p] = Tensor.ofLongs(y[p], 60);
        }
        Linear head = new Linear(8, 2, new Generator(0));
        double[] val = SentimentTransfer.fitHead(head, x, yt, 1e-1, 0, 60, 30, 0);
        assertThat(val[0]).isEqualTo(1.0);
        assertThat(SentimentTransfer.accuracy(head, x[2], yt[2])).isEqualTo(1.0);
    }

    @Test
    void malformedTsvIsRejected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("s.tsv");
        Files.writeString(f, "source\tlabel\ttext\namazon\t1\tGreat.\nimdb\t2\tBad label.\n");
        assertThatThrownBy(() -> Sentiment.load(f)).hasMessageContaining("line 3");
        Files.writeString(f, "text\n");
        assertThatThrownBy(() -> Sentiment.load(f)).hasMessageContaining("header");
        Files.writeString(f, "source\tlabel\ttext\nyelp\t0\tMeh.\n");
        assertThat(Sentiment.load(f).texts()).containsExactly("Meh.");
    }
}
