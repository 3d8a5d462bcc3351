// MappedBenchCommand: `kindling bench mapped`, a picocli front for dev.kindling.bench.MappedDecodeBench (greedy
// decoding of one GPT-2 checkpoint with its weights memory-mapped, the default, and copied to the heap, alternately).
package dev.kindling.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling bench mapped [--threads N] [--tokens N] [--reps N] [--layers N] [--embd N] [--heads N] [--vocab N]}. */
@Command(
        name = "mapped",
        mixinStandardHelpOptions = true,
        description = {
            "Decoding tokens/s of a randomly initialised GPT-2 (small by default, ~500 MB written to a temp folder)",
            "loaded with memory-mapped weights (HfModels' default) and with heap copies, measured alternately.",
            "Ends with `RESULT mapped_decode heap_tokens_per_s=... mapped_tokens_per_s=... mapped_over_heap=...`.",
        })
final class MappedBenchCommand implements Callable<Integer> {
    static final String MAPPED_BENCH = "dev.kindling.bench.MappedDecodeBench";

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all, or the global --threads N).")
    Integer threads;

    @Option(names = "--tokens", paramLabel = "N", description = "Decode steps per rep (default: 32).")
    Integer tokens;

    @Option(names = "--reps", paramLabel = "N", description = "Timed reps per loading mode; medians reported (default: 5).")
    Integer reps;

    @Option(names = "--layers", paramLabel = "N", description = "GPT-2 layers (default: 12).")
    Integer layers;

    @Option(names = "--embd", paramLabel = "N", description = "Width (default: 768).")
    Integer embd;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads (default: 12).")
    Integer heads;

    @Option(names = "--vocab", paramLabel = "N", description = "Vocabulary (default: 50257).")
    Integer vocab;

    @Override
    public Integer call() throws Exception {
        List<String> a = new ArrayList<>();
        Integer t = threads != null ? threads : Main.ThreadsOption.requested;
        GptBenchCommand.add(a, "--threads", t);
        GptBenchCommand.add(a, "--tokens", tokens);
        GptBenchCommand.add(a, "--reps", reps);
        GptBenchCommand.add(a, "--layers", layers);
        GptBenchCommand.add(a, "--embd", embd);
        GptBenchCommand.add(a, "--heads", heads);
        GptBenchCommand.add(a, "--vocab", vocab);
        try {
            return Main.runMain(MAPPED_BENCH, a.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("kindling bench mapped: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
    }
}
