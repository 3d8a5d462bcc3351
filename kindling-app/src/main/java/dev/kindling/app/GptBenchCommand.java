// GptBenchCommand: `kindling bench gpt`, a picocli front for dev.kindling.bench.GptBench (tiny-GPT training
// tokens/s and generation tokens/s with and without the KV cache). Options are checked here and handed to main.
package dev.kindling.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling bench gpt [--threads N] [--reps N] [--steps N] ...}. */
@Command(
        name = "gpt",
        mixinStandardHelpOptions = true,
        description = {
            "Tiny GPT (vocab 65, context 64, 4 layers, 4 heads, d_model 128, untied head, batch 32, AdamW lr 3e-4):",
            "training tokens/s on random tokens (10 warm-up steps, then the median of 5 reps of 30 steps) and",
            "greedy generation tokens/s with and without the KV cache.",
            "Ends with `RESULT gpt train_tokens_per_s=... generate_tokens_per_s=... generate_nocache_tokens_per_s=...`.",
        })
final class GptBenchCommand implements Callable<Integer> {
    /** Fully qualified name of the benchmark in kindling-bench, called reflectively like GemmBench. */
    static final String GPT_BENCH = "dev.kindling.bench.GptBench";

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all, or the global --threads N).")
    Integer threads;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed training steps first (default: 10).")
    Integer warmup;

    @Option(names = "--reps", paramLabel = "N", description = "Timed training reps; the median is reported (default: 5).")
    Integer reps;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps per rep (default: 30).")
    Integer steps;

    @Option(names = "--batch", paramLabel = "N", description = "Sequences per training step (default: 32).")
    Integer batch;

    @Option(names = "--gen-reps", paramLabel = "N", description = "Timed generation runs of 63 tokens (default: 5).")
    Integer genReps;

    @Option(names = "--profile", description = "Also split training time into forward, backward and optimizer.")
    boolean profile;

    @Override
    public Integer call() throws Exception {
        List<String> a = new ArrayList<>();
        Integer t = threads != null ? threads : Main.ThreadsOption.requested;
        add(a, "--threads", t);
        add(a, "--warmup", warmup);
        add(a, "--reps", reps);
        add(a, "--steps", steps);
        add(a, "--batch", batch);
        add(a, "--gen-reps", genReps);
        if (profile) a.add("--profile");
        try {
            return Main.runMain(GPT_BENCH, a.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("kindling bench gpt: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
    }

    /** Appends {@code option value} when the value was given (shared by the bench front-ends). */
    static void add(List<String> a, String option, Object value) {
        if (value != null) {
            a.add(option);
            a.add(value.toString());
        }
    }
}
