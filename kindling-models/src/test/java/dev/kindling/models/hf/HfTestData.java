package dev.kindling.models.hf;

import dev.kindling.io.Json;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: the tiny Hugging Face models copied from ../shared/golden/models and their expected outputs. */
public final class HfTestData {
    private HfTestData() {}

    /** The folder of a tiny model under src/test/resources/models. */
    public static Path model(String name) {
        try {
            var url = HfTestData.class.getResource("/models/" + name + "/config.json");
            if (url == null) throw new IllegalStateException("missing test resource models/" + name);
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> expected(String name) throws IOException {
        return Json.parseObject(Files.readString(model(name).resolve("expected.json")));
    }

    /** A nested JSON array of numbers as a flat float array. */
    public static float[] floats(Object nested) {
        List<Double> out = new ArrayList<>();
        flatten(nested, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) f[i] = out.get(i).floatValue();
        return f;
    }

    /** A [B][T] JSON array of integers as an int64 [B, T] tensor. */
    public static Tensor ids(Object nested) {
        List<?> rows = (List<?>) nested;
        int b = rows.size(), t = ((List<?>) rows.getFirst()).size();
        long[] v = new long[b * t];
        for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) v[i * t + j] = (Long) ((List<?>) rows.get(i)).get(j);
        return Tensor.ofLongs(v, b, t);
    }

    private static void flatten(Object o, List<Double> out) {
        if (o instanceof List<?> l) {
            for (Object x : l) flatten(x, out);
        } else {
            out.add(((Number) o).doubleValue());
        }
    }

    /** Largest |a - b| (arrays must have equal length). */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("length " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    /** Greedy decoding with a KV cache: the prompt, then {@code steps} argmax tokens. */
    public static long[] greedy(dev.kindling.models.generation.CausalLM lm, long[] prompt, int steps) {
        var cache = lm.newCache(1, prompt.length + steps);
        long[] out = java.util.Arrays.copyOf(prompt, prompt.length + steps);
        Tensor logits = lm.forward(Tensor.ofLongs(prompt, 1, prompt.length), cache);   // [1, T, V]
        for (int s = 0; s < steps; s++) {
            int v = logits.size(2);
            float[] last = logits.select(1, logits.size(1) - 1).toFloatArray();
            int best = 0;
            for (int i = 1; i < v; i++) if (last[i] > last[best]) best = i;
            out[prompt.length + s] = best;
            if (s + 1 < steps) logits = lm.forward(Tensor.ofLongs(new long[] {best}, 1, 1), cache);
        }
        return out;
    }

    /**
     * Writes {@code tensors} (from checkpoint directory {@code src}) into {@code dir} as a two-shard checkpoint, the
     * tensors alternating between model-00001-of-00002 and model-00002-of-00002, with src's config.json and an index
     * holding {@code metadata} (when not null) and the weight map. Returns the weight map (mutable, in tensor order),
     * so a test can write a corrupted index from it.
     */
    public static Map<String, Object> writeTwoShards(Path src, Map<String, Tensor> tensors, Path dir,
            Map<String, Object> metadata) throws IOException {
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        Map<String, Tensor> a = new java.util.LinkedHashMap<>(), b = new java.util.LinkedHashMap<>();
        Map<String, Object> weightMap = new java.util.LinkedHashMap<>();
        int i = 0;
        for (var e : tensors.entrySet()) {
            boolean first = i++ % 2 == 0;
            (first ? a : b).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        dev.kindling.io.Safetensors.save(dir.resolve("model-00001-of-00002.safetensors"), a, null);
        dev.kindling.io.Safetensors.save(dir.resolve("model-00002-of-00002.safetensors"), b, null);
        Map<String, Object> index = new java.util.LinkedHashMap<>();
        if (metadata != null) index.put("metadata", metadata);
        index.put("weight_map", weightMap);
        Files.writeString(dir.resolve(HfCheckpoint.INDEX), Json.write(index));
        return weightMap;
    }
}
