// AttentionBenchCommand: `kindling bench attention`, the fused (FlashAttention) causal attention kernel against
// the reference math path of sdpa: forward and forward+backward milliseconds (median after warm-up) and the bytes
// each allocates, for [B, H, T, D] heads at several T. Ends with `RESULT attention t=<largest T> ...`.
package dev.kindling.app;

import dev.kindling.kernels.Parallel;
import dev.kindling.ops.Attention;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling bench attention [--batch 8] [--heads 8] [--dim 64] [--lengths 512,1024] [--runs 5]}. */
@Command(
        name = "attention",
        mixinStandardHelpOptions = true,
        description = {
            "Causal scaled dot-product attention: the fused blocked kernel (FlashAttention-style: tiles, online",
            "softmax, no [T, T] matrix) vs the reference path (scores and probabilities materialised).",
            "Prints forward and forward+backward medians and the memory each allocates per call, then",
            "`RESULT attention t=T fused_ms=... reference_ms=... speedup=...` (forward+backward, largest T).",
        })
final class AttentionBenchCommand implements Callable<Integer> {
    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: 8).")
    int batch = 8;

    @Option(names = "--heads", paramLabel = "H", description = "Heads (default: 8).")
    int heads = 8;

    @Option(names = "--dim", paramLabel = "D", description = "Head dimension (default: 64).")
    int dim = 64;

    @Option(names = "--lengths", split = ",", paramLabel = "T,T", description = "Sequence lengths (default: 512,1024).")
    List<Integer> lengths = List.of(512, 1024);

    @Option(names = "--runs", paramLabel = "N", description = "Timed runs per measurement; the median is reported "
            + "(default: 5).")
    int runs = 5;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed runs first (default: 2).")
    int warmup = 2;

    /** Median milliseconds and bytes allocated (all threads) by one call. */
    private record Timing(double ms, long bytes) {}

    @Override
    public Integer call() {
        if (batch < 1 || heads < 1 || dim < 1 || runs < 1 || warmup < 0 || lengths.stream().anyMatch(t -> t < 1)) {
            System.err.println("kindling bench attention: --batch, --heads, --dim, --lengths and --runs must be >= 1, "
                    + "--warmup >= 0");
            return 2;
        }
        System.out.printf("causal attention, B=%d H=%d D=%d, %d threads, median of %d runs after %d warm-up%n", batch,
                heads, dim, Parallel.threads(), runs, warmup);
        System.out.printf("%6s  %-9s %12s %12s %14s %14s%n", "T", "path", "fwd ms", "fwd+bwd ms", "fwd alloc MiB",
                "f+b alloc MiB");
        String result = null;
        for (int t : lengths) {
            Generator g = new Generator(t);
            Tensor q = Tensor.randn(g, batch, heads, t, dim), k = Tensor.randn(g, batch, heads, t, dim);
            Tensor v = Tensor.randn(g, batch, heads, t, dim), gOut = Tensor.randn(g, batch, heads, t, dim);
            Timing[] fused = measure(() -> Attention.scaledDotProductAttention(q, k, v, null, true, null), q, k, v, gOut);
            Timing[] ref = measure(() -> Attention.attentionWithWeights(q, k, v, null, 0f, true, null, false, null)
                    .output(), q, k, v, gOut);
            row(t, "fused", fused);
            row(t, "reference", ref);
            System.out.printf("%6s  speedup forward %.2fx, forward+backward %.2fx; [T, T] per head materialised by the "
                    + "reference: %.1f MiB per matrix%n", "", ref[0].ms / fused[0].ms, ref[1].ms / fused[1].ms,
                    (double) batch * heads * t * t * 4 / (1 << 20));
            result = String.format("RESULT attention t=%d fused_ms=%.1f reference_ms=%.1f speedup=%.2f fwd_fused_ms=%.1f "
                    + "fwd_reference_ms=%.1f fused_alloc_mib=%.1f reference_alloc_mib=%.1f b=%d h=%d d=%d threads=%d", t,
                    fused[1].ms, ref[1].ms, ref[1].ms / fused[1].ms, fused[0].ms, ref[0].ms, mib(fused[1].bytes),
                    mib(ref[1].bytes), batch, heads, dim, Parallel.threads());
        }
        System.out.println(result);
        return 0;
    }

    private static void row(int t, String path, Timing[] m) {
        System.out.printf("%6d  %-9s %12.1f %12.1f %14.1f %14.1f%n", t, path, m[0].ms, m[1].ms, mib(m[0].bytes),
                mib(m[1].bytes));
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }

    /** {forward (no grad), forward + backward}. */
    private Timing[] measure(Supplier<Tensor> attention, Tensor q, Tensor k, Tensor v, Tensor gOut) {
        Timing fwd = time(() -> {
            try (var ng = Autograd.noGrad()) {
                attention.get();
            }
        });
        Timing both = time(() -> {
            Tensor[] leaves = {q.requiresGrad(true), k.requiresGrad(true), v.requiresGrad(true)};
            attention.get().backward(gOut);
            for (Tensor l : leaves) {
                l.zeroGrad();
                l.requiresGrad(false);
            }
        });
        return new Timing[] {fwd, both};
    }

    private Timing time(Runnable body) {
        for (int i = 0; i < warmup; i++) body.run();
        double[] ms = new double[runs];
        long[] bytes = new long[runs];
        for (int i = 0; i < runs; i++) {
            long b0 = allocated(), t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            bytes[i] = allocated() - b0;
        }
        Arrays.sort(ms);
        Arrays.sort(bytes);
        return new Timing(ms[runs / 2], bytes[runs / 2]);
    }

    /** Bytes allocated so far by all threads (HotSpot), or 0 where unsupported. */
    private static long allocated() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            try {
                return t.getTotalThreadAllocatedBytes();
            } catch (UnsupportedOperationException e) {
                return 0;
            }
        }
        return 0;
    }
}
