package dev.kindling.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.ops.Reductions;
import dev.kindling.optim.Adam;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BiLstmClassifier: shapes and PyTorch names, padding invariance through lengths, a tiny overfit run, save/load. */
class BiLstmClassifierTest {
    static BiLstmClassifier model(int vocab, long seed) {
        return new BiLstmClassifier(new BiLstmClassifier.Config(vocab, 12, 10, 1, 2, 0.3f), new Generator(seed));
    }

    @Test
    void forwardShapesAndStateDictNames() {
        var m = model(30, 1);
        assertThat(m.forward(Tensor.ofLongs(new long[] {4, 5, 6, 0, 7, 0, 0, 0}, 2, 4)).shape()).containsExactly(2, 2);
        assertThat(m.stateDict().keySet()).contains("embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0",
                "lstm.bias_ih_l0", "lstm.bias_hh_l0", "lstm.weight_ih_l0_reverse", "lstm.weight_hh_l0_reverse",
                "fc.weight", "fc.bias");
        assertThat(m.stateDict().get("lstm.weight_ih_l0").shape()).containsExactly(40, 12);   // [4H, E]
        assertThat(m.stateDict().get("fc.weight").shape()).containsExactly(2, 20);            // [K, 2H]
    }

    @Test
    void extraPaddingDoesNotChangeTheLogits() {
        var m = model(40, 2);
        m.eval();
        long[][] rows = {{3, 4, 5, 6, 7, 8}, {9}, {10, 11, 12}};
        try (var ng = Autograd.noGrad()) {
            float[] tight = m.forward(TextCNNTest.pad(rows, 6)).toFloatArray();
            float[] loose = m.forward(TextCNNTest.pad(rows, 13)).toFloatArray();
            assertThat(loose).containsExactly(tight);
            for (int r = 0; r < rows.length; r++) {
                float[] alone = m.forward(TextCNNTest.pad(new long[][] {rows[r]}, rows[r].length)).toFloatArray();
                // A batch of one runs the same recurrence; only the GEMM blocking may differ, hence a tolerance.
                float[] expected = Arrays.copyOfRange(tight, 2 * r, 2 * r + 2);
                for (int k = 0; k < 2; k++) assertThat(alone[k]).isCloseTo(expected[k], Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void overfitsAHandfulOfSentencesAndRoundTrips(@TempDir Path dir) throws Exception {
        var tok = new SentenceTokenizer();
        var docs = TextCNNTest.SENTENCES.stream().map(tok::tokenize).toList();
        var vocab = TokenVocabulary.build(docs, 1, 1000);
        Tensor ids = vocab.encodeBatch(docs, 50), y = Tensor.ofLongs(TextCNNTest.LABELS, TextCNNTest.LABELS.length);
        var m = model(vocab.size(), 4);
        var opt = new Adam(m.parameters(), 2e-2);
        var loss = new CrossEntropyLoss();
        double first = 0, last = 0;
        for (int step = 0; step < 40; step++) {
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
            assertThat(Reductions.argmax(m.forward(ids), 1, false).toLongArray()).containsExactly(TextCNNTest.LABELS);
        }
        SavedTextClassifier.save(dir, m, vocab, SavedTextClassifier.SENTENCE, 50, List.of("neg", "pos"), java.util.Map.of());
        var loaded = SavedTextClassifier.load(dir);
        assertThat(loaded.architecture()).isEqualTo(SavedTextClassifier.BILSTM);
        var preds = loaded.classify(TextCNNTest.SENTENCES);
        for (int i = 0; i < preds.size(); i++) assertThat((long) preds.get(i).index()).isEqualTo(TextCNNTest.LABELS[i]);
    }
}
