// KernelWarmup: runs the fast kernels on tiny inputs until C2 has compiled them, so the first real training
// step or benchmark does not pay the interpreter/C1 price (Vector API code is only fast once C2-compiled).
// One static entry point; each kernel family adds its own private warm-up method and one call in warmup().
package dev.kindling.kernels;

/** Warms up the fast kernels once per JVM. Cheap to call repeatedly: only the first call does work. */
public final class KernelWarmup {
    /** Upper bound on the GEMM warm-up; if C2 has not finished by then it completes in the background. */
    private static final long WARMUP_BUDGET_NANOS = 500_000_000L;
    /** Upper bound on the warm-up of GEMM's few-rows dot-product path. */
    private static final long DOTS_BUDGET_NANOS = 300_000_000L;
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
            warmupElementwise();
            // Add further kernel families here.
        }
    }

    /**
     * Elementwise, reduction and softmax-row kernels: a few thousand calls on 100 floats (odd length: full vectors
     * and the masked tail) per op, ~100 ms in all, so activations and losses of the first batch run compiled.
     */
    private static void warmupElementwise() {
        int n = 100;
        float[] x = new float[n], y = new float[n], out = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i % 17) * 0.1f - 0.8f;
            y[i] = 0.5f + (i % 5) * 0.1f;
        }
        long deadline = System.nanoTime() + 300_000_000L;
        for (int it = 0; it < 3000 && System.nanoTime() < deadline; it++) {
            for (UnaryOp op : UnaryOp.values()) {
                if (!VectorKernels.hasVectorUnary(op)) continue;
                VectorKernels.unary(op, y, 0, out, 0, n, 0.1f);
            }
            VectorKernels.unaryBackward(UnaryOp.RELU, x, 0, y, 0, y, 0, out, 0, n, 0f);
            VectorKernels.unaryBackward(UnaryOp.TANH, x, 0, y, 0, y, 0, out, 0, n, 0f);
            VectorKernels.unaryBackward(UnaryOp.SIGMOID, x, 0, y, 0, y, 0, out, 0, n, 0f);
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAX}) {
                VectorKernels.binary(op, x, 0, 1, y, 0, 1, out, 0, n);
                VectorKernels.binary(op, x, 0, 1, y, 0, 0, out, 0, n);
            }
            VectorKernels.axpy(0.5f, x, 0, out, 0, n);
            VectorKernels.affine(x, 0, out, 0, n, 2f, 1f);
            VectorKernels.sum(x, 0, n);
            VectorKernels.max(x, 0, n);
            VectorKernels.dot(x, 0, y, 0, n);
            VectorKernels.softmaxRow(x, 0, out, 0, n, false);
            VectorKernels.softmaxRow(x, 0, out, 0, n, true);
        }
    }

    /**
     * GEMM: drives the micro-kernel (full and partial tiles, in-place and packed B, all transpose flags, both C
     * modes) past C2's compile thresholds with small problems, and stops as soon as a probe call runs at compiled
     * speed. Before C2 the Vector API is ~1000x slower and C2 wants ~1000 calls before it compiles the kernel, so
     * this takes a few hundred ms; if the budget runs out first, compilation finishes in the background.
     */
    private static void warmupGemm() {
        float[] a = new float[8 * 160], b = new float[64 * 4200], c = new float[8 * 4200];
        for (int i = 0; i < a.length; i++) a[i] = (i % 7) * 0.25f - 0.75f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 5) * 0.5f - 1f;
        long deadline = System.nanoTime() + WARMUP_BUDGET_NANOS;
        boolean compiled = false;
        // Depth 16: C2 compiles after ~900 calls (invocations + loop back-edges >= 15000).
        for (int it = 0; it < 20_000 && System.nanoTime() < deadline; it++) {
            boolean tA = (it & 1) != 0, tB = (it & 2) != 0, acc = (it & 4) != 0;
            gemm(tA, tB, 8, 32, 16, a, b, c, acc); // one full tile; B packed only when transposed
            gemm(tA, tB, 8, 16, 16, a, b, c, acc); // one half-width tile (narrow panels)
            if ((it & 7) == 0) gemm(tA, tB, 9, 40, 16, a, b, c, acc); // partial tiles, edge panels
            if ((it & 63) == 63) {
                long t = System.nanoTime();
                gemm(false, false, 8, 32, 16, a, b, c, false);
                gemm(false, false, 8, 16, 16, a, b, c, false);
                if (System.nanoTime() - t < 10_000) { // compiled: ~0.2 us; interpreted or C1: ~200 us
                    compiled = true;
                    break;
                }
            }
        }
        // A non-transposed B large enough to be packed (k * n > 256K floats): cheap only once compiled.
        if (compiled) gemm(false, false, 8, 4200, 64, a, b, c, false);
        warmupDots(a, b, c);
    }

    /**
     * The few-rows path for B stored [n, k] (VectorGemv's 4x2 and 1x8 dot-product blocks, a LeNet weight gradient
     * is 6x25x576): its kernels cannot be compiled by C1, so until C2 has compiled them a call is ~1000x slower,
     * and a slow call is rarely repeated often enough to reach C2's thresholds by itself.
     */
    private static void warmupDots(float[] a, float[] b, float[] c) {
        long deadline = System.nanoTime() + DOTS_BUDGET_NANOS;
        for (int it = 0; it < 20_000 && System.nanoTime() < deadline; it++) {
            boolean tA = (it & 1) != 0, acc = (it & 2) != 0;
            gemm(tA, true, 4, 16, 35, a, b, c, acc); // 4x2 blocks, a scalar depth tail
            gemm(tA, true, 3, 17, 32, a, b, c, acc); // 1x8 blocks, a partial last block
            if ((it & 63) == 63) {
                long t = System.nanoTime();
                gemm(false, true, 4, 16, 32, a, b, c, false);
                gemm(false, true, 3, 16, 32, a, b, c, false);
                if (System.nanoTime() - t < 10_000) return; // compiled: ~0.5 us; interpreted or C1: ~1 ms
            }
        }
    }

    private static void gemm(boolean tA, boolean tB, int m, int n, int k, float[] a, float[] b, float[] c,
            boolean acc) {
        Gemm.sgemm(tA, tB, m, n, k, a, 0, tA ? m : k, b, 0, tB ? k : n, c, 0, n, acc);
    }
}
