// VisionBench: LeNet-5 training / inference throughput (samples/s, batch 64, Adam, random 1x28x28 inputs) and
// conv2d forward / backward-input / backward-weight GFLOPS on the LeNet and ResNet layer shapes, at each thread
// count. Prints a table, then RESULT lines that scripts grep. Run through `./kindling bench vision`.
package dev.kindling.bench;

import com.sun.management.ThreadMXBean;
import dev.kindling.kernels.KernelWarmup;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.models.vision.LeNet5;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Module;
import dev.kindling.ops.Conv;
import dev.kindling.optim.Adam;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Vision benchmark. Options: {@code --threads 1,2} (default 1,2), {@code --batch 64}, {@code --steps N} (training
 * steps per timed run, default 10), {@code --runs N} (timed runs, default 5; the median is reported with min..max),
 * {@code --warmup N} (untimed steps first, default 15), {@code --min-ms M} (each conv measurement repeats the pass
 * until it lasts M ms, default 100), {@code --no-lenet}, {@code --no-conv}, {@code --profile} (split LeNet training
 * time into forward / backward / optimizer, and report allocation and GC).
 */
public final class VisionBench {
    private VisionBench() {}

    /** A conv2d case: input {@code [n, cin, h, w]}, weight {@code [cout, cin/groups, k, k]}, stride 1. */
    record ConvShape(String model, int n, int cin, int h, int w, int cout, int k, int pad, int groups) {
        int outH() {
            return h + 2 * pad - k + 1;
        }

        int outW() {
            return w + 2 * pad - k + 1;
        }

        /** 2 * N * Cout * Cin/groups * kh * kw * Hout * Wout: the flops of each pass (fwd, bwd-input, bwd-weight). */
        double flops() {
            return 2.0 * n * cout * (cin / groups) * k * k * outH() * outW();
        }

        String label() {
            return "x[" + n + "," + cin + "," + h + "," + w + "]w[" + cout + "," + cin / groups + "," + k + "," + k + "]p" + pad;
        }
    }

    static final List<ConvShape> SHAPES = List.of(
            new ConvShape("lenet", 64, 1, 28, 28, 6, 5, 2, 1),
            new ConvShape("lenet", 64, 6, 14, 14, 16, 5, 0, 1),
            new ConvShape("resnet", 64, 16, 28, 28, 16, 3, 1, 1),
            new ConvShape("resnet", 64, 32, 14, 14, 32, 3, 1, 1),
            new ConvShape("resnet", 64, 64, 7, 7, 64, 3, 1, 1));

    /** Median, min and max of the measured values. */
    record Stats(double median, double min, double max) {
        static Stats of(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            int n = s.length;
            return new Stats(n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, s[0], s[n - 1]);
        }

        String text(String fmt) {
            return String.format(Locale.ROOT, fmt + " (" + fmt + ".." + fmt + ")", median, min, max).strip();
        }
    }

    static final class Options {
        int[] threads = {1, 2};
        int batch = 64, steps = 10, runs = 5, warmup = 15;
        double minMs = 100;
        boolean lenet = true, conv = true, profile;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--threads" -> o.threads = Arrays.stream(value(args, ++i, a).split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--batch" -> o.batch = positive(a, value(args, ++i, a));
                    case "--steps" -> o.steps = positive(a, value(args, ++i, a));
                    case "--runs" -> o.runs = positive(a, value(args, ++i, a));
                    case "--warmup" -> o.warmup = Integer.parseInt(value(args, ++i, a));
                    case "--min-ms" -> o.minMs = Double.parseDouble(value(args, ++i, a));
                    case "--no-lenet" -> o.lenet = false;
                    case "--no-conv" -> o.conv = false;
                    case "--profile" -> o.profile = true;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "' (known: --threads 1,2 --batch N"
                            + " --steps N --runs N --warmup N --min-ms M --no-lenet --no-conv --profile)");
                }
            }
            for (int t : o.threads) if (t < 1) throw new IllegalArgumentException("--threads: counts must be >= 1, got " + t);
            return o;
        }

        private static String value(String[] args, int i, String opt) {
            if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
            return args[i];
        }

        private static int positive(String opt, String v) {
            int n = Integer.parseInt(v);
            if (n < 1) throw new IllegalArgumentException(opt + " must be >= 1, got " + n);
            return n;
        }
    }

    public static void main(String[] args) {
        Options o = Options.parse(args);
        System.out.printf(Locale.ROOT, "Vision benchmark: Java %s, Vector API %s, %d processors, threads %s, %s%n",
                System.getProperty("java.version"), VectorSupport.enabled() ? "on" : "off (scalar kernels)",
                Runtime.getRuntime().availableProcessors(), Arrays.toString(o.threads), load());
        KernelWarmup.warmup();
        List<String> results = new ArrayList<>();
        int saved = Parallel.threads();
        try {
            if (o.lenet) lenet(o, results);
            if (o.conv) conv(o, results);
        } finally {
            Parallel.setThreads(saved);
        }
        System.out.println();
        System.out.println("At the end: " + load() + " (other busy processes make the numbers, 2 threads most, noisy)");
        results.forEach(System.out::println);
    }

    /** The 1-minute system load average, so a reader can tell a quiet machine from a busy one. */
    private static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "load average n/a" : String.format(Locale.ROOT, "load average %.2f", l);
    }

    // ---------------------------------------------------------------- LeNet-5

    private static void lenet(Options o, List<String> results) {
        System.out.printf(Locale.ROOT, "%nLeNet-5 (61,706 params), batch %d, Adam lr 1e-3, random [%d,1,28,28] inputs; "
                + "%d warm-up steps, median of %d runs of %d steps (min..max)%n", o.batch, o.batch, o.warmup, o.runs, o.steps);
        System.out.printf(Locale.ROOT, "%-10s %7s  %-34s %-34s%n", "model", "threads", "train samples/s", "inference samples/s");
        for (int t : o.threads) {
            Parallel.setThreads(t);
            Generator g = new Generator(0);
            LeNet5 net = new LeNet5(10, g);
            Tensor x = Tensor.randn(g, o.batch, 1, 28, 28);            // [B, 1, 28, 28]
            Tensor y = Tensor.randint(g, 0, 10, o.batch);              // [B]
            Adam opt = new Adam(net.parameters(), 1e-3);
            CrossEntropyLoss ce = new CrossEntropyLoss();
            Runnable step = () -> {
                opt.zeroGrad();
                ce.forward(net.forward(x), y).backward();
                opt.step();
            };
            Stats train = throughput(step, o);
            net.eval();
            Runnable infer = () -> {
                try (var ng = Autograd.noGrad()) {
                    net.forward(x);
                }
            };
            Stats inference = throughput(infer, o);
            net.train();
            System.out.printf(Locale.ROOT, "%-10s %7d  %-34s %-34s%n", "lenet5", t, train.text("%.0f"), inference.text("%.0f"));
            results.add(String.format(Locale.ROOT, "RESULT vision-bench lenet-train threads=%d batch=%d samples_per_s=%.0f "
                    + "min=%.0f max=%.0f", t, o.batch, train.median, train.min, train.max));
            results.add(String.format(Locale.ROOT, "RESULT vision-bench lenet-infer threads=%d batch=%d samples_per_s=%.0f "
                    + "min=%.0f max=%.0f", t, o.batch, inference.median, inference.min, inference.max));
            if (o.profile) profile(net, opt, ce, x, y, o, t);
        }
    }

    /** Samples/s of {@code step} (one batch each): warm-up, then {@code runs} timed runs of {@code steps} steps. */
    private static Stats throughput(Runnable step, Options o) {
        for (int i = 0; i < o.warmup; i++) step.run();
        double[] v = new double[o.runs];
        for (int r = 0; r < o.runs; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < o.steps; i++) step.run();
            v[r] = (double) o.steps * o.batch / ((System.nanoTime() - t0) / 1e9);
        }
        return Stats.of(v);
    }

    /**
     * Times the phases of a training step with the model's own layers (the same ops as {@link LeNet5#forward}),
     * plus allocation on the calling thread and GC time, over {@code runs * steps} steps.
     */
    private static void profile(LeNet5 net, Adam opt, CrossEntropyLoss ce, Tensor x, Tensor y, Options o, int threads) {
        var m = net.namedChildren();
        Module conv1 = m.get("conv1"), conv2 = m.get("conv2"), fc1 = m.get("fc1"), fc2 = m.get("fc2"), fc3 = m.get("fc3");
        Module act = m.get("act"), pool = m.get("pool");
        String[] names = {"conv1", "act+pool1", "conv2", "act+pool2", "fc1-3+act", "loss", "backward", "zero+adam"};
        long[] ns = new long[names.length];
        ThreadMXBean tmx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        int n = o.runs * o.steps;
        long gc0 = gcMillis(), alloc0 = tmx.getThreadAllocatedBytes(tid), wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            opt.zeroGrad();
            Tensor h = conv1.forward(x);                                // [B, 6, 28, 28]
            long t1 = System.nanoTime();
            h = pool.forward(act.forward(h));                           // [B, 6, 14, 14]
            long t2 = System.nanoTime();
            h = conv2.forward(h);                                       // [B, 16, 10, 10]
            long t3 = System.nanoTime();
            h = pool.forward(act.forward(h)).flatten(1, -1);            // [B, 400]
            long t4 = System.nanoTime();
            h = fc3.forward(act.forward(fc2.forward(act.forward(fc1.forward(h)))));   // [B, 10]
            long t5 = System.nanoTime();
            Tensor loss = ce.forward(h, y);
            long t6 = System.nanoTime();
            loss.backward();
            long t7 = System.nanoTime();
            opt.step();
            long t8 = System.nanoTime();
            long[] marks = {t0, t1, t2, t3, t4, t5, t6, t7, t8};
            for (int k = 0; k < names.length; k++) ns[k] += marks[k + 1] - marks[k];
        }
        double wall = (System.nanoTime() - wall0) / 1e6;
        long allocBytes = tmx.getThreadAllocatedBytes(tid) - alloc0, gc = gcMillis() - gc0;
        double total = Arrays.stream(ns).sum() / 1e6;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  profile threads=%d, %d steps, ms/step:", threads, n));
        for (int k = 0; k < names.length; k++) sb.append(String.format(Locale.ROOT, " %s %.2f (%.0f%%)", names[k], ns[k] / 1e6 / n,
                100 * ns[k] / 1e6 / total));
        System.out.println(sb);
        System.out.printf(Locale.ROOT, "  profile threads=%d: %.2f ms/step, allocated %.1f MB/step on the calling thread, "
                + "GC %.0f ms in %.0f ms (%.1f%%)%n", threads, wall / n, allocBytes / 1e6 / n, (double) gc, wall, 100.0 * gc / wall);
    }

    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) ms += Math.max(0, b.getCollectionTime());
        return ms;
    }

    // ---------------------------------------------------------------- conv2d

    private static void conv(Options o, List<String> results) {
        System.out.printf(Locale.ROOT, "%nconv2d GFLOPS (2*N*Cout*Cin/groups*kh*kw*Hout*Wout per pass; stride 1; "
                + "backward through autograd), median of %d (min..max)%n", o.runs);
        System.out.printf(Locale.ROOT, "%-7s %-32s %7s  %-22s %-22s %-22s%n", "model", "shape", "threads", "forward",
                "backward-input", "backward-weight");
        for (ConvShape s : SHAPES) {
            for (int t : o.threads) {
                Parallel.setThreads(t);
                Generator g = new Generator(1);
                Tensor x = Tensor.randn(g, s.n, s.cin, s.h, s.w);                  // [N, Cin, H, W]
                Tensor w = Tensor.randn(g, s.cout, s.cin / s.groups, s.k, s.k);    // [Cout, Cin/groups, k, k]
                Tensor gy = Tensor.randn(g, s.n, s.cout, s.outH(), s.outW());      // [N, Cout, Hout, Wout]
                int[] one = {1, 1}, pad = {s.pad, s.pad};
                Runnable fwd = () -> {
                    try (var ng = Autograd.noGrad()) {
                        Conv.conv2d(x, w, null, one, pad, one, s.groups);
                    }
                };
                Stats f = gflops(fwd, s.flops(), o);
                Stats bi = gflops(backward(x.detach().requiresGrad(true), w.detach(), gy, s), s.flops(), o);
                Stats bw = gflops(backward(x.detach(), w.detach().requiresGrad(true), gy, s), s.flops(), o);
                System.out.printf(Locale.ROOT, "%-7s %-32s %7d  %-22s %-22s %-22s%n", s.model, s.label(), t,
                        f.text("%.1f"), bi.text("%.1f"), bw.text("%.1f"));
                results.add(String.format(Locale.ROOT, "RESULT vision-bench conv2d model=%s shape=%s threads=%d "
                        + "fwd_gflops=%.2f bwd_input_gflops=%.2f bwd_weight_gflops=%.2f", s.model, s.label(), t,
                        f.median, bi.median, bw.median));
            }
        }
    }

    /**
     * One backward pass of conv2d through autograd: the graph is recorded once and walked again each time
     * (retainGraph), so only the gradient of the input or of the weight (whichever requires grad) is computed.
     */
    private static Runnable backward(Tensor x, Tensor w, Tensor gy, ConvShape s) {
        int[] one = {1, 1}, pad = {s.pad, s.pad};
        Tensor y = Conv.conv2d(x, w, null, one, pad, one, s.groups);
        Tensor leaf = x.requiresGrad() ? x : w;
        return () -> {
            leaf.zeroGrad();
            y.backward(gy, true);
        };
    }

    /** GFLOPS of {@code pass}: warm-up, then {@code runs} timings, each repeating the pass for at least minMs. */
    private static Stats gflops(Runnable pass, double flops, Options o) {
        long t0 = System.nanoTime();
        int calls = 0;
        while (calls < 3 || System.nanoTime() - t0 < o.minMs * 1e6 / 2) {   // warm-up, and an estimate of the pass time
            pass.run();
            calls++;
        }
        double passNs = (System.nanoTime() - t0) / (double) calls;
        int reps = (int) Math.max(1, Math.ceil(o.minMs * 1e6 / passNs));
        double[] v = new double[o.runs];
        for (int r = 0; r < o.runs; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < reps; i++) pass.run();
            v[r] = flops * reps / (System.nanoTime() - s);   // flops per ns = GFLOPS
        }
        return Stats.of(v);
    }
}
