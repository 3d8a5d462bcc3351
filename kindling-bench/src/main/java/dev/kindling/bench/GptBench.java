// GptBench: the tiny-GPT numbers of issue 8 — training tokens/s (vocab 65, ctx 64, 4 layers, 4 heads, d_model 128,
// batch 32, AdamW 3e-4, random tokens) of Kindling's GPT-2 model and of the peers' own definition (peers.TinyGpt),
// and greedy generation tokens/s with and without the KV cache. Run through `./kindling bench gpt`.
package dev.kindling.bench;

import dev.kindling.bench.peers.TinyGpt;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.models.generation.KVCache;
import dev.kindling.models.generation.LogitsProcessors;
import dev.kindling.models.gpt.GPT2Config;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.ops.Losses;
import dev.kindling.optim.AdamW;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Tiny-GPT benchmark. Options: {@code --threads N} (default: all kernel threads), {@code --warmup N} (default 10),
 * {@code --reps N} (default 5), {@code --steps N} (steps per rep, default 30), {@code --batch N} (default 32),
 * {@code --gen-reps N} (generation runs, default 5), {@code --profile} (split a training step into forward, backward
 * and optimizer time). Ends with {@code RESULT gpt train_tokens_per_s=... generate_tokens_per_s=...
 * generate_nocache_tokens_per_s=... threads=N train_peer_tokens_per_s=...} (the last: the peers' TinyGpt).
 */
public final class GptBench {
    private GptBench() {}

    /** The benchmark model: vocab 65, context 64, 4 layers, 4 heads, d_model 128, untied head, no dropout. */
    public static GPT2Config tinyConfig() {
        return GPT2Config.small(65, 64, 4, 4, 128).withTiedEmbeddings(false);
    }

    public static void main(String[] args) {
        int warmup = 10, reps = 5, steps = 30, batch = 32, genReps = 5;
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--threads" -> Parallel.setThreads(positive(a, args, ++i));
                case "--warmup" -> warmup = nonNegative(a, args, ++i);
                case "--reps" -> reps = positive(a, args, ++i);
                case "--steps" -> steps = positive(a, args, ++i);
                case "--batch" -> batch = positive(a, args, ++i);
                case "--gen-reps" -> genReps = positive(a, args, ++i);
                case "--profile" -> profile = true;
                default -> throw new IllegalArgumentException("GptBench: unknown option '" + a + "' (known: --threads, "
                        + "--warmup, --reps, --steps, --batch, --gen-reps, --profile)");
            }
        }
        GPT2Config cfg = tinyConfig();
        int ctx = cfg.nPositions();
        System.out.printf(Locale.ROOT, "Tiny GPT: vocab %d, context %d, %d layers, %d heads, d_model %d, untied head; "
                        + "batch %d, AdamW lr 3e-4; threads %d, Vector API %s%n", cfg.vocabSize(), ctx, cfg.nLayer(),
                cfg.nHead(), cfg.nEmbd(), batch, Parallel.threads(), VectorSupport.enabled() ? "on" : "off");

        // ---- training
        GPT2LMHeadModel model = new GPT2LMHeadModel(cfg, new Generator(0));
        System.out.printf(Locale.ROOT, "Parameters: %,d%n", model.numParameters());
        AdamW opt = new AdamW(model.parameters(), 3e-4);
        Generator data = new Generator(1);
        double[] phase = new double[3];
        for (int s = 0; s < warmup; s++) step(model, opt, data, batch, ctx, null);
        double[] tps = new double[reps];
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
            for (int s = 0; s < steps; s++) step(model, opt, data, batch, ctx, profile ? phase : null);
            double sec = (System.nanoTime() - t0) / 1e9, cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            tps[r] = (double) steps * batch * ctx / sec;
            // Per CPU-second of the calling thread: with --threads 1 this stays meaningful on a loaded machine.
            System.out.printf(Locale.ROOT, "  train rep %d: %,.0f tokens/s (%.1f ms/step; %,.0f tokens per CPU-second "
                    + "of the main thread)%n", r + 1, tps[r], 1000 * sec / steps, steps * batch * ctx / cpu);
        }
        double train = median(tps);
        if (profile) {
            double total = phase[0] + phase[1] + phase[2];
            System.out.printf(Locale.ROOT, "  profile: forward+loss %.0f%%, backward %.0f%%, optimizer %.0f%%%n",
                    100 * phase[0] / total, 100 * phase[1] / total, 100 * phase[2] / total);
        }
        double peer = trainPeerModel(warmup, reps, steps, batch, ctx);

        // ---- generation: batch 1, one-token prompt, greedy to the full context
        model.eval();
        int newTokens = ctx - 1;
        double[] withCache = new double[genReps], noCache = new double[genReps];
        generate(model, newTokens, true);           // warm-up
        generate(model, newTokens, false);
        for (int r = 0; r < genReps; r++) {
            withCache[r] = generate(model, newTokens, true);
            noCache[r] = generate(model, newTokens, false);
        }
        double gen = median(withCache), genNo = median(noCache);
        System.out.printf(Locale.ROOT, "Training: %,.0f tokens/s (median of %d x %d steps, min %,.0f, max %,.0f)%n", train,
                reps, steps, Arrays.stream(tps).min().orElse(0), Arrays.stream(tps).max().orElse(0));
        System.out.printf(Locale.ROOT, "Training, the peers' definition (TinyGpt: exact GELU, lm_head with bias): %,.0f "
                + "tokens/s (median of %d x %d steps)%n", peer, reps, steps);
        System.out.printf(Locale.ROOT, "Generation (batch 1, %d tokens, greedy): %,.0f tokens/s with KV cache, %,.0f "
                + "without (%.1fx)%n", newTokens, gen, genNo, gen / genNo);
        System.out.printf(Locale.ROOT, "RESULT gpt train_tokens_per_s=%.0f generate_tokens_per_s=%.0f "
                + "generate_nocache_tokens_per_s=%.0f threads=%d train_peer_tokens_per_s=%.0f%n", train, gen, genNo,
                Parallel.threads(), peer);
    }

    /**
     * Trains the peer benchmark's own model definition (peers.TinyGpt: exact-erf GELU, lm_head with bias, 818,241
     * parameters) the same way as the GPT-2 model above, so this number and the side-by-side harness's agree.
     */
    private static double trainPeerModel(int warmup, int reps, int steps, int batch, int ctx) {
        TinyGpt peer = new TinyGpt(65, ctx, 128, 4, 4, new Generator(0));
        AdamW opt = new AdamW(peer.parameters(), 3e-4);
        Generator data = new Generator(2);
        Runnable step = () -> {
            Tensor x = Tensor.randint(data, 0, 65, batch, ctx), y = Tensor.randint(data, 0, 65, batch * ctx);
            opt.zeroGrad();
            Losses.crossEntropy(peer.forward(x).reshape(batch * ctx, 65), y).backward();   // [B*T, V] vs [B*T]
            opt.step();
        };
        for (int s = 0; s < warmup; s++) step.run();
        double[] tps = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) step.run();
            tps[r] = (double) steps * batch * ctx / ((System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "  peer-model train rep %d: %,.0f tokens/s%n", r + 1, tps[r]);
        }
        return median(tps);
    }

    private static void step(GPT2LMHeadModel model, AdamW opt, Generator data, int batch, int ctx, double[] phase) {
        Tensor x = Tensor.randint(data, 0, 65, batch, ctx), y = Tensor.randint(data, 0, 65, batch, ctx);
        long t0 = System.nanoTime();
        opt.zeroGrad();
        Tensor loss = model.loss(x, y);
        long t1 = System.nanoTime();
        loss.backward();
        long t2 = System.nanoTime();
        opt.step();
        long t3 = System.nanoTime();
        if (phase != null) {
            phase[0] += t1 - t0;
            phase[1] += t2 - t1;
            phase[2] += t3 - t2;
        }
    }

    /** Greedy generation of {@code n} tokens after token 0; returns tokens/s. */
    private static double generate(GPT2LMHeadModel model, int n, boolean cache) {
        long[] seq = new long[n + 1];
        long t0 = System.nanoTime();
        try (var g = Autograd.noGrad()) {
            KVCache kv = cache ? model.newCache(1, n + 1) : null;
            Tensor logits = model.forward(Tensor.ofLongs(new long[] {0}, 1, 1), kv);
            for (int i = 1; i <= n; i++) {
                seq[i] = LogitsProcessors.argmax(logits.select(0, 0).select(0, logits.size(1) - 1).contiguous()
                        .toFloatArray());
                if (i == n) break;
                logits = cache ? model.forward(Tensor.ofLongs(new long[] {seq[i]}, 1, 1), kv)
                        : model.forward(Tensor.ofLongs(Arrays.copyOf(seq, i + 1), 1, i + 1), null);
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static int positive(String opt, String[] args, int i) {
        int v = nonNegative(opt, args, i);
        if (v < 1) throw new IllegalArgumentException("GptBench: " + opt + " must be >= 1, got " + v);
        return v;
    }

    private static int nonNegative(String opt, String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException("GptBench: " + opt + " needs a value");
        try {
            int v = Integer.parseInt(args[i]);
            if (v < 0) throw new IllegalArgumentException("GptBench: " + opt + " must be >= 0, got " + v);
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GptBench: " + opt + " expects an integer, got '" + args[i] + "'");
        }
    }
}
