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
}
