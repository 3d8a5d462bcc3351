// Tests of the GPT-2 model: Hugging Face golden logits and greedy continuation (gpt2_tiny), KV-cache decoding
// against full recomputation, HF state-dict names, and that a tiny model learns a repeated sequence.
package dev.kindling.models.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.io.Json;
import dev.kindling.models.generation.KVCache;
import dev.kindling.optim.AdamW;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GPT2LMHeadModelTest {
    static Path tinyDir() throws Exception {
        return Path.of(GPT2LMHeadModelTest.class.getResource("/models/gpt2_tiny/config.json").toURI()).getParent();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> expected() throws Exception {
        return Json.parseObject(Files.readString(tinyDir().resolve("expected.json")));
    }

    static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(o -> ((Number) o).longValue()).toArray();
    }

    @Test
    void reproducesHuggingFaceLogits() throws Exception {
        var model = GPT2LMHeadModel.fromPretrained(tinyDir());
        Map<String, Object> exp = expected();
        List<?> ids = (List<?>) exp.get("input_ids"), logits = (List<?>) exp.get("logits");
        for (int s = 0; s < ids.size(); s++) {
            long[] seq = longs(ids.get(s));
            Tensor out;
            try (var g = Autograd.noGrad()) {
                out = model.forward(Tensor.ofLongs(seq, 1, seq.length), null);   // [1, T, V]
            }
            assertThat(out.shape()).containsExactly(1, seq.length, 97);
            List<?> rows = (List<?>) logits.get(s);
            double maxErr = 0;
            for (int t = 0; t < seq.length; t++) {
                List<?> row = (List<?>) rows.get(t);
                for (int v = 0; v < 97; v++) maxErr = Math.max(maxErr, Math.abs(out.get(0, t, v)
                        - ((Number) row.get(v)).doubleValue()));
            }
            assertThat(maxErr).as("max |logit - HF| of sequence " + s).isLessThan(1e-4);
        }
    }

    @Test
    void greedyContinuationMatchesHuggingFace() throws Exception {
        var model = GPT2LMHeadModel.fromPretrained(tinyDir());
        Map<String, Object> exp = expected();
        long[] prompt = longs(((List<?>) exp.get("greedy_prompt")).get(0));
        long[] want = longs(((List<?>) exp.get("greedy_12")).get(0));
        long[] got = java.util.Arrays.copyOf(prompt, want.length);
        KVCache cache = model.newCache(1, want.length);
        try (var g = Autograd.noGrad()) {
            Tensor logits = model.forward(Tensor.ofLongs(prompt, 1, prompt.length), cache);
            for (int i = prompt.length; i < want.length; i++) {
                got[i] = argmaxLast(logits);
                logits = model.forward(Tensor.ofLongs(new long[] {got[i]}, 1, 1), cache);
            }
        }
        assertThat(got).containsExactly(want);
    }

    static long argmaxLast(Tensor logits) {
        int t = logits.size(1), v = logits.size(2);
        int best = 0;
        for (int j = 1; j < v; j++) if (logits.get(0, t - 1, j) > logits.get(0, t - 1, best)) best = j;
        return best;
    }

    @Test
    void cachedDecodingMatchesFullRecompute() {
        var cfg = GPT2Config.small(50, 32, 2, 4, 32);
        var model = new GPT2LMHeadModel(cfg, new Generator(3));
        model.eval();
        Generator g = new Generator(11);
        int b = 2, t = 14;
        Tensor ids = Tensor.randint(g, 0, 50, b, t);
        try (var ng = Autograd.noGrad()) {
            Tensor full = model.forward(ids, null);                              // [B, T, V]
            KVCache cache = model.newCache(b, 32);
            // Prompt of 5, then single tokens, then a 3-token chunk after a non-empty cache (masked path), then singles.
            int[] chunks = {5, 1, 1, 3, 1, 1, 2};
            int pos = 0;
            double maxErr = 0;
            for (int c : chunks) {
                Tensor step = model.forward(ids.narrow(1, pos, c).contiguous(), cache);   // [B, c, V]
                for (int bi = 0; bi < b; bi++)
                    for (int i = 0; i < c; i++)
                        for (int v = 0; v < 50; v++)
                            maxErr = Math.max(maxErr, Math.abs(step.get(bi, i, v) - full.get(bi, pos + i, v)));
                pos += c;
            }
            assertThat(pos).isEqualTo(t);
            assertThat(cache.length()).isEqualTo(t);
            assertThat(maxErr).isLessThan(1e-5);
        }
    }

    @Test
    void stateDictUsesHuggingFaceNamesAndTiesTheHead() {
        var model = new GPT2LMHeadModel(GPT2Config.small(20, 16, 2, 2, 8), new Generator(0));
        Map<String, Tensor> sd = model.stateDict();
        assertThat(sd).containsKeys("transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.ln_1.weight",
                "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.bias", "transformer.h.1.ln_2.bias",
                "transformer.h.1.mlp.c_fc.weight", "transformer.h.1.mlp.c_proj.weight", "transformer.ln_f.weight",
                "lm_head.weight");
        assertThat(sd.get("transformer.h.0.attn.c_attn.weight").shape()).containsExactly(8, 24);   // Conv1D [in, out]
        assertThat(sd.get("transformer.h.0.mlp.c_proj.weight").shape()).containsExactly(32, 8);
        // Tied: one parameter for wte and lm_head.
        assertThat(model.parameters().stream().filter(p -> p.shape()[0] == 20).count()).isEqualTo(1);
        var untied = new GPT2LMHeadModel(GPT2Config.small(20, 16, 2, 2, 8).withTiedEmbeddings(false), new Generator(0));
        assertThat(untied.parameters().stream().filter(p -> p.shape()[0] == 20).count()).isEqualTo(2);
    }

    @Test
    void rejectsSequencesLongerThanThePositionTable() {
        var model = new GPT2LMHeadModel(GPT2Config.small(10, 8, 1, 2, 8), new Generator(0));
        assertThatThrownBy(() -> model.forward(Tensor.ofLongs(new long[9], 1, 9), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n_positions 8");
    }

    @Test
    void learnsARepeatingSequence() {
        var cfg = GPT2Config.small(8, 16, 2, 2, 32);
        var model = new GPT2LMHeadModel(cfg, new Generator(1));
        var opt = new AdamW(model.parameters(), 3e-3);
        long[] x = new long[2 * 16], y = new long[2 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 16 + i / 16) % 8;
            y[i] = (i % 16 + i / 16 + 1) % 8;
        }
        Tensor xs = Tensor.ofLongs(x, 2, 16), ys = Tensor.ofLongs(y, 2, 16);
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++) {
            opt.zeroGrad();
            Tensor loss = model.loss(xs, ys);
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        assertThat(first).isGreaterThan(1.8f);   // ~ln 8 at init
        assertThat(last).isLessThan(0.1f);
    }
}
