// KindlingWorkloads: Kindling's side of the peer comparison (issue 8): SGEMM, MLP / LeNet / tiny-GPT training and
// MLP / LeNet inference, written to the same definitions as the peers (../shared/peers/README.md, section 3) and
// timed by PeerHarness. One workload per JVM, started by PeersBench; also runnable by hand.
package dev.kindling.bench.peers;

import dev.kindling.bench.peers.PeerHarness.Bench;
import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.KernelWarmup;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.nn.Conv2d;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MaxPool2d;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.optim.Adam;
import dev.kindling.optim.AdamW;
import dev.kindling.optim.Optimizer;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Locale;

/**
 * Runs one workload: {@code KindlingWorkloads sgemm|mlp|lenet|gpt|mlp-infer|lenet-infer|minilm [reps]} with
 * {@code -Dthreads=N} (Kindling's kernel threads, default 2). Prints {@code RESULT peer system=kindling ...} lines.
 *
 * <p>Example: {@code java --add-modules jdk.incubator.vector -Dthreads=2 -cp ... dev.kindling.bench.peers.KindlingWorkloads mlp 5}
 */
public final class KindlingWorkloads {
    private KindlingWorkloads() {}

    public static void main(String[] args) {
        if (args.length < 1) throw new IllegalArgumentException("usage: KindlingWorkloads sgemm|mlp|lenet|gpt|mlp-infer|lenet-infer|minilm [reps]");
        int reps = PeerHarness.reps(args, 1);
        int threads = PeerHarness.threads();
        Parallel.setThreads(threads);
        if (!VectorSupport.enabled()) System.out.println("WARNING: fast kernels off; start the JVM with " + VectorSupport.FLAG);
        KernelWarmup.warmup();
        String label = "t" + threads + heapLabel();
        if (args[0].equals("sgemm")) {
            for (int n : PeerHarness.SGEMM_SIZES) sgemm(n, reps, label);
            return;
        }
        Bench bench = Bench.of(args[0]);
        Runnable step = switch (bench) {
            case MLP -> trainStep(mlp(new Generator(0)), classificationData(784));
            case LENET -> trainStep(lenet(new Generator(0)), classificationData(28 * 28));
            case GPT -> gptStep();
            case MLP_INFER -> inferStep(mlp(new Generator(0)), classificationData(784));
            case LENET_INFER -> inferStep(lenet(new Generator(0)), classificationData(28 * 28));
            case MINILM -> minilmStep();
        };
        PeerHarness.run("kindling", bench, reps, label, step);
    }

    /** "-xmx64m" when the JVM was started with -Xmx64m (PeersBench caps Kindling's heap per workload), else "". */
    static String heapLabel() {
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Xmx")) return "-xmx" + a.substring(4).toLowerCase(Locale.ROOT);
        }
        return "";
    }

    /** MiniLM sentence embeddings (MiniLmWorkload; files from -Dpeers.minilm.model / -Dpeers.minilm.batches). */
    static Runnable minilmStep() {
        try {
            return MiniLmWorkload.kindlingStep();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("minilm workload: " + e.getMessage(), e);
        }
    }

    /** C = A B, square n, preallocated output, Kindling's GEMM kernel. */
    static void sgemm(int n, int reps, String label) {
        float[] a = PeerHarness.uniform(1, n * n), b = PeerHarness.uniform(2, n * n), c = new float[n * n];
        PeerHarness.sgemm("kindling", n, reps, label, () -> Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false));
    }

    /** MLP 784-256-128-10 with ReLU. */
    public static Module mlp(Generator g) {
        return new Sequential(new Linear(784, 256, g), new ReLU(), new Linear(256, 128, g), new ReLU(), new Linear(128, 10, g));
    }

    /** The peers' LeNet: conv5x5 1->6, ReLU, maxpool2, conv5x5 6->16, ReLU, maxpool2, fc 256-120-84-10 (no padding). */
    public static Module lenet(Generator g) {
        return new LeNet(g);
    }

    /** Input batches {@code [64, features]} (reshaped to [64, 1, 28, 28] by LeNet) and labels, cycled. */
    record Data(Tensor[] x, Tensor[] y) {}

    static Data classificationData(int features) {
        Tensor[] x = new Tensor[PeerHarness.DATA_BATCHES], y = new Tensor[PeerHarness.DATA_BATCHES];
        for (int i = 0; i < x.length; i++) {
            x[i] = Tensor.of(PeerHarness.uniform(100 + i, PeerHarness.BATCH * features), PeerHarness.BATCH, features);
            y[i] = Tensor.ofLongs(PeerHarness.labels(200 + i, PeerHarness.BATCH, 10), PeerHarness.BATCH);
        }
        return new Data(x, y);
    }

    /** zero-grad + forward + cross-entropy + backward + Adam(1e-3) step, over the cycled batches. */
    static Runnable trainStep(Module net, Data d) {
        Optimizer opt = new Adam(net.parameters(), 1e-3);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        int[] i = {0};
        return () -> {
            int k = i[0]++ % d.x.length;
            opt.zeroGrad();
            ce.forward(net.forward(d.x[k]), d.y[k]).backward();
            opt.step();
        };
    }

    /** Forward only, eval mode, no autograd. */
    static Runnable inferStep(Module net, Data d) {
        net.eval();
        int[] i = {0};
        return () -> {
            try (var ng = Autograd.noGrad()) {
                net.forward(d.x[i[0]++ % d.x.length]);
            }
        };
    }

    /** Tiny GPT on random tokens, AdamW lr 3e-4; next-token cross-entropy over B*T positions. */
    static Runnable gptStep() {
        Generator g = new Generator(0);
        TinyGpt gpt = new TinyGpt(PeerHarness.GPT_VOCAB, PeerHarness.GPT_CTX, PeerHarness.GPT_DIM, PeerHarness.GPT_LAYERS,
                PeerHarness.GPT_HEADS, g);
        if (gpt.numParameters() != PeerHarness.GPT_PARAMS) throw new IllegalStateException("tiny GPT: expected "
                + PeerHarness.GPT_PARAMS + " parameters, built " + gpt.numParameters());
        int b = PeerHarness.GPT_BATCH, t = PeerHarness.GPT_CTX, v = PeerHarness.GPT_VOCAB;
        Tensor[] ids = new Tensor[PeerHarness.DATA_BATCHES], targets = new Tensor[PeerHarness.DATA_BATCHES];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Tensor.ofLongs(PeerHarness.labels(300 + i, b * t, v), b, t);          // [B, T]
            targets[i] = Tensor.ofLongs(PeerHarness.labels(400 + i, b * t, v), b * t);     // [B*T]
        }
        AdamW opt = new AdamW(gpt.parameters(), 3e-4);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        int[] i = {0};
        float[] lastLoss = {Float.NaN};
        Runnable step = () -> {
            int k = i[0]++ % ids.length;
            opt.zeroGrad();
            Tensor loss = ce.forward(gpt.forward(ids[k]).reshape(b * t, v), targets[k]);   // [B*T, V] vs [B*T]
            loss.backward();
            opt.step();
            if (i[0] % 10 == 0) lastLoss[0] = loss.item();
        };
        return () -> {
            step.run();
            if (i[0] == 10) System.out.printf(Locale.ROOT, "tiny GPT: %d params, loss after 10 steps %.3f (ln 65 = 4.174)%n",
                    gpt.numParameters(), lastLoss[0]);
        };
    }

    /** The peer-definition LeNet; input {@code [B, 784]} viewed as {@code [B, 1, 28, 28]}. */
    static final class LeNet extends Module {
        private final Conv2d conv1, conv2;
        private final Linear fc1, fc2, fc3;
        private final MaxPool2d pool = new MaxPool2d(2);

        LeNet(Generator g) {
            conv1 = registerModule("conv1", new Conv2d(1, 6, 5, g));
            conv2 = registerModule("conv2", new Conv2d(6, 16, 5, g));
            fc1 = registerModule("fc1", new Linear(256, 120, g));
            fc2 = registerModule("fc2", new Linear(120, 84, g));
            fc3 = registerModule("fc3", new Linear(84, 10, g));
        }

        @Override
        public Tensor forward(Tensor x) {
            x = x.view(x.size(0), 1, 28, 28);
            x = pool.forward(conv1.forward(x).relu());     // [B, 6, 12, 12]
            x = pool.forward(conv2.forward(x).relu());     // [B, 16, 4, 4]
            x = fc1.forward(x.flatten(1, -1)).relu();      // [B, 120]
            x = fc2.forward(x).relu();                     // [B, 84]
            return fc3.forward(x);                         // [B, 10]
        }
    }
}
