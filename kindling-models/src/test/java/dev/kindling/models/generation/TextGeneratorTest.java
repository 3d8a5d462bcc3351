// TextGenerator with a deterministic toy model (a bigram table) and a character tokenizer: determinism per seed,
// stop sequences (never streamed), stop tokens, streaming pieces, the sliding context window; and greedy decoding
// of the Hugging Face gpt2_tiny checkpoint through the generator.
package dev.kindling.models.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.io.Json;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.models.tokenizers.BatchEncoding;
import dev.kindling.models.tokenizers.Encoding;
import dev.kindling.models.tokenizers.PaddingOptions;
import dev.kindling.models.tokenizers.Tokenizer;
import dev.kindling.models.tokenizers.TruncationOptions;
import dev.kindling.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TextGeneratorTest {
    static final String ALPHABET = "abc. ";

    /** One id per character of ALPHABET. */
    static final class Chars implements Tokenizer {
        @Override
        public Encoding encode(String text) {
            int n = text.length();
            int[] ids = new int[n];
            String[] toks = new String[n];
            int[][] off = new int[n][];
            for (int i = 0; i < n; i++) {
                ids[i] = ALPHABET.indexOf(text.charAt(i));
                toks[i] = String.valueOf(text.charAt(i));
                off[i] = new int[] {i, i + 1};
            }
            return new Encoding(ids, toks, new int[n], new int[n], new int[n], off);
        }

        @Override public Encoding encode(String text, String pair) { return encode(text + pair); }

        @Override
        public String decode(int[] ids, boolean skip) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) sb.append(ALPHABET.charAt(id));
            return sb.toString();
        }

        @Override public int vocabSize() { return ALPHABET.length(); }
        @Override public Integer tokenToId(String t) { int i = ALPHABET.indexOf(t); return i < 0 ? null : i; }
        @Override public String idToToken(int id) { return String.valueOf(ALPHABET.charAt(id)); }
        @Override public BatchEncoding encodeBatch(List<String> t, PaddingOptions p, TruncationOptions tr) {
            throw new UnsupportedOperationException();
        }
    }

    /** Logits depend only on the last token: table[last]; counts forward calls and the longest input seen. */
    static final class Bigram implements CausalLM {
        final float[][] table;
        final int maxPos;
        int calls, maxLen;

        Bigram(float[][] table, int maxPos) {
            this.table = table;
            this.maxPos = maxPos;
        }

        @Override
        public Tensor forward(Tensor ids, KVCache cache) {
            int t = ids.size(1), v = table.length;
            calls++;
            maxLen = Math.max(maxLen, cache.length() + t);
            float[] out = new float[t * v];
            for (int i = 0; i < t; i++) System.arraycopy(table[(int) ids.getLong(0, i)], 0, out, i * v, v);
            cache.append(0, Tensor.zeros(1, 1, t, 1), Tensor.zeros(1, 1, t, 1));
            cache.advance(t);
            return Tensor.of(out, 1, t, v);
        }

        @Override public KVCache newCache(int batch, int capacity) { return new KVCache(1, batch, 1, 1, Math.min(capacity, maxPos)); }
        @Override public int vocabSize() { return table.length; }
        @Override public int maxPositions() { return maxPos; }
    }

    /** a -> b -> c -> . -> ' ' -> a, each with a large margin (deterministic under any sampling). */
    static Bigram cycle(int maxPos) {
        float[][] t = new float[5][5];
        for (int i = 0; i < 5; i++) t[i][(i + 1) % 5] = 20f;
        return new Bigram(t, maxPos);
    }

    /** Uniform next token: only the seed decides. */
    static Bigram uniform() {
        return new Bigram(new float[5][5], 1000);
    }

    @Test
    void sameSeedSameSampleDifferentSeedDifferentSample() {
        var gen = new TextGenerator(uniform(), new Chars());
        var cfg = SamplingConfig.builder().maxNewTokens(40).seed(3).build();
        String a = gen.generate("a", cfg).text(), b = gen.generate("a", cfg).text();
        String c = gen.generate("a", cfg.toBuilder().seed(4).build()).text();
        assertThat(a).hasSize(40).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void greedyFollowsTheArgmaxAndStreamsEveryPiece() {
        var gen = new TextGenerator(cycle(100), new Chars());
        List<String> pieces = new ArrayList<>();
        var r = gen.generate("a", SamplingConfig.greedy(9), pieces::add);
        assertThat(r.text()).isEqualTo("bc. abc. ");
        assertThat(String.join("", pieces)).isEqualTo(r.text());
        assertThat(pieces).hasSize(9);
        assertThat(r.stopReason()).isEqualTo(TextGenerator.StopReason.MAX_NEW_TOKENS);
        assertThat(r.ids()).hasSize(9);
        assertThat(r.promptIds()).containsExactly(0);
    }

    @Test
    void stopSequenceEndsGenerationAndIsNeverStreamed() {
        var gen = new TextGenerator(cycle(100), new Chars());
        List<String> pieces = new ArrayList<>();
        var cfg = SamplingConfig.builder().temperature(0.7f).maxNewTokens(50).stopSequences(List.of(". a", "zz")).build();
        var r = gen.generate("a", cfg, pieces::add);
        assertThat(r.text()).isEqualTo("bc");
        assertThat(String.join("", pieces)).isEqualTo("bc");
        assertThat(r.stopReason()).isEqualTo(TextGenerator.StopReason.STOP_SEQUENCE);
        assertThat(r.ids()).hasSize(5);   // b c . ' ' a: the stop sequence completes with the 5th token
    }

    @Test
    void stopTokenIsNotIncluded() {
        var gen = new TextGenerator(cycle(100), new Chars());
        var r = gen.generate("a", SamplingConfig.builder().greedy(true).maxNewTokens(50).stopTokenIds(Set.of(3)).build());
        assertThat(r.text()).isEqualTo("bc");
        assertThat(r.stopReason()).isEqualTo(TextGenerator.StopReason.STOP_TOKEN);
    }

    @Test
    void repetitionPenaltyChangesTheGreedyPath() {
        float[][] t = new float[5][5];
        for (int i = 0; i < 5; i++) {
            t[i][0] = 2f;          // 'a' is always the favourite...
            t[i][1] = 1.5f;        // ...'b' a close second
        }
        var gen = new TextGenerator(new Bigram(t, 100), new Chars());
        assertThat(gen.generate("c", SamplingConfig.greedy(3)).text()).isEqualTo("aaa");
        var penal = SamplingConfig.builder().greedy(true).maxNewTokens(3).repetitionPenalty(2f).build();
        // a: 2 -> 1 once used, so b (1.5) wins; then b: 1.5 -> 0.75 and a (1) wins again.
        assertThat(gen.generate("c", penal).text()).isEqualTo("aba");
    }

    @Test
    void slidesTheWindowWhenTheContextIsFull() {
        Bigram m = cycle(4);
        var r = new TextGenerator(m, new Chars()).generate("ab", SamplingConfig.greedy(12));
        assertThat(r.text()).isEqualTo("c. abc. abc.");
        assertThat(m.maxLen).isLessThanOrEqualTo(4);
    }

    @Test
    void greedyDecodingOfGpt2TinyMatchesHuggingFace() throws Exception {
        Path dir = Path.of(getClass().getResource("/models/gpt2_tiny/config.json").toURI()).getParent();
        var model = GPT2LMHeadModel.fromPretrained(dir);
        Map<String, Object> exp = Json.parseObject(Files.readString(dir.resolve("expected.json")));
        int[] prompt = ((List<?>) ((List<?>) exp.get("greedy_prompt")).get(0)).stream()
                .mapToInt(o -> ((Number) o).intValue()).toArray();
        int[] want = ((List<?>) ((List<?>) exp.get("greedy_12")).get(0)).stream()
                .mapToInt(o -> ((Number) o).intValue()).toArray();
        List<Integer> streamed = new ArrayList<>();
        var r = new TextGenerator(model, null).generateIds(prompt, SamplingConfig.greedy(want.length - prompt.length),
                streamed::add);
        assertThat(r.ids()).containsExactly(java.util.Arrays.copyOfRange(want, prompt.length, want.length));
        assertThat(streamed).hasSize(r.ids().length);
    }
}
