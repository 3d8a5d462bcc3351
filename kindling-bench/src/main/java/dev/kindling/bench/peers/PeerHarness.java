// PeerHarness: the timing protocol every system of the peer comparison shares (Kindling and each peer JVM), so
// each workload is measured the same way everywhere: warm-up, then N timed reps, median with min..max, printed as
// one `RESULT peer system=.. bench=..` line that dev.kindling.bench.peers.PeersBench collects.
package dev.kindling.bench.peers;

import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Workload definitions (steps per rep, warm-up) and the timing loop of the side-by-side benchmarks
 * ({@code ../shared/peers/README.md}, section 3). A worker is started as {@code <Main> <bench> <reps>} and prints one
 * line per figure:
 * <pre>RESULT peer system=kindling bench=mlp unit=samples/s median=.. min=.. max=.. threads=t2 values=v1,v2,..</pre>
 */
public final class PeerHarness {
    private PeerHarness() {}

    /** Batch of the MLP / LeNet workloads. */
    public static final int BATCH = 64;
    /** Tiny GPT: batch, context, vocabulary, width, layers, heads. */
    public static final int GPT_BATCH = 32, GPT_CTX = 64, GPT_VOCAB = 65, GPT_DIM = 128, GPT_LAYERS = 4, GPT_HEADS = 4;
    /** Parameters of the tiny GPT as defined (untied head with bias). */
    public static final long GPT_PARAMS = 818_241;
    /** Pre-made random batches, cycled. */
    public static final int DATA_BATCHES = 16;
    /** SGEMM sizes. */
    public static final int[] SGEMM_SIZES = {256, 512, 1024, 2048};

    /** A workload: what one step does, and how many steps warm up / make one timed rep. */
    public enum Bench {
        MLP("mlp", "samples/s", BATCH, 300, 500),
        LENET("lenet", "samples/s", BATCH, 100, 150),
        GPT("gpt", "tokens/s", GPT_BATCH * GPT_CTX, 10, 30),
        MLP_INFER("mlp-infer", "samples/s", BATCH, 500, 2000),
        LENET_INFER("lenet-infer", "samples/s", BATCH, 100, 500),
        /** all-MiniLM-L6-v2 sentence embeddings, batches of 32 real sentences (see MiniLmWorkload). */
        MINILM("minilm", "sentences/s", MiniLmWorkload.BATCH, 8, 8);

        public final String id, unit;
        public final int unitsPerStep, warmupSteps, stepsPerRep;

        Bench(String id, String unit, int unitsPerStep, int warmupSteps, int stepsPerRep) {
            this.id = id;
            this.unit = unit;
            this.unitsPerStep = unitsPerStep;
            this.warmupSteps = warmupSteps;
            this.stepsPerRep = stepsPerRep;
        }

        /** The workload named {@code id} ("mlp", "lenet", ...). */
        public static Bench of(String id) {
            for (Bench b : values()) if (b.id.equals(id)) return b;
            throw new IllegalArgumentException("unknown benchmark '" + id + "'; known: sgemm " + Arrays.toString(values()));
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** Median, min, max and all values of the timed reps. */
    public record Stats(double median, double min, double max, double[] values) {
        public static Stats of(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            int n = s.length;
            double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            return new Stats(med, s[0], s[n - 1], v.clone());
        }
    }

    /** Times {@code step} (one batch per call): warm-up, then {@code reps} reps; prints and returns the RESULT line. */
    public static Stats run(String system, Bench bench, int reps, String threads, Runnable step) {
        int warmup = scaled(bench.warmupSteps), steps = scaled(bench.stepsPerRep);
        for (int i = 0; i < warmup; i++) step.run();
        double[] v = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) step.run();
            v[r] = (double) steps * bench.unitsPerStep / ((System.nanoTime() - t0) / 1e9);
        }
        Stats s = Stats.of(v);
        print(system, bench.id, bench.unit, threads, s);
        return s;
    }

    /**
     * SGEMM GFLOPS (2n^3 per call) of {@code matmul} at size n: each rep is ~1.5e11 flops (0.4-1 s at the ceiling),
     * after a warm-up of a quarter of that.
     */
    public static Stats sgemm(String system, int n, int reps, String threads, Runnable matmul) {
        int iters = sgemmIters(n);
        for (int i = 0; i < Math.max(1, iters / 4); i++) matmul.run();
        double[] v = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) matmul.run();
            v[r] = 2.0 * n * n * n * iters / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
        Stats s = Stats.of(v);
        print(system, "sgemm-" + n, "GFLOPS", threads, s);
        return s;
    }

    /** Calls per SGEMM rep at size n. */
    public static int sgemmIters(int n) {
        return scaled((int) Math.max(1, Math.round(1.5e11 / (2.0 * n * n * n))));
    }

    /**
     * {@code -Dpeers.scale=F} (default 1) multiplies every warm-up and rep length: 0.1 for a quick smoke run of the
     * harness; the figures of the README need 1.
     */
    public static int scaled(int steps) {
        double f = Double.parseDouble(System.getProperty("peers.scale", "1"));
        return (int) Math.max(1, Math.round(steps * f));
    }

    /** Prints the RESULT line of one figure. */
    public static void print(String system, String bench, String unit, String threads, Stats s) {
        StringJoiner vals = new StringJoiner(",");
        for (double x : s.values) vals.add(String.format(Locale.ROOT, "%.4g", x));
        System.out.printf(Locale.ROOT, "RESULT peer system=%s bench=%s unit=%s median=%.4g min=%.4g max=%.4g threads=%s values=%s%n",
                system, bench, unit, s.median, s.min, s.max, threads, vals);
        System.out.flush();
    }

    /** Parses {@code <bench> [reps]} (reps default 5, at least 1). */
    public static int reps(String[] args, int at) {
        int reps = args.length > at ? Integer.parseInt(args[at]) : 5;
        if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        return reps;
    }

    /** Deterministic uniform [0, 1) floats (xorshift), the same data in every system. */
    public static float[] uniform(long seed, int n) {
        float[] x = new float[n];
        long s = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            s ^= s << 13;
            s ^= s >>> 7;
            s ^= s << 17;
            x[i] = (s >>> 40) / (float) (1 << 24);
        }
        return x;
    }

    /** Deterministic integer labels in {@code [0, classes)}. */
    public static long[] labels(long seed, int n, int classes) {
        float[] u = uniform(seed, n);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = Math.min(classes - 1, (long) (u[i] * classes));
        return y;
    }

    /** Threads requested with {@code -Dthreads=N} (default 2). */
    public static int threads() {
        return Integer.getInteger("threads", 2);
    }
}
