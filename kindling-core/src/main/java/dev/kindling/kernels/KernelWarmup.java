// KernelWarmup: runs the fast kernels on tiny inputs until C2 has compiled them, so the first real training
// step or benchmark does not pay the interpreter/C1 price (Vector API code is only fast once C2-compiled).
// One static entry point; each kernel family adds its own private warm-up method and one call in warmup().
package dev.kindling.kernels;

/** Warms up the fast kernels once per JVM. Cheap to call repeatedly: only the first call does work. */
public final class KernelWarmup {
    /** Upper bound on the GEMM warm-up; if C2 has not finished by then it completes in the background. */
    private static final long WARMUP_BUDGET_NANOS = Long.getLong("wu", 600) * 1_000_000L;
    private static final Object LOCK = new Object();
    private static boolean done;

    private KernelWarmup() {}

    /**
     * Runs each fast kernel on small problems enough times for the JIT to compile it (a few hundred milliseconds
     * at most). Idempotent and thread-safe; does nothing when the fast kernels are disabled.
     */
    public static void warmup() {
        synchronized (LOCK) {
            if (done) return;
            done = true;
            if (!VectorSupport.enabled()) return;
            warmupGemm();
            // Add further kernel families here, e.g. warmupElementwise();
        }
    }

    /**
     * GEMM: drives the micro-kernel (full and partial tiles, packed and in-place operands, all transpose flags,
     * both C modes) past C2's compile thresholds with small problems, and stops as soon as a probe call runs at
     * compiled speed. Before C2 the Vector API is ~1000x slower, which is why this takes a few hundred ms.
     */
    private static void warmupGemm() {
        float[] a = new float[64 * 80], b = new float[64 * 1056], c = new float[16 * 1056];
        for (int i = 0; i < a.length; i++) a[i] = (i % 7) * 0.25f - 0.75f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 5) * 0.5f - 1f;
        long start = System.nanoTime(), deadline = start + WARMUP_BUDGET_NANOS;
        // Depth 16: C2 compiles after ~900 calls (invocations + loop back-edges >= 15000).
        for (int it = 0; it < 20_000 && System.nanoTime() < deadline; it++) {
            boolean tA = (it & 1) != 0, tB = (it & 2) != 0, acc = (it & 4) != 0;
            gemm(tA, tB, 8, 32, 16, a, b, c, acc);
            if ((it & 7) == 0) gemm(tA, tB, 9, 40, 16, a, b, c, acc); // partial tiles, edge buffers
            if ((it & 63) == 63) {
                long t = System.nanoTime();
                gemm(false, false, 8, 32, 16, a, b, c, false);
                if (Boolean.getBoolean("wudbg")) System.out.println(it + " " + (t - start) / 1e6 + " " + (System.nanoTime() - t) / 1e3);
                if (System.nanoTime() - t < 5_000) break; // compiled: ~0.1 us; interpreted/C1: ~100 us
            }
        }
        // Packed A (more than 4 column panels) and packed non-transposed B (k * n > 64K floats).
        for (int r = 0; r < 4; r++) {
            gemm((r & 1) != 0, false, 8, 160, 8, a, b, c, false);
            gemm((r & 1) != 0, false, 1, 1056, 64, a, b, c, true);
        }
    }

    private static void gemm(boolean tA, boolean tB, int m, int n, int k, float[] a, float[] b, float[] c,
            boolean acc) {
        Gemm.sgemm(tA, tB, m, n, k, a, 0, tA ? m : k, b, 0, tB ? k : n, c, 0, n, acc);
    }
}
