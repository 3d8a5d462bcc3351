package dev.kindling.models.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.llama.LlamaForCausalLM;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointTest {
    @TempDir
    Path tmp;

    private static final Path LLAMA = HfTestData.model("llama_tiny");

    private Path folderWith(Map<String, Tensor> tensors) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m" + System.nanoTime()));
        Files.copy(LLAMA.resolve("config.json"), dir.resolve("config.json"));
        Safetensors.save(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        return dir;
    }

    private static float[] logits(CausalLM lm) throws IOException {
        return lm.forward(HfTestData.ids(HfTestData.expected("llama_tiny").get("input_ids")), null).toFloatArray();
    }

    @Test
    void shardedCheckpointLoadsLikeTheSingleFile() throws Exception {
        Map<String, Tensor> all = Safetensors.load(LLAMA.resolve("model.safetensors"));
        Path dir = tmp.resolve("sharded");
        Map<String, Object> weightMap = HfTestData.writeTwoShards(LLAMA, all, dir, Map.of("total_size", 100224));
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            assertThat(ckpt.tensorNames()).containsExactlyInAnyOrderElementsOf(all.keySet());
        }
        assertThat(logits(HfModels.loadCausalLM(dir))).containsExactly(logits(HfModels.loadCausalLM(LLAMA)));

        // An index that places a tensor in the wrong shard is rejected by name.
        boolean normInFirst = "model-00001-of-00002.safetensors".equals(weightMap.get("model.norm.weight"));
        weightMap.put("model.norm.weight", "model-00001-of-00002.safetensors");
        if (!normInFirst) {
            Files.writeString(dir.resolve(HfCheckpoint.INDEX), Json.write(Map.of("weight_map", weightMap)));
            assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(IOException.class)
                    .hasMessageContaining("'model.norm.weight'").hasMessageContaining("model-00001-of-00002");
        }
    }

    @Test
    void missingAndMismatchedTensorsAreReportedByNameAndShape() throws Exception {
        Map<String, Tensor> all = Safetensors.load(LLAMA.resolve("model.safetensors"));
        all.remove("model.layers.1.mlp.up_proj.weight");
        all.put("model.layers.0.self_attn.k_proj.weight", Tensor.zeros(32, 32));   // should be [16, 32]
        Path dir = folderWith(all);
        assertThatThrownBy(() -> HfModels.loadCausalLM(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing tensor 'model.layers.1.mlp.up_proj.weight' (model expects [64, 32])")
                .hasMessageContaining("tensor 'model.layers.0.self_attn.k_proj.weight' has shape [32, 32] in "
                        + "model.safetensors but the model expects [16, 32]");
    }

    @Test
    void halfPrecisionWeightsConvertIntoFloatParameters() throws Exception {
        Map<String, Tensor> all = Safetensors.load(LLAMA.resolve("model.safetensors"));
        for (String dtype : new String[] {"BF16", "F16"}) {
            Path dir = Files.createDirectories(tmp.resolve(dtype));
            Files.copy(LLAMA.resolve("config.json"), dir.resolve("config.json"));
            Map<String, Tensor> rounded = writeHalf(dir.resolve("model.safetensors"), all, dtype);
            LlamaForCausalLM lm = HfModels.loadLlama(dir);
            var state = lm.stateDict();
            for (var e : rounded.entrySet()) {
                assertThat(state.get(e.getKey()).toFloatArray()).as(dtype + " " + e.getKey())
                        .containsExactly(e.getValue().toFloatArray());
            }
            // Still the same model, to half-precision accuracy.
            assertThat(HfTestData.maxAbsDiff(logits(lm), logits(HfModels.loadLlama(LLAMA)))).isLessThan(0.02);
        }
    }

    @Test
    void prefixedTaskCheckpointsAndUnusedTensorsAreTolerated() throws Exception {
        // A BERT checkpoint saved from a task model ("bert." prefix) with a stale position_ids buffer.
        Path bert = HfTestData.model("bert_tiny");
        Map<String, Tensor> prefixed = new LinkedHashMap<>();
        for (var e : Safetensors.load(bert.resolve("model.safetensors")).entrySet())
            prefixed.put("bert." + e.getKey(), e.getValue());
        prefixed.put("bert.embeddings.position_ids", Tensor.arangeLong(0, 64).reshape(1, 64));
        Path dir = Files.createDirectories(tmp.resolve("bert"));
        Files.copy(bert.resolve("config.json"), dir.resolve("config.json"));
        Safetensors.save(dir.resolve("model.safetensors"), prefixed, null);
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            var model = new dev.kindling.models.bert.BertModel(dev.kindling.models.bert.BertConfig.from(ckpt.config()),
                    null);
            HfCheckpoint.LoadReport r = ckpt.loadInto(model);
            assertThat(r.unusedTensors()).containsExactly("bert.embeddings.position_ids");
            assertThat(r.tensorsLoaded()).isEqualTo(model.stateDict().size());
        }
        var a = HfModels.loadBert(dir).encode(Tensor.ofLongs(new long[] {5, 6, 7}, 1, 3)).poolerOutput();
        var b = HfModels.loadBert(bert).encode(Tensor.ofLongs(new long[] {5, 6, 7}, 1, 3)).poolerOutput();
        assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
    }

    @Test
    void foldersWithoutWeightsOrWithUnknownModelsFailClearly() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.copy(LLAMA.resolve("config.json"), empty.resolve("config.json"));
        assertThatThrownBy(() -> HfCheckpoint.open(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors");
        Path other = folderWith(Safetensors.load(LLAMA.resolve("model.safetensors")));
        Files.writeString(other.resolve("config.json"), "{\"model_type\": \"mamba\"}");
        assertThatThrownBy(() -> HfModels.loadCausalLM(other)).hasMessageContaining("'mamba'")
                .hasMessageContaining("gpt2, llama");
        assertThatThrownBy(() -> HfModels.loadCausalLM(HfTestData.model("bert_tiny")))
                .hasMessageContaining("loadBert");
    }

    /** Writes every tensor as BF16 or F16 (by hand: Safetensors.save writes F32) and returns the rounded values. */
    private static Map<String, Tensor> writeHalf(Path file, Map<String, Tensor> tensors, String dtype)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, Tensor> rounded = new LinkedHashMap<>();
        ByteBuffer data = ByteBuffer.allocate(tensors.values().stream().mapToInt(t -> 2 * t.numel()).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (var e : tensors.entrySet()) {
            float[] v = e.getValue().toFloatArray(), r = new float[v.length];
            int begin = data.position();
            for (int i = 0; i < v.length; i++) {
                short bits = dtype.equals("BF16") ? (short) (Float.floatToRawIntBits(v[i]) >>> 16)   // truncation
                        : Float.floatToFloat16(v[i]);
                data.putShort(bits);
                r[i] = dtype.equals("BF16") ? Float.intBitsToFloat((bits & 0xffff) << 16) : Float.float16ToFloat(bits);
            }
            header.put(e.getKey(), Map.of("dtype", dtype, "shape", e.getValue().shape(), "data_offsets",
                    new long[] {begin, data.position()}));
            rounded.put(e.getKey(), Tensor.of(r, e.getValue().shape()));
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(data.array());
        Files.write(file, out.array());
        return rounded;
    }
}
