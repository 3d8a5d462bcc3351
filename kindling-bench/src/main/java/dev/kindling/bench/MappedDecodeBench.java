// MappedDecodeBench: greedy decoding speed of one GPT-2 checkpoint loaded two ways, weights memory-mapped (the
// default of HfModels) and copied to the heap, measured alternately in one process (median of reps after warm-up).
// The checkpoint is a randomly initialised GPT-2 (small by default) written to a temporary folder and deleted after.
package dev.kindling.bench;

import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.kernels.Parallel;
import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.gpt.GPT2Config;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.models.hf.HfCheckpoint;
import dev.kindling.models.hf.HfModels;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Storage;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Mapped vs heap decoding. Options: {@code --layers N} (12), {@code --embd N} (768), {@code --heads N} (12),
 * {@code --vocab N} (50257), {@code --tokens N} (decode steps per rep, 32), {@code --reps N} (5),
 * {@code --threads N}. Ends with {@code RESULT mapped_decode heap_tokens_per_s=... mapped_tokens_per_s=...
 * mapped_over_heap=...}.
 */
public final class MappedDecodeBench {
    private MappedDecodeBench() {}

    public static void main(String[] args) throws IOException {
        int layers = 12, embd = 768, heads = 12, vocab = 50257, tokens = 32, reps = 5;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int v = Integer.parseInt(args[++i]);
            switch (a) {
                case "--layers" -> layers = v;
                case "--embd" -> embd = v;
                case "--heads" -> heads = v;
                case "--vocab" -> vocab = v;
                case "--tokens" -> tokens = v;
                case "--reps" -> reps = v;
                case "--threads" -> Parallel.setThreads(v);
                default -> throw new IllegalArgumentException("MappedDecodeBench: unknown option '" + a + "' (known: "
                        + "--layers, --embd, --heads, --vocab, --tokens, --reps, --threads)");
            }
        }
        GPT2Config cfg = GPT2Config.small(vocab, 1024, layers, heads, embd);
        Path dir = Files.createTempDirectory("kindling-mapped-bench");
        try {
            long bytes = writeCheckpoint(dir, cfg);
            System.out.printf(Locale.ROOT, "GPT-2: %d layers, d_model %d, vocab %d: %.0f MB of F32 weights; threads %d%n",
                    layers, embd, vocab, bytes / 1e6, Parallel.threads());
            CausalLM heap = HfModels.loadCausalLM(dir, HfCheckpoint.LoadOptions.heap());
            CausalLM mapped = HfModels.loadCausalLM(dir, HfCheckpoint.LoadOptions.mapped());
            long copies = Storage.materializations();
            decode(heap, tokens);                     // warm-up (JIT, page cache)
            decode(mapped, tokens);
            double[] h = new double[reps], m = new double[reps];
            for (int r = 0; r < reps; r++) {          // alternate, so load changes hit both alike
                h[r] = decode(heap, tokens);
                m[r] = decode(mapped, tokens);
                System.out.printf(Locale.ROOT, "rep %d: heap %.1f tok/s, mapped %.1f tok/s%n", r, h[r], m[r]);
            }
            double hm = median(h), mm = median(m);
            System.out.printf(Locale.ROOT, "heap copies of mapped weights while decoding: %d%n",
                    Storage.materializations() - copies);
            System.out.printf(Locale.ROOT, "RESULT mapped_decode heap_tokens_per_s=%.1f mapped_tokens_per_s=%.1f "
                    + "mapped_over_heap=%.3f model_mb=%.0f%n", hm, mm, mm / hm, bytes / 1e6);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Greedy decoding of {@code tokens} tokens after an 8-token prompt; returns decode tokens/s (prompt excluded). */
    private static double decode(CausalLM lm, int tokens) {
        try (var g = Autograd.noGrad()) {
            var cache = lm.newCache(1, 8 + tokens);
            Tensor logits = lm.forward(Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 8), cache);
            long t0 = System.nanoTime();
            for (int s = 0; s < tokens; s++) {
                float[] last = logits.select(1, logits.size(1) - 1).toFloatArray();
                int best = 0;
                for (int i = 1; i < last.length; i++) if (last[i] > last[best]) best = i;
                logits = lm.forward(Tensor.ofLongs(new long[] {best}, 1, 1), cache);
            }
            return tokens / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** config.json + model.safetensors of a randomly initialised model (the tied head stored once); returns bytes. */
    private static long writeCheckpoint(Path dir, GPT2Config cfg) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>(cfg.toMap());
        config.put("model_type", "gpt2");
        Files.writeString(dir.resolve("config.json"), Json.write(config));
        var model = new GPT2LMHeadModel(cfg, new Generator(0));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        IdentityHashMap<Storage, Boolean> seen = new IdentityHashMap<>();
        for (var e : model.stateDict().entrySet()) {
            if (seen.put(e.getValue().storage(), true) == null) sd.put(e.getKey(), e.getValue());
        }
        Path weights = dir.resolve(HfCheckpoint.WEIGHTS);
        Safetensors.save(weights, sd, Map.of("format", "pt"));
        return Files.size(weights);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
