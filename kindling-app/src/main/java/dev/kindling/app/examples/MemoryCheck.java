// MemoryCheck: trains a small MLP for 10,000 steps and samples the heap left after a full GC at regular
// intervals past warm-up. A training loop must not grow the heap: a step's graph, gradients and optimizer
// scratch have to become garbage once the next step begins.
package dev.kindling.app.examples;

import dev.kindling.data.DataLoader;
import dev.kindling.data.TensorDataset;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.Linear;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.ops.Reductions;
import dev.kindling.optim.Adam;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kindling example memory-check}. */
@Command(
        name = "memory-check",
        mixinStandardHelpOptions = true,
        description = "Train a small MLP for 10,000 steps and check that the heap does not grow.")
public final class MemoryCheck implements Callable<Integer> {
    /** Growth above this (used heap after GC, last sample minus first) counts as a leak. */
    static final double LIMIT_MB = 4.0;

    @Spec
    CommandSpec spec;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps = 10_000;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Steps before the first heap sample (default: ${DEFAULT-VALUE}).")
    int warmup = 1_000;

    @Option(names = "--samples", paramLabel = "N", description = "Heap samples after warm-up (default: ${DEFAULT-VALUE}).")
    int samples = 10;

    @Option(names = "--seed", paramLabel = "SEED", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Override
    public Integer call() {
        if (steps < 2 || warmup < 0 || warmup >= steps || samples < 2) throw new ParameterException(spec.commandLine(),
                "need steps >= 2, 0 <= warmup < steps and samples >= 2; got steps=" + steps
                        + ", warmup=" + warmup + ", samples=" + samples);
        return run(System.out, steps, warmup, samples, seed).growthMb() <= LIMIT_MB ? 0 : 1;
    }

    /** Heap samples (MiB used after GC, taken after {@code atStep[i]} steps), growth, and the final loss. */
    public record Report(int[] atStep, double[] usedMb, double growthMb, double maxMinusMinMb, float lastLoss,
            double stepsPerSecond) {}

    /**
     * Trains a 32-64-64-4 MLP (ReLU, dropout 0.1, Adam, cross-entropy) on 2,048 synthetic, learnable examples
     * in batches of 64 for {@code steps} steps, sampling the heap {@code samples} times evenly from step
     * {@code warmup} to the end.
     */
    public static Report run(PrintStream out, int steps, int warmup, int samples, long seed) {
        Generator g = new Generator(seed);
        int n = 2048, d = 32, classes = 4;
        Tensor x = Tensor.randn(g, n, d);                                    // [N, 32]
        Tensor w = Tensor.randn(g, d, classes);                              // [32, 4] hidden "teacher"
        Tensor y = Reductions.argmax(x.matmul(w), 1, false);                  // [N] int64
        var model = new Sequential(new Linear(d, 64, g), new ReLU(), new Dropout(0.1f, g),
                new Linear(64, 64, g), new ReLU(), new Linear(64, classes, g));
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(model.parameters(), 1e-3);
        var loader = new DataLoader(new TensorDataset(x, y),
                DataLoader.Options.builder().batchSize(64).shuffle(true).seed(seed).build());
        out.printf(Locale.ROOT, "memory-check: MLP 32-64-64-4 (%d parameters), Adam, batch 64, %d steps; heap used "
                + "after GC sampled %d times from step %d%n", model.numParameters(), steps, samples, warmup);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int[] atStep = new int[samples];
        for (int i = 0; i < samples; i++) atStep[i] = warmup + (int) ((long) (steps - warmup) * i / (samples - 1));
        double[] used = new double[samples];
        int next = 0;
        float loss = Float.NaN;
        Iterator<Tensor[]> it = loader.iterator();
        long start = System.nanoTime(), gcNanos = 0;
        for (int step = 0; step <= steps; step++) {
            while (next < samples && atStep[next] == step) {
                long t0 = System.nanoTime();
                used[next] = usedAfterGc(memory);
                gcNanos += System.nanoTime() - t0;
                out.printf(Locale.ROOT, "  step %6d  loss %.4f  heap used after GC %8.2f MiB%n", step, loss, used[next]);
                next++;
            }
            if (step == steps) break;
            if (!it.hasNext()) it = loader.iterator();
            Tensor[] batch = it.next();
            Tensor l = criterion.forward(model.forward(batch[0]), batch[1]);
            optimizer.zeroGrad();
            l.backward();
            optimizer.step();
            loss = l.item();
        }
        double seconds = (System.nanoTime() - start - gcNanos) / 1e9;
        loader.close();
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double u : used) {
            min = Math.min(min, u);
            max = Math.max(max, u);
        }
        double growth = used[samples - 1] - used[0];
        var report = new Report(atStep, used, growth, max - min, loss, steps / seconds);
        out.printf(Locale.ROOT, "Heap after GC went from %.2f MiB (step %d) to %.2f MiB (step %d): growth %+.2f MiB "
                + "(max - min %.2f MiB), %.0f steps/s.%n", used[0], atStep[0], used[samples - 1], steps, growth,
                max - min, report.stepsPerSecond());
        out.println(growth <= LIMIT_MB ? "No growth: each step's graph and gradients are released."
                : String.format(Locale.ROOT, "The heap grew by more than %.1f MiB: something keeps every step's tensors "
                        + "alive.", LIMIT_MB));
        out.printf(Locale.ROOT, "RESULT memory-check steps=%d heap_growth_mb=%.2f heap_range_mb=%.2f heap_start_mb=%.2f "
                + "final_loss=%.4f steps_per_s=%.0f%n", steps, growth, max - min, used[0], loss, report.stepsPerSecond());
        return report;
    }

    /** MiB of heap in use after a full collection (several passes, so finalizable / cleaner work settles). */
    static double usedAfterGc(MemoryMXBean memory) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best / (1024.0 * 1024.0);
    }
}
