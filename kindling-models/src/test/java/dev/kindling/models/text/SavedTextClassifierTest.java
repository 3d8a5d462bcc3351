package dev.kindling.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizer, vocabulary and the saved-model round trip. */
class SavedTextClassifierTest {
    @Test
    void sentenceTokenizerKeepsNegationsAndExclamations() {
        assertThat(new SentenceTokenizer().tokenize("Don\u2019t buy it!! Worst, ever. 10/10?"))
                .containsExactly("don't", "buy", "it", "!", "!", "worst", "ever", "10", "10", "?");
        assertThat(new SentenceTokenizer().tokenize("")).isEmpty();
    }

    @Test
    void vocabularyReservesPaddingAndUnknownAndRoundTrips(@TempDir Path dir) throws IOException {
        var v = TokenVocabulary.build(List.of(List.of("b", "a", "a"), List.of("a", "c"), List.of("b")), 2, 100);
        assertThat(v.tokens()).containsExactly("<pad>", "<unk>", "a", "b");   // c is in one document only
        assertThat(v.encode(List.of("a", "c", "b"), 10)).containsExactly(2, 1, 3);
        assertThat(v.encodeBatch(List.of(List.of("a", "b", "a"), List.of()), 2).toLongArray())
                .containsExactly(2, 3, 0, 0);   // cut to 2, the empty text is all padding
        v.save(dir.resolve("vocab.txt"));
        assertThat(TokenVocabulary.load(dir.resolve("vocab.txt")).tokens()).isEqualTo(v.tokens());
        Files.writeString(dir.resolve("bad.txt"), "a\nb\n");
        assertThatThrownBy(() -> TokenVocabulary.load(dir.resolve("bad.txt"))).isInstanceOf(IOException.class)
                .hasMessageContaining("first two tokens must be <pad> and <unk>");
    }

    @Test
    void savedModelClassifiesLikeTheOriginal(@TempDir Path dir) throws IOException {
        var tok = new SentenceTokenizer();
        var docs = TextCNNTest.SENTENCES.stream().map(tok::tokenize).toList();
        var vocab = TokenVocabulary.build(docs, 1, 100);
        var model = new TextCNN(new TextCNN.Config(vocab.size(), 8, new int[] {2, 3}, 4, 2, 0.5f, 0),
                new Generator(9));
        SavedTextClassifier.save(dir, model, vocab, SavedTextClassifier.SENTENCE, 20, List.of("neg", "pos"),
                Map.of("dataset", "unit-test"));
        assertThat(dir.resolve("config.json")).exists();
        assertThat(dir.resolve("model.safetensors")).exists();
        assertThat(dir.resolve("vocab.txt")).exists();
        var loaded = SavedTextClassifier.load(dir);
        assertThat(loaded.classes()).containsExactly("neg", "pos");
        assertThat(loaded.info()).containsEntry("dataset", "unit-test");
        model.eval();
        var preds = loaded.classify(TextCNNTest.SENTENCES);
        for (int i = 0; i < preds.size(); i++) {
            float[] logits = model.forward(vocab.encodeBatch(List.of(docs.get(i)), 20)).toFloatArray();
            double p1 = 1 / (1 + Math.exp(logits[0] - logits[1]));
            assertThat(preds.get(i).probabilities()[1]).isCloseTo(p1, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(preds.get(i).label()).isEqualTo(p1 > 0.5 ? "pos" : "neg");
        }
        // Lexicon-style token features are a buffer: they travel in model.safetensors and come back unchanged.
        float[] f = new float[vocab.size() * 2];
        for (int i = 2 * 2; i < f.length; i++) f[i] = (i % 7) / 7f;
        var withFeatures = new TextCNN(new TextCNN.Config(vocab.size(), 8, new int[] {2}, 4, 2, 0f, 2),
                dev.kindling.tensor.Tensor.of(f, vocab.size(), 2), new Generator(10));
        Path dir2 = dir.resolve("features");
        SavedTextClassifier.save(dir2, withFeatures, vocab, SavedTextClassifier.SENTENCE, 20, List.of("neg", "pos"),
                Map.of());
        assertThat(SavedTextClassifier.load(dir2).model().stateDict().get("token_features").toFloatArray())
                .containsExactly(f);
        Files.writeString(dir.resolve("config.json"), "{\"format\":\"other\"}");
        assertThatThrownBy(() -> SavedTextClassifier.load(dir)).hasMessageContaining("not a kindling-text-classifier");
        assertThatThrownBy(() -> SavedTextClassifier.load(dir.resolve("nope")))
                .hasMessageContaining("no config.json");
    }
}
