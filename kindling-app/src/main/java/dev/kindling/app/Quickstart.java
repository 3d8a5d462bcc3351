// Quickstart: `kindling quickstart`, the first thing a new user runs. The body is a single method,
// run(out, seed, epochs): trains an MLP on the shipped MNIST subset with the engine's autograd.
package dev.kindling.app;

import dev.kindling.io.Idx;
import dev.kindling.kernels.KernelWarmup;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.ops.Indexing;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Losses;
import dev.kindling.ops.Reductions;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
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

    /**
     * Trains a 784-128-10 MLP on the shipped MNIST subset (7,996 train / 2,004 test digits) with the engine's
     * autograd and a hand-written SGD-with-momentum step, then prints test accuracy and a RESULT line.
     */
    static int run(PrintStream out, long seed, int epochs) {
        Path dir = Home.resolve("data/mnist");
        Tensor xTrain, yTrain, xTest, yTest;
        try {
            xTrain = Idx.readImages(dir.resolve("train-images-idx3-ubyte.gz")).reshape(-1, 784); // [N, 784]
            yTrain = Idx.readLabels(dir.resolve("train-labels-idx1-ubyte.gz"));                // [N]
            xTest = Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz")).reshape(-1, 784);
            yTest = Idx.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        } catch (IOException e) {
            out.println("quickstart: cannot read MNIST from " + dir + ": " + e.getMessage());
            return 1;
        }
        // Standardise with the training set's statistics (MNIST: mean 0.1307, std 0.3081).
        float mean = Reductions.mean(xTrain).item();
        float std = (float) Math.sqrt(Reductions.mean(xTrain.sub(mean).square()).item());
        xTrain = xTrain.sub(mean).div(std);
        xTest = xTest.sub(mean).div(std);
        int n = xTrain.size(0);
        out.printf(Locale.ROOT, "quickstart: MNIST %d train / %d test digits, MLP 784-128-10, %d threads, fast kernels %s%n",
                n, xTest.size(0), Parallel.threads(), VectorSupport.enabled() ? "on" : "off");

        Generator g = new Generator(seed);
        Tensor w1 = kaiming(g, 128, 784), b1 = Tensor.zeros(128).requiresGrad(true);
        Tensor w2 = kaiming(g, 10, 128), b2 = Tensor.zeros(10).requiresGrad(true);
        Tensor[] params = {w1, b1, w2, b2};
        Tensor[] velocity = {Tensor.zerosLike(w1), Tensor.zerosLike(b1), Tensor.zerosLike(w2), Tensor.zerosLike(b2)};
        float lr = 0.05f, momentum = 0.9f;
        int batch = 64;
        KernelWarmup.warmup();
        long start = System.nanoTime();
        float lastLoss = Float.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long[] perm = permutation(g, n);
            double lossSum = 0;
            int steps = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i + batch <= n; i += batch) {
                Tensor idx = Tensor.ofLongs(java.util.Arrays.copyOfRange(perm, i, i + batch));
                Tensor x = Indexing.indexSelect(xTrain, 0, idx);        // [B, 784]
                Tensor y = Indexing.indexSelect(yTrain, 0, idx);        // [B]
                Tensor logits = Linalg.linear(Linalg.linear(x, w1, b1).relu(), w2, b2); // [B, 10]
                Tensor loss = Losses.crossEntropy(logits, y);
                for (Tensor p : params) p.zeroGrad();
                loss.backward();
                try (var ng = Autograd.noGrad()) {
                    for (int k = 0; k < params.length; k++) {
                        velocity[k].mul_(momentum).add_(params[k].grad());
                        params[k].add_(velocity[k], -lr);
                    }
                }
                lossSum += loss.item();
                steps++;
            }
            lastLoss = (float) (lossSum / steps);
            double secs = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  test accuracy %.4f  %.0f samples/s%n", epoch, epochs,
                    lastLoss, accuracy(xTest, yTest, params), steps * batch / secs);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double acc = accuracy(xTest, yTest, params);
        out.printf(Locale.ROOT, "RESULT quickstart test_accuracy=%.4f train_loss=%.4f epochs=%d seconds=%.1f seed=%d%n",
                acc, lastLoss, epochs, seconds, seed);
        return 0;
    }

    /** Kaiming-uniform weight [out, in] as PyTorch's Linear default (bound = 1/sqrt(in)). */
    private static Tensor kaiming(Generator g, int out, int in) {
        float bound = (float) (1.0 / Math.sqrt(in));
        return Tensor.rand(g, out, in).mul(2 * bound).sub(bound).requiresGrad(true);
    }

    private static long[] permutation(Generator g, int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = (int) g.nextLong(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double accuracy(Tensor x, Tensor y, Tensor[] p) {
        try (var ng = Autograd.noGrad()) {
            Tensor logits = Linalg.linear(Linalg.linear(x, p[0], p[1]).relu(), p[2], p[3]);
            long[] pred = Reductions.argmax(logits, 1, false).toLongArray(), truth = y.toLongArray();
            int ok = 0;
            for (int i = 0; i < pred.length; i++) if (pred[i] == truth[i]) ok++;
            return (double) ok / pred.length;
        }
    }
}
