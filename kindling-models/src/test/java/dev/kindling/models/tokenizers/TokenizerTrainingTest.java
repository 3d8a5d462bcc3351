// TokenizerTrainingTest: BPE / WordPiece training (the reference library's byte-level BPE vocabulary and merges
// reproduced from its training corpus), save -> reload round trips, determinism, char and word vocabularies.
package dev.kindling.models.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTrainingTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static List<String> goldenCorpus() {
        Map<String, Object> e = TokenizerTestData.json("expected.json");
        List<String> texts = (List<String>) e.get("training_corpus");
        int repeat = ((Number) e.get("repeat")).intValue();
        List<String> out = new ArrayList<>();
        for (int r = 0; r < repeat; r++) out.addAll(texts);
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void bpeTrainerReproducesReferenceVocabularyAndMerges() {
        HfTokenizer tok = BpeTrainer.builder().vocabSize(400).minFrequency(2).specialTokens(List.of("<|endoftext|>"))
                .build().train(goldenCorpus());
        Map<String, Object> ref = (Map<String, Object>) TokenizerTestData.json("bytelevel_bpe.json").get("model");
        Map<String, Object> refVocab = (Map<String, Object>) ref.get("vocab");
        Map<String, Integer> vocab = tok.vocab();
        assertThat(vocab).hasSize(refVocab.size());
        for (Map.Entry<String, Object> en : refVocab.entrySet()) {
            assertThat(vocab.get(en.getKey())).as(en.getKey()).isEqualTo(((Number) en.getValue()).intValue());
        }
        List<List<String>> merges = (List<List<String>>) ref.get("merges");
        BpeModel model = (BpeModel) tok.model;
        assertThat(model.merges).hasSize(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            assertThat(model.merges.get(i)).as("merge %d", i).containsExactly(merges.get(i).get(0), merges.get(i).get(1));
        }
    }

    @Test
    void bpeTrainedTokenizerSavesReloadsAndRoundTrips() throws IOException {
        List<String> corpus = goldenCorpus();
        BpeTrainer trainer = BpeTrainer.builder().vocabSize(330).specialTokens(List.of("<|endoftext|>")).build();
        HfTokenizer a = trainer.train(corpus), b = trainer.train(corpus);
        assertThat(a.toJson()).isEqualTo(b.toJson()); // deterministic
        Path file = tmp.resolve("bpe/tokenizer.json");
        a.save(file);
        HfTokenizer reloaded = HfTokenizer.fromFile(file);
        for (String s : List.of("Startups ship models to users!", "大模型 🙂 naïve", "", "  two  spaces\t\n")) {
            Encoding e = a.encode(s);
            assertThat(reloaded.encode(s)).isEqualTo(e);
            assertThat(a.decode(e.ids(), false)).isEqualTo(s); // byte-level BPE is lossless
        }
        assertThat(reloaded.toJson()).isEqualTo(a.toJson());
    }

    @Test
    void wordPieceTrainerLearnsSubwordsAndRoundTrips() throws IOException {
        List<String> corpus = goldenCorpus();
        WordPieceTokenizer tok = WordPieceTrainer.builder().vocabSize(295).build().train(corpus);
        assertThat(tok.vocabSize()).isEqualTo(295);
        assertThat(tok.tokenToId("[PAD]")).isEqualTo(0);
        assertThat(tok.tokenToId("[CLS]")).isEqualTo(2);
        // whole frequent words become single tokens, rare ones split into ## pieces
        assertThat(tok.encode("startups").tokens()).containsExactly("[CLS]", "startups", "[SEP]");
        Encoding e = tok.encode("Startups build products fast.");
        assertThat(tok.decode(e.ids(), true)).isEqualTo("startups build products fast.");
        assertThat(tok.encode("xylophone").tokens()).anySatisfy(t -> assertThat(t).startsWith("##"));
        Path file = tmp.resolve("wp.json");
        tok.save(file);
        HfTokenizer reloaded = HfTokenizer.fromFile(file);
        assertThat(reloaded.encode("Small team, 42 models.", "大模型")).isEqualTo(tok.encode("Small team, 42 models.", "大模型"));
        assertThat(WordPieceTrainer.builder().vocabSize(295).build().train(corpus).toJson()).isEqualTo(tok.toJson());
    }

    @Test
    void charTokenizerUsesSortedDistinctCharsAndRoundTrips() throws IOException {
        CharTokenizer tok = CharTokenizer.fromText("hello world\n🙂");
        assertThat(tok.chars()).isEqualTo("\n dehlorw🙂");
        assertThat(tok.vocabSize()).isEqualTo(10);
        Encoding e = tok.encode("hello 🙂\n");
        assertThat(e.ids()).containsExactly(4, 3, 5, 5, 6, 1, 9, 0);
        assertThat(e.offsets()[6]).containsExactly(6, 8); // the emoji spans two UTF-16 chars
        assertThat(tok.decode(e.ids())).isEqualTo("hello 🙂\n");
        assertThatThrownBy(() -> tok.encode("hex")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"x\"");
        Path file = tmp.resolve("char.json");
        tok.save(file);
        assertThat(HfTokenizer.fromFile(file).encode("old hello")).isEqualTo(tok.encode("old hello"));
    }

    @Test
    void wordTokenizerKeepsMostFrequentWordsWithPadAndUnk() {
        List<String> texts = List.of("The cat sat.", "the cat ran!", "A dog ran.", "the end");
        WordTokenizer tok = WordTokenizer.train(texts, 4, 1, true);
        // counts: the 3, "." 2, cat 2, ran 2, then ties broken alphabetically; 4 words kept
        assertThat(tok.vocab().keySet()).containsExactly("<pad>", "<unk>", "the", ".", "cat", "ran");
        Encoding e = tok.encode("The dog ran.");
        assertThat(e.tokens()).containsExactly("the", "<unk>", "ran", ".");
        assertThat(e.ids()).containsExactly(2, 1, 5, 3);
        BatchEncoding b = tok.encodeBatch(List.of("the cat", "the cat ran ."), null, null);
        assertThat(b.inputIds().shape()).containsExactly(2, 4);
        assertThat(b.encodings().get(0).ids()).containsExactly(2, 4, 0, 0);
        assertThat(b.encodings().get(0).attentionMask()).containsExactly(1, 1, 0, 0);
        assertThat(WordTokenizer.train(new ArrayList<>(texts), 4, 1, true).toJson()).isEqualTo(tok.toJson());
        List<String> shuffled = new ArrayList<>(texts);
        Collections.reverse(shuffled);
        assertThat(WordTokenizer.train(shuffled, 4, 1, true).vocab()).isEqualTo(tok.vocab());
    }
}
