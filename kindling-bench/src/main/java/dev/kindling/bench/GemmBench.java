// GemmBench: Kindling's GEMM against numpy's OpenBLAS, measured alternately in the same run. A persistent python3
// worker per thread count (OPENBLAS_NUM_THREADS fixed at its start) times numpy.matmul on identical shapes; the
// JVM and the worker take turns rep by rep, so machine noise hits both. Prints a table and RESULT lines that
// scripts grep. Run: java --add-modules jdk.incubator.vector -cp kindling-bench/target/classes:kindling-core/target/classes dev.kindling.bench.GemmBench
package dev.kindling.bench;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.KernelWarmup;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Compares Kindling {@link Gemm#sgemm} with numpy/OpenBLAS: square sizes and the MLP forward/backward shapes.
 *
 * <p>Options: {@code --threads 1,2} (default: 1 and 2), {@code --sizes 256,512,1024,2048}, {@code --reps N}
 * (measured reps per case, default 9, 7 with --shapes: this 2-core VM is noisy), {@code --no-shapes} (skip the
 * skinny MLP shapes),
 * {@code --shapes} (instead, the training-shape table: tiny GPT, batch-64 MLP, LeNet im2col, forward and backward),
 * {@code --filter TEXT} (only cases whose name or size label contains TEXT), {@code --batch-ms MS} (length of one
 * timed batch, default 120).
 */
public final class GemmBench {
    /** One GEMM case: C[m,n] = op(A)[m,k] op(B)[k,n]. */
    record Shape(String kind, int m, int n, int k, boolean transA, boolean transB) {
        double flops() {
            return 2.0 * m * n * k;
        }

        /** A square case: {@code RESULT gemm n=...}. */
        static Shape square(int n) {
            return new Shape("gemm", n, n, n, false, false);
        }

        /** A named training shape; {@code flags} is "NN", "TN" (transA) or "NT" (transB). */
        static Shape named(String name, int m, int n, int k, String flags) {
            return new Shape(name, m, n, k, flags.charAt(0) == 'T', flags.charAt(1) == 'T');
        }

        /** The RESULT key: {@code gemm n=1024} for squares, else the name, sizes and transposes. */
        String resultKey() {
            if (kind.equals("gemm")) return "gemm n=" + m;
            return "gemm-shape name=" + kind + " m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB="
                    + transB;
        }

        String label() {
            return m + "x" + n + "x" + k + (transA ? " tA" : "") + (transB ? " tB" : "");
        }
    }

    /** Median, min and max GFLOPS of the measured reps. */
    record Stats(double median, double min, double max) {
        static Stats of(double[] g) {
            double[] s = g.clone();
            Arrays.sort(s);
            int n = s.length;
            double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            return new Stats(med, s[0], s[n - 1]);
        }

        static final Stats NONE = new Stats(Double.NaN, Double.NaN, Double.NaN);

        String text() {
            return Double.isNaN(median) ? "n/a" : String.format(Locale.ROOT, "%7.1f (%.1f..%.1f)", median, min, max);
        }
    }

    private static final String WORKER = """
            import sys, time
            import numpy as np
            def info():
                try:
                    from threadpoolctl import threadpool_info
                    for d in threadpool_info():
                        if d.get('internal_api') == 'openblas':
                            return '%s %s threads=%s arch=%s' % (d.get('internal_api'), d.get('version'), d.get('num_threads'), d.get('architecture'))
                except Exception:
                    pass
                try:
                    import ctypes, glob, os
                    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs', '*openblas*'))
                    for l in libs:
                        lib = ctypes.CDLL(l)
                        for name in ('scipy_openblas_get_config64_', 'openblas_get_config64_', 'openblas_get_config'):
                            if hasattr(lib, name):
                                f = getattr(lib, name); f.restype = ctypes.c_char_p
                                core = ''
                                for cn in ('scipy_openblas_get_corename64_', 'openblas_get_corename64_', 'openblas_get_corename'):
                                    if hasattr(lib, cn):
                                        g = getattr(lib, cn); g.restype = ctypes.c_char_p; core = ' core=' + g().decode()
                                return f().decode() + core + ' (via ctypes; threadpoolctl not installed)'
                except Exception as e:
                    return 'unknown (%s)' % e
                return 'unknown'
            print('ready numpy=%s blas=%s' % (np.__version__, info()), flush=True)
            A = B = C = None
            for line in sys.stdin:
                p = line.split()
                if not p:
                    continue
                if p[0] == 'shape':
                    m, n, k, ta, tb = map(int, p[1:6])
                    rng = np.random.default_rng(1)
                    As = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
                    Bs = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
                    A = As.T if ta else As
                    B = Bs.T if tb else Bs
                    C = np.empty((m, n), dtype=np.float32)
                    np.matmul(A, B, out=C)
                    print('ok', flush=True)
                elif p[0] == 'time':
                    it = int(p[1])
                    t = time.perf_counter()
                    for _ in range(it):
                        np.matmul(A, B, out=C)
                    print(time.perf_counter() - t, flush=True)
                elif p[0] == 'quit':
                    break
            """;

    /** A persistent numpy process, or an absent one when python3/numpy cannot start. */
    static final class NumpyWorker implements AutoCloseable {
        private final Process proc;
        private final BufferedReader in;
        private final BufferedWriter out;
        final String banner;

        private NumpyWorker(Process proc, BufferedReader in, BufferedWriter out, String banner) {
            this.proc = proc;
            this.in = in;
            this.out = out;
            this.banner = banner;
        }

        static NumpyWorker start(int threads) {
            try {
                ProcessBuilder pb = new ProcessBuilder("env", "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE",
                        "OPENBLAS_NUM_THREADS=" + threads, "python3", "-c", WORKER);
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
                Process p = pb.start();
                BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
                String first = in.readLine();
                if (first == null || !first.startsWith("ready")) {
                    p.destroy();
                    System.out.println("python3/numpy not usable (worker said: " + first + "); printing Kindling numbers only");
                    return null;
                }
                return new NumpyWorker(p, in, out, first.substring("ready ".length()));
            } catch (IOException e) {
                System.out.println("python3 not found (" + e.getMessage() + "); printing Kindling numbers only");
                return null;
            }
        }

        String call(String cmd) throws IOException {
            out.write(cmd);
            out.newLine();
            out.flush();
            String r = in.readLine();
            if (r == null) throw new IOException("numpy worker exited after '" + cmd + "'");
            return r;
        }

        @Override
        public void close() {
            try {
                call("quit");
            } catch (IOException ignored) {
                // already gone
            }
            proc.destroy();
        }
    }

    /** Pause between the two sides' timed batches; see {@link #quiesce}. */
    private static final long QUIESCE_MS = 250;
    /**
     * Target length of one timed batch (--batch-ms). Measured with numpy against numpy under this protocol (two
     * workers, 250 ms pauses, 9 reps; 4 full runs x 8 square cells each): 30 ms batches gave a median |log ratio| of
     * 1.2%, p90 3.5%, max 4.7% (an earlier day: one cell at 1.246); 120 ms batches 0.6%, 1.5%, 3.2%.
     */
    private static final double BATCH_SECONDS = 0.12;

    private GemmBench() {}

    /**
     * The GEMMs training issues, with the transposes Kindling passes (Linalg.linear keeps weights [out, in]: forward
     * {@code x W^T} is NT, the input gradient {@code g W} NN, the weight gradient {@code g^T x} TN).
     */
    static List<Shape> trainingShapes() {
        List<Shape> l = new ArrayList<>();
        // Tiny GPT, B*T = 2048 rows, C = 128: qkv (3C), attention projection, MLP (4C) in and out, head (65).
        int[][] gpt = {{384, 128}, {128, 128}, {512, 128}, {128, 512}, {65, 128}};
        String[] gptNames = {"gpt.qkv", "gpt.proj", "gpt.fc", "gpt.fc2", "gpt.head"};
        for (int i = 0; i < gpt.length; i++) {
            int out = gpt[i][0], in = gpt[i][1];
            l.add(Shape.named(gptNames[i] + ".fwd", 2048, out, in, "NT"));
            l.add(Shape.named(gptNames[i] + ".dx", 2048, in, out, "NN"));
            l.add(Shape.named(gptNames[i] + ".dw", out, in, 2048, "TN"));
        }
        // Batch-64 MLP 784 -> 256 -> 128: Kindling's transposes, then the [in, out]-weight forms the issue lists.
        l.add(Shape.named("mlp.fc1.fwd", 64, 256, 784, "NT"));
        l.add(Shape.named("mlp.fc1.dw", 256, 784, 64, "TN"));
        l.add(Shape.named("mlp.fc2.fwd", 64, 128, 256, "NT"));
        l.add(Shape.named("mlp.fc2.dx", 64, 256, 128, "NN"));
        l.add(Shape.named("mlp.fc2.dw", 128, 256, 64, "TN"));
        l.add(Shape.named("mlp.fc1.fwd-nn", 64, 256, 784, "NN"));
        l.add(Shape.named("mlp.fc2.fwd-nn", 64, 128, 256, "NN"));
        l.add(Shape.named("mlp.fc1.dw-tn", 784, 256, 64, "TN"));
        l.add(Shape.named("mlp.fc1.dx-nt", 64, 784, 256, "NT"));
        // LeNet convolutions as ConvKernels issues them, one image at a time: W[outC, k] x cols[k, outHW].
        l.add(Shape.named("lenet.conv1.fwd", 6, 576, 25, "NN"));
        l.add(Shape.named("lenet.conv1.dx", 25, 576, 6, "TN"));
        l.add(Shape.named("lenet.conv1.dw", 6, 25, 576, "NT"));
        l.add(Shape.named("lenet.conv2.fwd", 16, 64, 150, "NN"));
        l.add(Shape.named("lenet.conv2.dx", 150, 64, 16, "TN"));
        l.add(Shape.named("lenet.conv2.dw", 16, 150, 64, "NT"));
        // ... and as one batched im2col GEMM for a batch of 64: cols[B*576, 25] x W[25, 6] and its gradients.
        l.add(Shape.named("lenet.conv1.fwd-b64", 64 * 576, 6, 25, "NN"));
        l.add(Shape.named("lenet.conv1.dx-b64", 64 * 576, 25, 6, "NT"));
        l.add(Shape.named("lenet.conv1.dw-b64", 25, 6, 64 * 576, "TN"));
        l.add(Shape.named("lenet.conv2.fwd-b64", 64 * 64, 16, 150, "NN"));
        l.add(Shape.named("lenet.conv2.dx-b64", 64 * 64, 150, 16, "NT"));
        l.add(Shape.named("lenet.conv2.dw-b64", 150, 16, 64 * 64, "TN"));
        return l;
    }

    public static void main(String[] args) throws IOException {
        int[] threadCounts = {1, 2};
        int[] sizes = {256, 512, 1024, 2048};
        int reps = -1;
        boolean mlpShapes = true, training = false;
        String filter = null;
        double batchSeconds = BATCH_SECONDS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threadCounts = parseInts(args[++i]);
                case "--sizes" -> sizes = parseInts(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--no-shapes" -> mlpShapes = false;
                case "--shapes" -> training = true;
                case "--filter" -> filter = args[++i];
                case "--batch-ms" -> batchSeconds = Integer.parseInt(args[++i]) / 1000.0;
                default -> throw new IllegalArgumentException("unknown option '" + args[i]
                        + "'; use --threads 1,2 --sizes 256,512 --reps N --no-shapes --shapes --filter TEXT"
                        + " --batch-ms MS");
            }
        }
        if (reps < 0) reps = training ? 7 : 9;
        if (!VectorSupport.enabled()) {
            System.out.println("WARNING: fast kernels disabled; start the JVM with " + VectorSupport.FLAG);
        }
        List<Shape> cases = new ArrayList<>();
        if (training) {
            cases.addAll(trainingShapes());
        } else {
            for (int s : sizes) cases.add(Shape.square(s));
            if (mlpShapes) {
                cases.add(Shape.named("mlp.fwd", 64, 256, 784, "NN")); // x[64,784] W[784,256]
                cases.add(Shape.named("mlp.fwd2", 64, 128, 256, "NN")); // h[64,256] W[256,128]
                cases.add(Shape.named("mlp.dw", 256, 784, 64, "TN")); // A stored [64,256], k = batch
                cases.add(Shape.named("mlp.dx", 784, 256, 64, "NT")); // B stored [256,64]
            }
        }
        if (filter != null) {
            String f = filter;
            cases.removeIf(s -> !(s.kind + " " + s.label()).contains(f));
        }
        long t0 = System.nanoTime();
        KernelWarmup.warmup();
        System.out.printf(Locale.ROOT, "KernelWarmup.warmup(): %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        List<String> results = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-20s %-20s %7s  %-26s %-26s %6s %6s%n", "case", "m x n x k", "threads",
                "kindling GFLOPS med(min..max)", "openblas GFLOPS med(min..max)", "ratio", "paired");
        int saved = Parallel.threads();
        try {
            for (int t : threadCounts) {
                Parallel.setThreads(t);
                try (NumpyWorker np = NumpyWorker.start(t)) {
                    if (np != null) System.out.println("numpy worker (" + t + " thread(s)): " + np.banner);
                    for (Shape s : cases) {
                        Stats[] st = measure(s, np, reps, batchSeconds);
                        double ratio = st[0].median / st[1].median, paired = st[2].median;
                        System.out.printf(Locale.ROOT, "%-20s %-20s %7d  %-26s %-26s %6.3f %6.3f%n", s.kind, s.label(),
                                t, st[0].text(), st[1].text(), ratio, paired);
                        results.add(String.format(Locale.ROOT,
                                "RESULT %s threads=%d kindling_gflops=%.1f openblas_gflops=%.1f ratio=%.3f"
                                        + " paired_ratio=%.3f",
                                s.resultKey(), t, st[0].median, st[1].median, ratio, paired));
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        results.forEach(System.out::println);
    }

    /** Returns {kindling, openblas, per-rep ratio} stats, alternating one timed batch of each per rep. */
    static Stats[] measure(Shape s, NumpyWorker np, int reps, double batchSeconds) throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        int lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n;
        float[] a = random(rnd, s.m * s.k), b = random(rnd, s.k * s.n), c = new float[s.m * s.n];
        Runnable run = () -> Gemm.sgemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, lda, b, 0, ldb, c, 0, s.n, false);
        // Warm up until two consecutive 100 ms windows agree within 10% (at least 1 s, at most 5 s): a path whose
        // Vector API kernels C2 has not compiled yet runs ~1000x slower, and on a busy machine C2 can be seconds late
        // (with both cores computing, a 2-thread 128x512x2048 product ran at 17, 22, 39, 76, 131 GFLOPS in its first
        // five 40 ms batches, then ~190).
        // Then batch calls so one timed batch lasts ~batchSeconds (small shapes take microseconds each).
        long start = System.nanoTime();
        double perCall = Double.NaN, previous = Double.NaN;
        while (true) {
            long w = System.nanoTime();
            int calls = 0;
            do {
                run.run();
                calls++;
            } while (System.nanoTime() - w < 100_000_000L);
            previous = perCall;
            perCall = (System.nanoTime() - w) / 1e9 / calls;
            long total = System.nanoTime() - start;
            boolean stable = Math.abs(perCall - previous) <= 0.1 * previous;
            if (total >= 5_000_000_000L || (total >= 1_000_000_000L && stable)) break;
        }
        int batch = (int) Math.max(1, Math.round(batchSeconds / perCall));
        boolean haveNp = np != null;
        if (haveNp) {
            np.call("shape " + s.m + " " + s.n + " " + s.k + " " + (s.transA ? 1 : 0) + " " + (s.transB ? 1 : 0));
            np.call("time " + batch * 3); // numpy warm-up
        }
        double[] kg = new double[reps], ng = new double[reps];
        for (int r = -1; r < reps; r++) { // r = -1: one more warm-up round of each
            quiesce(haveNp);
            long t = System.nanoTime();
            for (int i = 0; i < batch; i++) run.run();
            double secs = (System.nanoTime() - t) / 1e9;
            double npSecs = Double.NaN;
            if (haveNp) {
                quiesce(true);
                npSecs = Double.parseDouble(np.call("time " + batch));
            }
            if (r >= 0) {
                kg[r] = s.flops() * batch / secs / 1e9;
                ng[r] = s.flops() * batch / npSecs / 1e9;
            }
        }
        // Paired: the median over reps of (Kindling / numpy) within a rep, whose two batches ran back to back, so a
        // slow stretch of the machine that spans a rep cancels out of it.
        double[] pr = new double[reps];
        for (int r = 0; r < reps; r++) pr[r] = kg[r] / ng[r];
        return new Stats[] {Stats.of(kg), haveNp ? Stats.of(ng) : Stats.NONE, haveNp ? Stats.of(pr) : Stats.NONE};
    }

    /**
     * Both thread pools spin after work (OpenBLAS for up to ~0.1 s, Kindling's workers briefly) before sleeping;
     * on a 2-core machine a spinning pool halves the other side's speed. Pause so the other side has gone idle.
     */
    private static void quiesce(boolean needed) {
        if (!needed) return;
        try {
            Thread.sleep(QUIESCE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static int[] parseInts(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt)
                .toArray();
    }
}
