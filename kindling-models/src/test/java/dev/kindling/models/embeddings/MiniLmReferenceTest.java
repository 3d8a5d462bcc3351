// MiniLmReferenceTest: the real all-MiniLM-L6-v2 ONNX weights (fetched by `./kindling data fetch minilm` into
// data/minilm) through Kindling's ONNX reader, tokenizer and BERT must reproduce ONNX Runtime's sentence
// embeddings to 1e-4 per component, one at a time and as a padded batch. Skipped when the files are absent.
package dev.kindling.models.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.io.Json;
import dev.kindling.models.onnx.OnnxBertWeights;
import dev.kindling.models.onnx.OnnxModelReader;
import dev.kindling.tensor.Tensor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmReferenceTest {
    static final double TOLERANCE = 1e-4;   // the bound; measured max |diff| is ~1e-7 (see the example)
    static SentenceEncoder encoder;
    static List<String> texts = new ArrayList<>();
    static List<long[]> ids = new ArrayList<>();
    static List<float[]> expected = new ArrayList<>();

    /** data/minilm of the checkout (the test runs in the module folder), or null. */
    static Path minilmDir() {
        String home = System.getProperty("kindling.home");
        for (Path p : new Path[] {home == null ? null : Path.of(home, "data/minilm"), Path.of("data/minilm"),
            Path.of("../data/minilm")}) {
            if (p != null && Files.isRegularFile(p.resolve("all-minilm-l6-v2.onnx"))
                    && Files.isRegularFile(p.resolve("tokenizer.json"))) return p;
        }
        return null;
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        Path dir = minilmDir();
        assumeTrue(dir != null, "data/minilm not fetched (./kindling data fetch minilm)");
        encoder = SentenceEncoder.fromOnnx(dir.resolve("all-minilm-l6-v2.onnx"), dir.resolve("tokenizer.json"));
        String json;
        try (InputStream in = MiniLmReferenceTest.class.getResourceAsStream("/minilm/minilm_reference.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Object o : (List<Object>) Json.parseObject(json).get("sentences")) {
            Map<String, Object> s = (Map<String, Object>) o;
            texts.add((String) s.get("text"));
            ids.add(((List<Object>) s.get("input_ids")).stream().mapToLong(v -> ((Number) v).longValue()).toArray());
            List<Object> e = (List<Object>) s.get("embedding_full");
            float[] f = new float[e.size()];
            for (int i = 0; i < f.length; i++) f[i] = ((Number) e.get(i)).floatValue();
            expected.add(f);
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void tokenIdsMatchTheReference() {
        for (int i = 0; i < texts.size(); i++) {
            long[] got = encoder.tokenize(List.of(texts.get(i))).inputIds().toLongArray();
            assertThat(got).as(texts.get(i)).containsExactly(ids.get(i));
        }
    }

    @Test
    void singleSentenceEmbeddingsMatchOnnxRuntime() {
        for (int i = 0; i < texts.size(); i++) {
            assertThat(maxAbsDiff(encoder.encode(texts.get(i)), expected.get(i))).as(texts.get(i)).isLessThan(TOLERANCE);
        }
    }

    @Test
    void paddedBatchMatchesToo() {
        // batch size 3 pads the two shorter sentences to 23 tokens
        Tensor batch = encoder.encode(texts, 3);
        assertThat(batch.shape()).containsExactly(3, 384);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(maxAbsDiff(batch.select(0, i).toFloatArray(), expected.get(i))).isLessThan(TOLERANCE);
        }
    }

    @Test
    void quantizedModelStaysCloseToTheFloatModel() throws Exception {
        Path q = minilmDir().resolve("all-minilm-l6-v2-q.onnx");
        assumeTrue(Files.isRegularFile(q), "quantized model not fetched");
        var bert = OnnxBertWeights.from(OnnxModelReader.read(q)).toBertModel();
        bert.eval();
        var qEncoder = new SentenceEncoder(encoder.tokenizer(), bert, encoder.maxLength());
        Tensor qe = qEncoder.encode(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] a = qe.select(0, i).toFloatArray();
            // int8 weights move the embedding a little; the direction must stay (cosine to the float embedding)
            assertThat(SemanticIndex.cosine(a, expected.get(i))).isGreaterThan(0.98f);
            assertThat(maxAbsDiff(a, expected.get(i))).isGreaterThan(1e-5).isLessThan(0.05);
        }
    }
}
