package dev.kindling.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.ops.Reductions;
import dev.kindling.optim.Adam;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TextCNN: shapes, padding invariance, masked max-over-time gradient, and a tiny overfit run. */
class TextCNNTest {
    static final List<String> SENTENCES = List.of(
            "I loved this phone, great battery!", "Terrible service, never again.", "The food was wonderful",
            "Worst movie I have ever seen", "Excellent value and a great case", "It broke after two days",
            "What a fantastic experience", "Awful, boring and far too long");
    static final long[] LABELS = {1, 0, 1, 0, 1, 0, 1, 0};

    static TextCNN model(int vocab, float dropout, long seed) {
        return new TextCNN(new TextCNN.Config(vocab, 16, new int[] {2, 3}, 8, 2, dropout, 0), new Generator(seed));
    }

    @Test
    void forwardShapesAndStateDictNames() {
        TextCNN m = model(50, 0f, 1);
        Tensor ids = Tensor.ofLongs(new long[] {5, 6, 7, 0, 9, 0, 0, 0}, 2, 4);
        assertThat(m.forward(ids).shape()).containsExactly(2, 2);
        assertThat(m.stateDict().keySet()).containsExactly("embedding.weight", "convs.0.weight", "convs.0.bias",
                "convs.1.weight", "convs.1.bias", "fc.weight", "fc.bias");
        assertThat(m.stateDict().get("convs.1.weight").shape()).containsExactly(8, 16, 3);
        assertThat(TextCNN.lengths(ids)).containsExactly(3, 1);
        assertThat(TextCNN.lengths(Tensor.ofLongs(new long[] {0, 0}, 1, 2))).containsExactly(1);   // empty text
        assertThatThrownBy(() -> m.forward(Tensor.of(new float[] {1, 2}, 1, 2)))
                .hasMessageContaining("int64 token ids [B, L]");
    }

    @Test
    void extraPaddingDoesNotChangeTheLogits() {
        TextCNN m = model(40, 0.5f, 2);
        m.eval();
        // Rows of different lengths, padded to their longest, then with 9 more padding columns.
        long[][] rows = {{3, 4, 5, 6, 7, 8}, {9}, {10, 11, 12}};
        Tensor tight = pad(rows, 6), loose = pad(rows, 15);
        try (var ng = Autograd.noGrad()) {
            float[] a = m.forward(tight).toFloatArray(), b = m.forward(loose).toFloatArray();
            assertThat(b).containsExactly(a);
            // Each row alone (its own length, no padding at all) gives its batch row again.
            for (int r = 0; r < rows.length; r++) {
                float[] alone = m.forward(pad(new long[][] {rows[r]}, rows[r].length)).toFloatArray();
                assertThat(alone).containsExactly(Arrays.copyOfRange(a, 2 * r, 2 * r + 2));
            }
        }
    }

    @Test
    void maxOverTimeReadsOnlyValidPositionsAndMatchesFiniteDifferences() {
        Generator g = new Generator(3);
        Tensor x = Tensor.randn(g, 2, 3, 5).requiresGrad(true);
        int[] valid = {5, 2};
        Tensor y = SequencePooling.maxOverTime(x, valid);   // [2, 3]
        float[] xv = x.toFloatArray(), yv = y.toFloatArray();
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                float best = Float.NEGATIVE_INFINITY;
                for (int t = 0; t < valid[b]; t++) best = Math.max(best, xv[(b * 3 + c) * 5 + t]);
                assertThat(yv[b * 3 + c]).isEqualTo(best);
            }
        }
        Tensor w = Tensor.randn(g, 2, 3);
        y.mul(w).sum().backward();
        float[] grad = x.grad().toFloatArray();
        double eps = 1e-3;
        for (int i = 0; i < xv.length; i++) {
            float[] plus = xv.clone(), minus = xv.clone();
            plus[i] += (float) eps;
            minus[i] -= (float) eps;
            double fd = (weighted(plus, valid, w) - weighted(minus, valid, w)) / (2 * eps);
            assertThat((double) grad[i]).as("d/dx[%d]", i).isCloseTo(fd, org.assertj.core.data.Offset.offset(1e-3));
        }
        assertThatThrownBy(() -> SequencePooling.maxOverTime(x, new int[] {6, 1}))
                .hasMessageContaining("valid length 6 of row 0 is outside [1, 5]");
    }

    private static double weighted(float[] xv, int[] valid, Tensor w) {
        try (var ng = Autograd.noGrad()) {
            return SequencePooling.maxOverTime(Tensor.of(xv, 2, 3, 5), valid).mul(w).sum().item();
        }
    }

    @Test
    void overfitsAHandfulOfSentences() {
        var tok = new SentenceTokenizer();
        List<List<String>> docs = new ArrayList<>();
        for (String s : SENTENCES) docs.add(tok.tokenize(s));
        TokenVocabulary vocab = TokenVocabulary.build(docs, 1, 1000);
        Tensor ids = vocab.encodeBatch(docs, 50), y = Tensor.ofLongs(LABELS, LABELS.length);
        TextCNN m = model(vocab.size(), 0.2f, 4);
        var opt = new Adam(m.parameters(), 1e-2);
        var loss = new CrossEntropyLoss();
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++) {
            opt.zeroGrad();
            Tensor l = loss.forward(m.forward(ids), y);
            if (step == 0) first = l.item();
            last = l.item();
            l.backward();
            opt.step();
        }
        assertThat(last).isLessThan(first * 0.1);
        m.eval();
        try (var ng = Autograd.noGrad()) {
            assertThat(Reductions.argmax(m.forward(ids), 1, false).toLongArray()).containsExactly(LABELS);
        }
        // The padding row never moves: it stays zero, so padding stays invisible after training.
        assertThat(m.stateDict().get("embedding.weight").select(0, TokenVocabulary.PAD_ID).toFloatArray())
                .containsOnly(0f);
    }

    @Test
    void tokenFeaturesAreAFixedBufferWithAZeroPaddingRow() {
        Tensor feats = Tensor.of(new float[] {0, 0, 1, -1, 0.5f, 0}, 3, 2);
        var m = new TextCNN(new TextCNN.Config(3, 4, new int[] {1}, 2, 2, 0f, 2), feats, new Generator(5));
        assertThat(m.stateDict()).containsKey("token_features");
        assertThat(m.parameters()).hasSize(5);   // embedding, conv weight + bias, fc weight + bias
        assertThat(m.forward(Tensor.ofLongs(new long[] {1, 2}, 1, 2)).shape()).containsExactly(1, 2);
        Tensor bad = Tensor.of(new float[] {1, 0, 0, 0, 0, 0}, 3, 2);
        assertThatThrownBy(() -> new TextCNN(new TextCNN.Config(3, 4, new int[] {1}, 2, 2, 0f, 2), bad,
                new Generator(5))).hasMessageContaining("padding id 0 must be zero");
    }

    static Tensor pad(long[][] rows, int len) {
        long[] v = new long[rows.length * len];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, v, r * len, rows[r].length);
        return Tensor.ofLongs(v, rows.length, len);
    }
}
