// TextGenerator: drives any CausalLM token by token with its KV cache, shapes each next-token distribution with
// LogitsProcessors, streams the decoded text as it grows to a Consumer<String>, and stops on a token budget, a stop
// token or a stop sequence (held back while it might still be forming, so it is never streamed).
package dev.kindling.models.generation;

import dev.kindling.models.tokenizers.Tokenizer;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Text generation with streaming.
 *
 * <p>Example:
 * <pre>{@code
 * var gen = new TextGenerator(model, tokenizer);
 * var cfg = SamplingConfig.builder().temperature(0.8f).topK(40).maxNewTokens(300).seed(1).build();
 * TextGenerator.Result r = gen.generate("Fellow citizens", cfg, System.out::print);   // streams pieces
 * r.text();   // the generated text (prompt excluded)
 * }</pre>
 *
 * <p>When prompt plus output outgrow the model's context ({@link CausalLM#maxPositions()}), the cache is rebuilt
 * from the most recent half-context of tokens and generation goes on (a sliding window).
 */
public final class TextGenerator {
    /** Why generation ended. */
    public enum StopReason { MAX_NEW_TOKENS, STOP_TOKEN, STOP_SEQUENCE }

    /**
     * Outcome. {@code promptIds}: the encoded prompt; {@code ids}: generated ids (a stop token is not included;
     * tokens that spelled a stop sequence are); {@code text}: decoded generated text, cut before a stop sequence;
     * {@code seconds}: wall time of the whole call.
     */
    public record Result(int[] promptIds, int[] ids, String text, StopReason stopReason, double seconds) {
        /** Generated tokens per second. */
        public double tokensPerSecond() {
            return seconds > 0 ? ids.length / seconds : 0;
        }
    }

    private final CausalLM model;
    private final Tokenizer tokenizer;

    /** Generator for {@code model}; {@code tokenizer} encodes prompts and decodes output (null for ids only). */
    public TextGenerator(CausalLM model, Tokenizer tokenizer) {
        if (model == null) throw new IllegalArgumentException("TextGenerator: model is required");
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** {@link #generate(String, SamplingConfig, Consumer)} without streaming. */
    public Result generate(String prompt, SamplingConfig cfg) {
        return generate(prompt, cfg, null);
    }

    /**
     * Encodes {@code prompt}, generates, and hands each newly decoded piece of text to {@code onText} (may be null)
     * as soon as it is final. Pieces concatenate to {@link Result#text()}.
     */
    public Result generate(String prompt, SamplingConfig cfg, Consumer<String> onText) {
        if (tokenizer == null) throw new IllegalStateException("TextGenerator.generate(String): no tokenizer; use "
                + "generateIds or construct the generator with a tokenizer");
        int[] promptIds = tokenizer.encode(prompt).ids();
        TextSink sink = new TextSink(cfg, onText);
        long t0 = System.nanoTime();
        Run run = run(promptIds, cfg, sink);
        sink.finish();
        return new Result(promptIds, run.ids, sink.text(), run.reason, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Generates from token ids, handing each id to {@code onToken} (may be null). Stop sequences need a tokenizer
     * and are checked only when this generator has one.
     */
    public Result generateIds(int[] promptIds, SamplingConfig cfg, IntConsumer onToken) {
        TextSink sink = tokenizer != null && !cfg.stopSequences().isEmpty() ? new TextSink(cfg, null) : null;
        long t0 = System.nanoTime();
        Run run = run(promptIds, cfg, id -> {
            if (onToken != null) onToken.accept(id);
            return sink == null || sink.accept(id);
        });
        String text = sink != null ? sink.text() : tokenizer != null ? tokenizer.decode(run.ids, true) : "";
        return new Result(promptIds.clone(), run.ids, text, run.reason, (System.nanoTime() - t0) / 1e9);
    }

    /** Receives each generated id; returns false to stop (a stop sequence was completed). */
    private interface TokenSink {
        boolean accept(int id);
    }

    private record Run(int[] ids, StopReason reason) {}

    private Run run(int[] promptIds, SamplingConfig cfg, TokenSink sink) {
        if (promptIds.length == 0) throw new IllegalArgumentException("TextGenerator: the prompt encodes to no tokens; "
                + "give a non-empty prompt (or a start token id)");
        int maxPos = model.maxPositions(), vocab = model.vocabSize();
        for (int id : promptIds) if (id < 0 || id >= vocab) throw new IllegalArgumentException("TextGenerator: prompt "
                + "token id " + id + " is outside the model's vocabulary of " + vocab);
        int total = promptIds.length + cfg.maxNewTokens();
        int[] context = Arrays.copyOf(promptIds, total);   // prompt + generated, for the repetition penalty
        int len = promptIds.length;
        int[] out = new int[cfg.maxNewTokens()];
        int produced = 0;
        StopReason reason = StopReason.MAX_NEW_TOKENS;
        Generator g = new Generator(cfg.seed());
        boolean wasTraining = model instanceof Module m && m.isTraining();
        if (wasTraining) ((Module) model).eval();
        try (var ng = Autograd.noGrad()) {
            KVCache cache = model.newCache(1, Math.min(maxPos, total));
            int window = Math.max(1, maxPos / 2);
            // Feed the prompt (its last maxPos - 1 tokens if it is longer than the context).
            int start = Math.max(0, len - (maxPos - 1));
            float[] logits = lastLogits(model.forward(ids(context, start, len), cache));
            while (produced < cfg.maxNewTokens()) {
                int next = LogitsProcessors.next(logits, context, len, cfg, g);
                if (cfg.stopTokenIds().contains(next)) {
                    reason = StopReason.STOP_TOKEN;
                    break;
                }
                context[len++] = next;
                out[produced++] = next;
                if (!sink.accept(next)) {
                    reason = StopReason.STOP_SEQUENCE;
                    break;
                }
                if (produced == cfg.maxNewTokens()) break;
                if (cache.remaining() == 0) {                      // context full: slide the window
                    cache.reset();
                    logits = lastLogits(model.forward(ids(context, len - window, len), cache));
                } else {
                    logits = lastLogits(model.forward(ids(context, len - 1, len), cache));
                }
            }
        } finally {
            if (wasTraining) ((Module) model).train();
        }
        return new Run(Arrays.copyOf(out, produced), reason);
    }

    private static Tensor ids(int[] context, int from, int to) {
        long[] v = new long[to - from];
        for (int i = from; i < to; i++) v[i - from] = context[i];
        return Tensor.ofLongs(v, 1, v.length);
    }

    /** The last position's logits of {@code [1, T, V]} as a fresh array. */
    private static float[] lastLogits(Tensor logits) {
        int t = logits.size(1);
        return logits.select(0, 0).select(0, t - 1).contiguous().toFloatArray();
    }

    /**
     * Decodes the growing output, streams the part that is final and watches for stop sequences. Text that could
     * be the start of a stop sequence, or that ends in an incomplete UTF-8 character (U+FFFD), is held back.
     */
    private final class TextSink implements TokenSink {
        private final SamplingConfig cfg;
        private final Consumer<String> onText;
        private int[] ids = new int[16];
        private int n, emitted;
        private String text = "";
        private boolean stopped;

        TextSink(SamplingConfig cfg, Consumer<String> onText) {
            this.cfg = cfg;
            this.onText = onText;
        }

        @Override
        public boolean accept(int id) {
            if (n == ids.length) ids = Arrays.copyOf(ids, 2 * n);
            ids[n++] = id;
            String full = tokenizer.decode(Arrays.copyOf(ids, n), true);
            for (String s : cfg.stopSequences()) {
                int at = full.indexOf(s, Math.max(0, emitted - s.length() + 1));
                if (at >= 0) {
                    text = full.substring(0, at);
                    emit(Math.max(emitted, at));
                    stopped = true;
                    return false;
                }
            }
            text = full;
            int safe = full.length() - heldBack(full);
            if (safe > emitted) emit(safe);
            return true;
        }

        /** Characters at the end of {@code full} that may still change: a partial stop sequence or a partial char. */
        private int heldBack(String full) {
            int hold = 0;
            for (String s : cfg.stopSequences()) {
                for (int k = Math.min(s.length() - 1, full.length()); k > hold; k--) {
                    if (full.regionMatches(full.length() - k, s, 0, k)) {
                        hold = k;
                        break;
                    }
                }
            }
            if (!full.isEmpty() && full.charAt(full.length() - 1) == '\uFFFD') hold = Math.max(hold, 1);
            return hold;
        }

        private void emit(int upTo) {
            if (upTo > emitted && upTo <= text.length()) {
                if (onText != null) onText.accept(text.substring(emitted, upTo));
                emitted = upTo;
            }
        }

        /** Streams whatever was held back once generation is over (no stop sequence can complete any more). */
        void finish() {
            if (!stopped) emit(text.length());
        }

        String text() {
            return text;
        }
    }
}
