package dev.kindling.models.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.models.generation.KVCache;
import dev.kindling.models.hf.HfModels;
import dev.kindling.models.hf.HfTestData;
import dev.kindling.ops.Losses;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlamaForCausalLMTest {
    @Test
    void tinyLlamaReproducesTransformersLogits() throws Exception {
        LlamaForCausalLM model = HfModels.loadLlama(HfTestData.model("llama_tiny"));
        assertThat(model.config().numKeyValueHeads()).isEqualTo(2);
        assertThat(model.config().numAttentionHeads()).isEqualTo(4);
        Map<String, Object> exp = HfTestData.expected("llama_tiny");
        Tensor logits = model.forward(HfTestData.ids(exp.get("input_ids")), null);
        assertThat(logits.shape()).containsExactly(2, 9, 101);
        assertThat(HfTestData.maxAbsDiff(logits.toFloatArray(), HfTestData.floats(exp.get("logits")))).isLessThan(1e-4);
    }

    @Test
    void greedyContinuationMatchesExactly() throws Exception {
        LlamaForCausalLM model = HfModels.loadLlama(HfTestData.model("llama_tiny"));
        Map<String, Object> exp = HfTestData.expected("llama_tiny");
        long[] prompt = HfTestData.ids(exp.get("greedy_prompt")).toLongArray();
        long[] want = HfTestData.ids(exp.get("greedy_12")).toLongArray();
        assertThat(HfTestData.greedy(model, prompt, 12)).containsExactly(want);
    }

    @Test
    void cachedDecodingEqualsFullRecompute() throws Exception {
        LlamaForCausalLM model = HfModels.loadLlama(HfTestData.model("llama_tiny"));
        Tensor ids = HfTestData.ids(HfTestData.expected("llama_tiny").get("input_ids"));   // [2, 9]
        float[] full = model.forward(ids, null).toFloatArray();
        // Prefill 4 positions, then a chunk of 3 (a grouped causal mask with an offset), then one token at a time.
        KVCache cache = model.newCache(2, 16);
        List<Tensor> parts = new java.util.ArrayList<>();
        parts.add(model.forward(ids.narrow(1, 0, 4), cache));
        parts.add(model.forward(ids.narrow(1, 4, 3), cache));
        parts.add(model.forward(ids.narrow(1, 7, 1), cache));
        parts.add(model.forward(ids.narrow(1, 8, 1), cache));
        assertThat(cache.length()).isEqualTo(9);
        float[] inc = dev.kindling.ops.ShapeOps.cat(parts, 1).toFloatArray();
        assertThat(HfTestData.maxAbsDiff(inc, full)).isLessThan(2e-6);
    }

    @Test
    void tiedRandomModelTrainsAndSharesItsHead() {
        var cfg = new LlamaConfig(50, 16, 32, 2, 4, 1, 4, 32, 1e-6f, 10000.0, null, true, false, false, 1, 2);
        var model = new LlamaForCausalLM(cfg, new Generator(3));
        assertThat(model.stateDict()).containsKeys("lm_head.weight", "model.embed_tokens.weight");
        assertThat(model.namedParameters()).doesNotContainKey("lm_head.weight");   // one tensor, listed once
        Tensor ids = Tensor.randint(new Generator(4), 0, 50, 2, 8);
        Tensor loss = Losses.crossEntropy(model.forward(ids).reshape(16, 50), ids.reshape(16));
        loss.backward();
        for (var p : model.namedParameters().entrySet()) {
            assertThat(p.getValue().grad()).as(p.getKey()).isNotNull();
            assertThat(p.getValue().grad().abs().sum().item()).as(p.getKey()).isGreaterThan(0f);
        }
        // Multi-query attention (1 kv head for 4 query heads): the cache holds a single kv head.
        KVCache cache = model.newCache(2, 8);
        float[] inc = dev.kindling.ops.ShapeOps.cat(new Tensor[] {model.forward(ids.narrow(1, 0, 5), cache),
                model.forward(ids.narrow(1, 5, 3), cache)}, 1).toFloatArray();
        assertThat(HfTestData.maxAbsDiff(inc, model.forward(ids).toFloatArray())).isLessThan(2e-6);
    }
}
