// GemmJmh: JMH benchmark of Gemm.sgemm on square sizes and the MLP forward/backward shapes, 1 and 2 threads.
// GemmBench is the quick side-by-side with numpy; this is the rigorous, fork-isolated measurement.
// Run: java --add-modules jdk.incubator.vector -cp <jmh + kindling classpath> org.openjdk.jmh.Main GemmJmh
package dev.kindling.bench;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.KernelWarmup;
import dev.kindling.kernels.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark for {@link Gemm#sgemm}. {@code shape} is {@code m x n x k} with optional {@code tA}/{@code tB}
 * suffixes for transposed storage; the score is time per call (GFLOPS = 2mnk / time).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmJmh {
    /** {@code m x n x k}, optionally followed by {@code tA} and/or {@code tB}. */
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "64x256x784", "64x128x256",
            "256x784x64tA", "784x256x64tB"})
    public String shape;

    /** Threads Kindling may use. */
    @Param({"1", "2"})
    public int threads;

    private int m, n, k, lda, ldb;
    private boolean transA, transB;
    private float[] a, b, c;
    private int savedThreads;

    @Setup(Level.Trial)
    public void setup() {
        String dims = shape.replace("tA", "").replace("tB", "");
        transA = shape.contains("tA");
        transB = shape.contains("tB");
        String[] p = dims.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        lda = transA ? m : k;
        ldb = transB ? k : n;
        SplittableRandom rnd = new SplittableRandom(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
        savedThreads = Parallel.threads();
        Parallel.setThreads(threads);
        KernelWarmup.warmup();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(savedThreads);
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
        return c;
    }
}
