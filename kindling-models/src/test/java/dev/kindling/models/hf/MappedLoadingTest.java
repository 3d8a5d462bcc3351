package dev.kindling.models.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.io.Safetensors;
import dev.kindling.models.bert.BertModel;
import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.nn.Module;
import dev.kindling.optim.SGD;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Storage;
import dev.kindling.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory-mapped weights (HfCheckpoint.LoadOptions.mapped) against heap-loaded ones on the tiny Hugging Face models:
 * same outputs, golden greedy continuations, no heap copy of a mapped weight while generating, and fine-tuning still
 * works (copy-on-write).
 */
class MappedLoadingTest {
    /** Maps every F32 matrix of the tiny models (their tensors are all far below the 1 MiB default). */
    private static final HfCheckpoint.LoadOptions ALL_MAPPED = HfCheckpoint.LoadOptions.mapped().withMapMinBytes(0);
    /**
     * Mapped weights are streamed in column blocks, so GEMM may take another vector path for a block than for the
     * whole matrix; every output is still one dot product in k order. Measured: 0 on these models.
     */
    private static final double SAME = 1e-6;

    @TempDir
    Path tmp;

    @Test
    void mappedGpt2AndLlamaMatchHeapAndGenerateWithoutCopyingWeights() throws Exception {
        for (String name : List.of("gpt2_tiny", "llama_tiny")) {
            Path dir = HfTestData.model(name);
            Map<String, Object> exp = HfTestData.expected(name);
            CausalLM heap = HfModels.loadCausalLM(dir, HfCheckpoint.LoadOptions.heap());
            CausalLM mapped = HfModels.loadCausalLM(dir, ALL_MAPPED);
            List<Tensor> matrices = matrices((Module) mapped);
            assertThat(matrices).as(name + " matrices").isNotEmpty().allMatch(Tensor::isMapped);
            assertThat(((Module) heap).parameters()).noneMatch(Tensor::isMapped);

            long before = Storage.materializations();
            Tensor ids = HfTestData.ids(exp.get("input_ids"));
            float[] fromMap = mapped.forward(ids, null).toFloatArray(), fromHeap = heap.forward(ids, null).toFloatArray();
            assertThat(HfTestData.maxAbsDiff(fromMap, fromHeap)).as(name + " logits").isLessThanOrEqualTo(SAME);
            assertThat(HfTestData.maxAbsDiff(fromMap, HfTestData.floats(exp.get("logits")))).isLessThan(1e-4);
            long[] prompt = HfTestData.ids(exp.get("greedy_prompt")).toLongArray();
            long[] greedy;
            try (var g = Autograd.noGrad()) {
                greedy = HfTestData.greedy(mapped, prompt, 12);
            }
            assertThat(greedy).as(name + " greedy").containsExactly(HfTestData.ids(exp.get("greedy_12")).toLongArray());
            // The hot path (linear / Conv1D / tied head / embedding) read every weight in place.
            assertThat(Storage.materializations() - before).as(name + " heap copies of mapped weights").isZero();
            assertThat(matrices).allMatch(Tensor::isMapped);
        }
    }

    @Test
    void mappedBertMatchesHeap() throws Exception {
        Path dir = HfTestData.model("bert_tiny");
        Map<String, Object> exp = HfTestData.expected("bert_tiny");
        BertModel heap = HfModels.loadBert(dir, HfCheckpoint.LoadOptions.heap());
        BertModel mapped = HfModels.loadBert(dir, ALL_MAPPED);
        assertThat(matrices(mapped)).isNotEmpty().allMatch(Tensor::isMapped);
        Tensor ids = HfTestData.ids(exp.get("input_ids"));
        Tensor mask = HfTestData.ids(exp.get("attention_mask")), types = HfTestData.ids(exp.get("token_type_ids"));
        float[] a = mapped.forward(ids, mask, types).lastHiddenState().toFloatArray();
        float[] b = heap.forward(ids, mask, types).lastHiddenState().toFloatArray();
        assertThat(HfTestData.maxAbsDiff(a, b)).isLessThanOrEqualTo(SAME);
        assertThat(HfTestData.maxAbsDiff(a, HfTestData.floats(exp.get("last_hidden_state")))).isLessThan(1e-4);
    }

    @Test
    void fineTuningAMappedModelMatchesTheHeapModel() throws Exception {
        Path dir = HfTestData.model("gpt2_tiny");
        var heap = (GPT2LMHeadModel) HfModels.loadCausalLM(dir, HfCheckpoint.LoadOptions.heap());
        var mapped = (GPT2LMHeadModel) HfModels.loadCausalLM(dir, ALL_MAPPED);
        Tensor ids = Tensor.ofLongs(new long[] {5, 17, 33, 2, 64, 9, 41, 3}, 2, 4);
        Tensor targets = Tensor.ofLongs(new long[] {17, 33, 2, 64, 9, 41, 3, 8}, 2, 4);
        heap.train();
        mapped.train();
        // Backward through mapped weights (input gradients streamed, weight gradients as usual).
        heap.loss(ids, targets).backward();
        mapped.loss(ids, targets).backward();
        Map<String, Tensor> hp = heap.namedParameters(), mp = mapped.namedParameters();
        for (String k : hp.keySet()) {
            assertThat(HfTestData.maxAbsDiff(mp.get(k).grad().toFloatArray(), hp.get(k).grad().toFloatArray()))
                    .as("grad " + k).isLessThanOrEqualTo(SAME);
        }
        // An optimizer step writes the weights: mapped ones get their heap copy first and then match the heap model.
        long before = Storage.materializations();
        new SGD(heap.parameters(), 0.5).step();
        new SGD(mapped.parameters(), 0.5).step();
        assertThat(Storage.materializations() - before).isEqualTo(matrixStorages(dir));
        assertThat(mapped.parameters()).noneMatch(Tensor::isMapped);
        for (String k : hp.keySet()) {
            assertThat(mp.get(k).toFloatArray()).as(k).containsExactly(hp.get(k).toFloatArray());
        }
        // The file itself is untouched: a fresh mapped load still reproduces the original logits.
        Map<String, Object> exp = HfTestData.expected("gpt2_tiny");
        CausalLM again = HfModels.loadCausalLM(dir, ALL_MAPPED);
        assertThat(HfTestData.maxAbsDiff(again.forward(HfTestData.ids(exp.get("input_ids")), null).toFloatArray(),
                HfTestData.floats(exp.get("logits")))).isLessThan(1e-4);
    }

    @Test
    void shardedCheckpointsMapEveryShard() throws Exception {
        Path src = HfTestData.model("llama_tiny");
        Map<String, Tensor> all = Safetensors.load(src.resolve("model.safetensors"));
        Path dir = tmp.resolve("sharded");
        HfTestData.writeTwoShards(src, all, dir, null);

        var model = new dev.kindling.models.llama.LlamaForCausalLM(
                dev.kindling.models.llama.LlamaConfig.from(HfConfig.read(dir)), null);
        HfCheckpoint.LoadReport report;
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            report = ckpt.loadInto(model, ALL_MAPPED);
        }
        long matrixValues = 0;
        for (Tensor t : matrices(model)) matrixValues += t.numel();
        assertThat(report.valuesMapped()).isEqualTo(matrixValues).isPositive();
        assertThat(matrices(model)).allMatch(Tensor::isMapped);
        model.eval();
        Tensor ids = HfTestData.ids(HfTestData.expected("llama_tiny").get("input_ids"));
        CausalLM single = HfModels.loadCausalLM(src, HfCheckpoint.LoadOptions.heap());
        // The mapping outlives the closed checkpoint: the model still reads it.
        assertThat(HfTestData.maxAbsDiff(model.forward(ids, null).toFloatArray(), single.forward(ids, null).toFloatArray()))
                .isLessThanOrEqualTo(SAME);
    }

    @Test
    void theDefaultKeepsOnlyLargeMatricesMapped() throws Exception {
        // Every tensor of the tiny models is below the 1 MiB default: all on the heap, as before.
        CausalLM lm = HfModels.loadCausalLM(HfTestData.model("gpt2_tiny"));
        assertThat(((Module) lm).parameters()).noneMatch(Tensor::isMapped);
    }

    /** The model's 2-D parameters (the ones ALL_MAPPED maps). */
    private static List<Tensor> matrices(Module m) {
        return m.parameters().stream().filter(t -> t.dim() == 2).toList();
    }

    /** Distinct storages of the gpt2_tiny model's matrices (wte is shared with the tied head). */
    private static long matrixStorages(Path dir) throws Exception {
        var m = (Module) HfModels.loadCausalLM(dir, ALL_MAPPED);
        return m.parameters().stream().filter(t -> t.dim() == 2).map(Tensor::storage).distinct().count();
    }
}
