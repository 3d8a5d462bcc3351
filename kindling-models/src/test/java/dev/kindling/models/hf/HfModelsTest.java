package dev.kindling.models.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.models.llama.LlamaForCausalLM;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** loadCausalLM routes by model_type and the loaded models reproduce transformers. */
class HfModelsTest {
    @Test
    void gpt2TinyLoadsThroughTheGenericLoader() throws Exception {
        CausalLM lm = HfModels.loadCausalLM(HfTestData.model("gpt2_tiny"));
        assertThat(lm).isInstanceOf(GPT2LMHeadModel.class);
        assertThat(((Module) lm).isTraining()).isFalse();
        Map<String, Object> exp = HfTestData.expected("gpt2_tiny");
        Tensor logits = lm.forward(HfTestData.ids(exp.get("input_ids")), null);
        assertThat(logits.shape()).containsExactly(2, 10, 97);
        assertThat(HfTestData.maxAbsDiff(logits.toFloatArray(), HfTestData.floats(exp.get("logits")))).isLessThan(1e-4);
        long[] prompt = HfTestData.ids(exp.get("greedy_prompt")).toLongArray();
        assertThat(HfTestData.greedy(lm, prompt, 12)).containsExactly(HfTestData.ids(exp.get("greedy_12")).toLongArray());
    }

    @Test
    void llamaTinyRoutesToLlama() throws Exception {
        CausalLM lm = HfModels.loadCausalLM(HfTestData.model("llama_tiny"));
        assertThat(lm).isInstanceOf(LlamaForCausalLM.class);
        assertThat(lm.vocabSize()).isEqualTo(101);
        assertThat(lm.maxPositions()).isEqualTo(128);
    }
}
