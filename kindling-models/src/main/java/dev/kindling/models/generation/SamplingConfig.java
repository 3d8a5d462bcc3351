// SamplingConfig: how TextGenerator picks each next token (greedy or sampled with temperature, top-k, top-p and a
// repetition penalty), when it stops (token budget, stop sequences, stop token ids) and the seed that makes a
// sampled continuation reproducible. Defaults follow Hugging Face's generate().
package dev.kindling.models.generation;

import java.util.List;
import java.util.Set;

/**
 * Decoding settings.
 *
 * <p>Args: greedy — take the argmax (temperature, top-k, top-p are ignored; the repetition penalty still applies);
 * temperature — > 0, divides the logits; topK — keep the k most likely tokens (0 = off); topP — keep the smallest set
 * of tokens whose probability reaches p (1 = off); repetitionPenalty — >= 1 discourages tokens already in the
 * context (1 = off; HF's rule: a positive logit is divided by it, a negative one multiplied); maxNewTokens — budget;
 * stopSequences — generation stops when the text contains one (it is not included in the result); stopTokenIds —
 * ids that end generation (e.g. EOS; not included); seed — same seed, same sample.
 *
 * <p>Example:
 * <pre>{@code
 * var cfg = SamplingConfig.builder().temperature(0.8f).topK(40).topP(0.95f).maxNewTokens(200)
 *         .stopSequences(List.of("\n\n")).seed(7).build();
 * }</pre>
 */
public record SamplingConfig(boolean greedy, float temperature, int topK, float topP, float repetitionPenalty,
                             int maxNewTokens, List<String> stopSequences, Set<Integer> stopTokenIds, long seed) {
    public SamplingConfig {
        if (!(temperature > 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("SamplingConfig: "
                + "temperature must be a finite value > 0, got " + temperature + " (use greedy for argmax decoding)");
        if (topK < 0) throw new IllegalArgumentException("SamplingConfig: topK must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("SamplingConfig: topP must be in (0, 1] "
                + "(1 = off), got " + topP);
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) throw new IllegalArgumentException(
                "SamplingConfig: repetitionPenalty must be a finite value > 0 (1 = off), got " + repetitionPenalty);
        if (maxNewTokens < 0) throw new IllegalArgumentException("SamplingConfig: maxNewTokens must be >= 0, got "
                + maxNewTokens);
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
        for (String s : stopSequences) if (s.isEmpty()) throw new IllegalArgumentException("SamplingConfig: a stop "
                + "sequence must not be empty");
        stopTokenIds = stopTokenIds == null ? Set.of() : Set.copyOf(stopTokenIds);
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens. */
    public static SamplingConfig greedy(int maxNewTokens) {
        return builder().greedy(true).maxNewTokens(maxNewTokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder().greedy(greedy).temperature(temperature).topK(topK).topP(topP)
                .repetitionPenalty(repetitionPenalty).maxNewTokens(maxNewTokens).stopSequences(stopSequences)
                .stopTokenIds(stopTokenIds).seed(seed);
    }

    /** Builder with HF's defaults: sampling, temperature 1, top-k off, top-p off, no penalty, 50 new tokens, seed 0. */
    public static final class Builder {
        private boolean greedy;
        private float temperature = 1f, topP = 1f, repetitionPenalty = 1f;
        private int topK, maxNewTokens = 50;
        private List<String> stopSequences = List.of();
        private Set<Integer> stopTokenIds = Set.of();
        private long seed;

        public Builder greedy(boolean v) { greedy = v; return this; }
        public Builder temperature(float v) { temperature = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(float v) { topP = v; return this; }
        public Builder repetitionPenalty(float v) { repetitionPenalty = v; return this; }
        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder stopSequences(List<String> v) { stopSequences = v; return this; }
        public Builder stopTokenIds(Set<Integer> v) { stopTokenIds = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public SamplingConfig build() {
            return new SamplingConfig(greedy, temperature, topK, topP, repetitionPenalty, maxNewTokens, stopSequences,
                    stopTokenIds, seed);
        }
    }
}
