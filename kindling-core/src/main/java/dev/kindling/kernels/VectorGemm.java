// VectorGemm: the fast single-precision GEMM. BLIS-style loop nest: column blocks of NC, depth blocks of KC
// (op(B) block packed into NR-wide panels), row blocks of MC (op(A) block packed into MR-row panels), then
// MR x NR register tiles computed by VectorGemmKernels. Small operands skip packing (the kernels read A and B
// through strides), and threads split C into disjoint row or column ranges so no barrier is needed.
// Spec: GemmReference; tests: GemmTest.
package dev.kindling.kernels;

/**
 * Fast GEMM using the Vector API. Only loaded when {@link VectorSupport#enabled()} is true; callers go through
 * {@link Gemm#sgemm}, which validates arguments.
 */
final class VectorGemm {
    static final int MR = VectorGemmKernels.MR;
    static final int NR = VectorGemmKernels.NR;
    /** Rows of op(A) per packed block (fits the per-core L2 together with a B panel). */
    static final int MC = Integer.getInteger("kindling.gemm.mc", 240) / MR * MR;
    /** Depth per block. */
    static final int KC = Integer.getInteger("kindling.gemm.kc", 512);
    /** Columns of op(B) per packed block. */
    static final int NC = Integer.getInteger("kindling.gemm.nc", 4096) / NR * NR;
    /** Below this many flops one thread does the whole product: the hand-off would cost more than it saves. */
    static final long PARALLEL_MIN_FLOPS = Long.getLong("kindling.gemm.parmin", 1L << 21);
    /** Pack a non-transposed B block only when it exceeds this many floats (smaller blocks stay in L2). */
    static final long PACK_B_MIN = Long.getLong("kindling.gemm.packbmin", 64L * 1024);
    /** Pack an A block only when a row panel is reused by more than this many column panels. */
    static final int PACK_A_MIN_PANELS = Integer.getInteger("kindling.gemm.packamin", 4);

    /** Per-thread packing buffers: [0] for A, [1] for B; grown on demand and reused across calls. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][0]);

    private VectorGemm() {}

    /** Computes the product for validated arguments with {@code m, n, k >= 1}. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int threads = Parallel.threads();
        long flops = 2L * m * n * k;
        int rowTiles = (m + MR - 1) / MR, colTiles = (n + NR - 1) / NR;
        if (threads > 1 && flops >= PARALLEL_MIN_FLOPS) {
            if (rowTiles >= 2 * threads) {
                Parallel.forRange(rowTiles, 1, (lo, hi) -> block(transA, transB, k, a, aOff, lda, b, bOff, ldb,
                        c, cOff, ldc, accumulate, lo * MR, Math.min(m, hi * MR), 0, n));
                return;
            }
            if (colTiles >= threads) {
                Parallel.forRange(colTiles, 1, (lo, hi) -> block(transA, transB, k, a, aOff, lda, b, bOff, ldb,
                        c, cOff, ldc, accumulate, 0, m, lo * NR, Math.min(n, hi * NR)));
                return;
            }
        }
        block(transA, transB, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, 0, m, 0, n);
    }

    /** Computes rows {@code [r0, r1)} and columns {@code [c0, c1)} of C on the calling thread. */
    private static void block(boolean transA, boolean transB, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, int r0, int r1, int c0, int c1) {
        float[][] bufs = BUFFERS.get();
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc);
            int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                boolean packB = transB || (long) kc * nc > PACK_B_MIN;
                float[] bp = b;
                int bks = ldb;
                if (packB) {
                    bp = buffer(bufs, 1, panels * NR * kc);
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, NR, bp);
                    bks = NR;
                }
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    boolean packA = panels > PACK_A_MIN_PANELS;
                    float[] ap = a;
                    int ars = transA ? 1 : lda, aks = transA ? lda : 1;
                    if (packA) {
                        ap = buffer(bufs, 0, (mc + MR - 1) / MR * MR * kc);
                        GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, MR, ap);
                        ars = 1;
                        aks = MR;
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = packB ? jr * kc : bOff + pc * ldb + jc + jr;
                        int co = cOff + ic * ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ao = packA ? ir * kc
                                    : transA ? aOff + pc * lda + ic + ir : aOff + (ic + ir) * lda + pc;
                            VectorGemmKernels.tile(kc, ap, ao, ars, aks, mr, bp, bo, bks, nr, c, co + ir * ldc, ldc,
                                    add);
                        }
                    }
                }
            }
        }
    }

    private static float[] buffer(float[][] bufs, int which, int size) {
        float[] buf = bufs[which];
        if (buf.length < size) {
            buf = new float[size];
            bufs[which] = buf;
        }
        return buf;
    }
}
