// Quickstart: `kindling quickstart`, the first thing a new user runs: the seed's two examples end to end
// (linear regression, then spam classification with TF-IDF + MLP and the Trainer), then a small MNIST MLP
// trained with the bare engine (autograd + a hand-written SGD step). Says where every file was written.
package dev.kindling.app;

import dev.kindling.app.examples.LinearRegression;
import dev.kindling.app.examples.TextClassification;
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

/** {@code kindling quickstart}: the seed's examples and a small MNIST demo, end to end. */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
            "Run the seed's examples end to end: linear regression, spam classification (TF-IDF + MLP,",
            "Trainer, early stopping, test metrics), then an MNIST MLP on the bare engine.",
            "Writes history, curves, checkpoints and a confusion matrix under --out."
        })
public final class Quickstart implements Callable<Integer> {
    @Mixin
    Main.ThreadsOption threads;

    @Option(names = "--seed", paramLabel = "SEED", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--epochs", paramLabel = "N", description = "MNIST training epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path outDir = Path.of("runs", "quickstart");

    @Override
    public Integer call() throws IOException {
        return run(System.out, seed, epochs, outDir);
    }

    /** Runs the three parts and prints where their files went, ending with a RESULT line. */
    static int run(PrintStream out, long seed, int mnistEpochs, Path outDir) throws IOException {
        long start = System.nanoTime();
        out.println("== quickstart 1/3: linear regression (the seed's example) ==");
        LinearRegression.Fit line = LinearRegression.run(out, 100, 0.01);

        out.println();
        out.println("== quickstart 2/3: spam vs ham, TF-IDF + MLP trained with the Trainer ==");
        var c = new TextClassification.Config();
        c.outDir = outDir.resolve("text-classification");
        c.seed = seed;
        TextClassification.Result spam = TextClassification.run(out, c);

        out.println();
        out.println("== quickstart 3/3: MNIST digits, MLP on the bare engine (autograd + hand-written SGD) ==");
        double mnist = mnist(out, seed, mnistEpochs);
        if (Double.isNaN(mnist)) return 1;

        double seconds = (System.nanoTime() - start) / 1e9;
        Path abs = c.outDir.toAbsolutePath().normalize();
        out.println();
        out.println("Files of the spam classifier, in " + abs + ":");
        out.println("  plots        curves.png, curves.svg (loss and accuracy per epoch), confusion.png (test set)");
        out.println("  history      history.csv, history.json (one row per epoch)");
        out.println("  checkpoints  best.safetensors (best val_loss weights), checkpoint-last.safetensors (resumable)");
        out.printf(Locale.ROOT, "RESULT quickstart linreg_loss=%.4f spam_test_accuracy=%.4f spam_f1=%.4f "
                + "mnist_test_accuracy=%.4f seconds=%.1f seed=%d%n", line.losses()[line.losses().length - 1],
                spam.accuracy(), spam.f1(), mnist, seconds, seed);
        return 0;
    }

    /**
     * Trains a 784-128-10 MLP on the shipped MNIST subset (7,996 train / 2,004 test digits) with the engine's
     * autograd and a hand-written SGD-with-momentum step; returns the test accuracy (NaN if the data is missing).
     */
    static double mnist(PrintStream out, long seed, int epochs) {
        Path dir = Home.resolve("data/mnist");
        Tensor xTrain, yTrain, xTest, yTest;
        try {
            xTrain = Idx.readImages(dir.resolve("train-images-idx3-ubyte.gz")).reshape(-1, 784); // [N, 784]
            yTrain = Idx.readLabels(dir.resolve("train-labels-idx1-ubyte.gz"));                // [N]
            xTest = Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz")).reshape(-1, 784);
            yTest = Idx.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        } catch (IOException e) {
            out.println("quickstart: cannot read MNIST from " + dir + ": " + e.getMessage());
            return Double.NaN;
        }
        // Standardise with the training set's statistics (MNIST: mean 0.1307, std 0.3081).
        float mean = Reductions.mean(xTrain).item();
        float std = (float) Math.sqrt(Reductions.mean(xTrain.sub(mean).square()).item());
        xTrain = xTrain.sub(mean).div(std);
        xTest = xTest.sub(mean).div(std);
        int n = xTrain.size(0);
        out.printf(Locale.ROOT, "MNIST %d train / %d test digits, MLP 784-128-10, %d threads, fast kernels %s%n",
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
        out.printf(Locale.ROOT, "MNIST: test accuracy %.4f after %d epochs (train loss %.4f) in %.1f s%n", acc, epochs,
                lastLoss, seconds);
        return acc;
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
