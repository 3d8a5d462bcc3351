// Quickstart: `kindling quickstart`, the first thing a new user runs. The body is a single method,
// run(out, seed, epochs), so the training demo can replace the placeholder without touching the command.
package dev.kindling.app;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kindling quickstart}: a small end-to-end training demo. */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = "Train a small model end to end and print the result.")
public final class Quickstart implements Callable<Integer> {
    @Mixin
    Main.ThreadsOption threads;

    @Option(names = "--seed", paramLabel = "SEED", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Override
    public Integer call() {
        return run(System.out, seed, epochs);
    }

    /** Runs the demo, writing progress and one final {@code RESULT} line to {@code out}; returns the exit code. */
    static int run(PrintStream out, long seed, int epochs) {
        out.println("quickstart: the engine is being built");
        out.println("RESULT quickstart status=placeholder seed=" + seed + " epochs=" + epochs);
        return 0;
    }
}
