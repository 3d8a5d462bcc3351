// SentenceEncoderTest: mean pooling and L2 normalisation (values and gradients), and batched encoding with a tiny
// random BERT: padding and length-sorting must not change any sentence's embedding, and embed() must be trainable.
package dev.kindling.models.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.models.bert.BertConfig;
import dev.kindling.models.bert.BertModel;
import dev.kindling.models.tokenizers.WordPieceTokenizer;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SentenceEncoderTest {
    static SentenceEncoder tinyEncoder() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String t : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "dog", "sat", "on", "mat",
                "a", "red", "big", "##s", ".", ",")) vocab.put(t, vocab.size());
        var tok = WordPieceTokenizer.fromVocab(vocab, true);
        var cfg = new BertConfig(vocab.size(), 8, 2, 2, 16, "gelu", 32, 2, 1e-12f, 0.1f, 0.02f, false);
        BertModel bert = new BertModel(cfg, new Generator(5));
        bert.eval();
        return new SentenceEncoder(tok, bert, 16);
    }

    @Test
    void meanPoolAveragesOnlyMaskedPositionsAndHasTheRightGradient() {
        Tensor hidden = Tensor.of(new float[] {1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10}, 2, 3, 2).requiresGrad(true);
        Tensor mask = Tensor.ofLongs(new long[] {1, 1, 0, 1, 1, 1}, 2, 3);
        Tensor pooled = SentenceEncoder.meanPool(hidden, mask);             // [2, 2]
        assertThat(pooled.toFloatArray()).containsExactly(2, 3, 7, 8);
        pooled.sum().backward();
        float h = 1f / 2, t = 1f / 3;
        assertThat(hidden.grad().toFloatArray()).containsExactly(h, h, h, h, 0, 0, t, t, t, t, t, t);
    }

    @Test
    void l2NormalizeGivesUnitRowsAndLeavesZeroRowsZero() {
        Tensor x = Tensor.of(new float[] {3, 4, 0, 0}, 2, 2);
        assertThat(SentenceEncoder.l2Normalize(x).toFloatArray()).containsExactly(0.6f, 0.8f, 0f, 0f);
    }

    @Test
    void paddingAndSortingDoNotChangeEmbeddings() {
        SentenceEncoder enc = tinyEncoder();
        List<String> texts = List.of("the big red cats sat on a mat.", "a dog", "the cat sat", "dogs, cats, mats.",
                "red");
        Tensor batched = enc.encode(texts, 5);       // one padded batch
        Tensor pairs = enc.encode(texts, 2);         // length-sorted batches of 2
        for (int i = 0; i < texts.size(); i++) {
            float[] single = enc.encode(texts.get(i));
            float[] b = batched.select(0, i).toFloatArray(), p = pairs.select(0, i).toFloatArray();
            double norm = 0;
            for (int k = 0; k < single.length; k++) {
                assertThat(b[k]).as("text %d", i).isCloseTo(single[k], within(2e-6f));
                assertThat(p[k]).isCloseTo(single[k], within(2e-6f));
                norm += single[k] * single[k];
            }
            assertThat(norm).isCloseTo(1.0, within(1e-5));
        }
        // different sentences embed differently
        assertThat(SemanticIndex.cosine(enc.encode("a dog"), enc.encode("red"))).isLessThan(0.9999f);
    }

    @Test
    void embedIsDifferentiableWithRespectToTheEncoder() {
        SentenceEncoder enc = tinyEncoder();
        Tensor e = enc.embed(enc.tokenize(List.of("the cat sat", "a big red dog on a mat")));   // [2, 8]
        e.select(1, 0).sum().backward();
        Tensor g = enc.model().namedParameters().get("embeddings.word_embeddings.weight").grad();
        assertThat(g).isNotNull();
        float[] gv = g.toFloatArray();
        double total = 0;
        for (float v : gv) total += Math.abs(v);
        assertThat(total).isGreaterThan(0);
    }
}
