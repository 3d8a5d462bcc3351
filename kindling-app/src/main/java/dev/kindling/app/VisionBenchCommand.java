// VisionBenchCommand: `kindling bench vision`, a picocli front for dev.kindling.bench.VisionBench (LeNet-5
// training/inference samples/s and conv2d GFLOPS). Options are checked here and handed to VisionBench.main.
package dev.kindling.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling bench vision [--threads 1,2] [--steps N] [--runs N] ...}. */
@Command(
        name = "vision",
        mixinStandardHelpOptions = true,
        description = {
            "LeNet-5 samples/s and conv2d GFLOPS (LeNet and ResNet layer shapes).",
            "LeNet-5: training (batch 64, Adam, random 1x28x28 inputs, after warm-up) and inference.",
            "conv2d: forward, backward-input and backward-weight (through autograd).",
            "Prints a table, then one `RESULT vision-bench ...` line per measurement.",
        })
final class VisionBenchCommand implements Callable<Integer> {
    /** Fully qualified name of the benchmark in kindling-bench, called reflectively like GemmBench. */
    static final String VISION_BENCH = "dev.kindling.bench.VisionBench";

    @Option(names = "--threads", split = ",", paramLabel = "N,N",
            description = "Thread counts to measure (default: 1,2, or the global --threads N).")
    List<Integer> threads;

    @Option(names = "--batch", paramLabel = "N", description = "Batch size of the LeNet-5 runs (default: 64; the conv2d shapes are fixed).")
    Integer batch;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps per timed run (default: 10).")
    Integer steps;

    @Option(names = "--runs", paramLabel = "N", description = "Timed runs; the median and min..max are reported (default: 5).")
    Integer runs;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed LeNet steps first (default: 15).")
    Integer warmup;

    @Option(names = "--min-ms", paramLabel = "MS", description = "Each conv2d timing lasts at least this long (default: 100).")
    Double minMs;

    @Option(names = "--no-lenet", description = "Skip the LeNet-5 throughput.")
    boolean noLenet;

    @Option(names = "--no-conv", description = "Skip the conv2d GFLOPS.")
    boolean noConv;

    @Option(names = "--profile", description = "Also split LeNet training time into layers / backward / optimizer, "
            + "with allocation and GC.")
    boolean profile;

    @Override
    public Integer call() throws Exception {
        List<String> a = new ArrayList<>();
        if (threads != null) {
            a.add("--threads");
            a.add(String.join(",", threads.stream().map(String::valueOf).toList()));
        } else if (Main.ThreadsOption.requested != null) {   // `kindling --threads N bench vision`: bench with N
            a.add("--threads");
            a.add(Integer.toString(Main.ThreadsOption.requested));
        }
        GptBenchCommand.add(a, "--batch", batch);
        GptBenchCommand.add(a, "--steps", steps);
        GptBenchCommand.add(a, "--runs", runs);
        GptBenchCommand.add(a, "--warmup", warmup);
        GptBenchCommand.add(a, "--min-ms", minMs);
        if (noLenet) a.add("--no-lenet");
        if (noConv) a.add("--no-conv");
        if (profile) a.add("--profile");
        try {
            return Main.runMain(VISION_BENCH, a.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("kindling bench vision: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
    }
}
