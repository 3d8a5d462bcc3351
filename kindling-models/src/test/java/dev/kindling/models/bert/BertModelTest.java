package dev.kindling.models.bert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.models.hf.HfModels;
import dev.kindling.models.hf.HfTestData;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BertModelTest {
    @Test
    void tinyBertReproducesTransformersOutputsWithPadding() throws Exception {
        BertModel bert = HfModels.loadBert(HfTestData.model("bert_tiny"));
        Map<String, Object> exp = HfTestData.expected("bert_tiny");
        BertModel.Output out = bert.forward(HfTestData.ids(exp.get("input_ids")), HfTestData.ids(exp.get(
                "attention_mask")), HfTestData.ids(exp.get("token_type_ids")));
        assertThat(out.lastHiddenState().shape()).containsExactly(2, 8, 32);
        assertThat(out.poolerOutput().shape()).containsExactly(2, 32);
        assertThat(HfTestData.maxAbsDiff(out.lastHiddenState().toFloatArray(),
                HfTestData.floats(exp.get("last_hidden_state")))).isLessThan(1e-4);
        assertThat(HfTestData.maxAbsDiff(out.poolerOutput().toFloatArray(), HfTestData.floats(exp.get("pooler_output"))))
                .isLessThan(1e-4);
    }

    @Test
    void paddingDoesNotChangeRealTokens() throws Exception {
        BertModel bert = HfModels.loadBert(HfTestData.model("bert_tiny"));
        Tensor alone = Tensor.ofLongs(new long[] {34, 7, 58, 17, 44}, 1, 5);
        Tensor padded = Tensor.ofLongs(new long[] {34, 7, 58, 17, 44, 0, 0, 0}, 1, 8);
        Tensor mask = Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 0, 0, 0}, 1, 8);
        float[] a = bert.encode(alone).lastHiddenState().toFloatArray();
        float[] b = bert.forward(padded, mask, null).lastHiddenState().narrow(1, 0, 5).toFloatArray();
        assertThat(HfTestData.maxAbsDiff(a, b)).isLessThan(1e-5);
        // Without the mask the padding leaks into the real tokens.
        float[] leak = bert.encode(padded).lastHiddenState().narrow(1, 0, 5).toFloatArray();
        assertThat(HfTestData.maxAbsDiff(a, leak)).isGreaterThan(1e-3);
    }

    @Test
    void randomBertIsDifferentiableEndToEnd() {
        var cfg = new BertConfig(30, 16, 2, 2, 24, "gelu", 16, 2, 1e-12f, 0.1f, 0.02f, true);
        BertModel bert = new BertModel(cfg, new Generator(9));
        bert.train();
        Tensor ids = Tensor.randint(new Generator(1), 0, 30, 2, 6);
        BertModel.Output out = bert.forward(ids, Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, 2, 6),
                null);
        out.poolerOutput().square().sum().add(out.lastHiddenState().sum()).backward();
        for (var p : bert.namedParameters().entrySet()) assertThat(p.getValue().grad()).as(p.getKey()).isNotNull();
        assertThat(bert.stateDict()).containsKeys("embeddings.word_embeddings.weight",
                "encoder.layer.1.attention.self.query.weight", "encoder.layer.0.attention.output.LayerNorm.bias",
                "encoder.layer.0.intermediate.dense.weight", "encoder.layer.0.output.dense.bias", "pooler.dense.weight");
    }
}
