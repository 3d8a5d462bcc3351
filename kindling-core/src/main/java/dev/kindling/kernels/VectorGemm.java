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

    private static final int A_BUF = 0, B_BUF = 1, A_EDGE = 2, B_EDGE = 3, TILE = 4;
    /** Per-thread packing buffers (indexed by the constants above); grown on demand and reused across calls. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[5][0]);

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
                // B: packed panels (zero-padded), or read in place with row stride ldb. In place, a partial last
                // panel is still packed (into the edge buffer) so the kernel never reads past a row of B.
                boolean packB = transB || (long) kc * nc > PACK_B_MIN;
                float[] bp = b, bEdge = null;
                int bks = ldb;
                if (packB) {
                    bp = buffer(bufs, B_BUF, panels * NR * kc);
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, NR, bp);
                    bks = NR;
                } else if (nc % NR != 0) {
                    bEdge = buffer(bufs, B_EDGE, NR * kc);
                    GemmPacking.packB(false, b, bOff, ldb, pc, kc, jc + nc / NR * NR, nc % NR, NR, bEdge);
                }
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    // A: packed panels (zero-padded) when reused by enough column panels, else read in place;
                    // a partial last row panel read in place is packed into the edge buffer.
                    boolean packA = panels > PACK_A_MIN_PANELS;
                    float[] ap = a, aEdge = null;
                    int ars = transA ? 1 : lda, aks = transA ? lda : 1;
                    if (packA) {
                        ap = buffer(bufs, A_BUF, (mc + MR - 1) / MR * MR * kc);
                        GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, MR, ap);
                        ars = 1;
                        aks = MR;
                    } else if (mc % MR != 0) {
                        aEdge = buffer(bufs, A_EDGE, MR * kc);
                        GemmPacking.packA(transA, a, aOff, lda, ic + mc / MR * MR, mc % MR, pc, kc, MR, aEdge);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        float[] bt = bp;
                        int bo, bs = bks;
                        if (packB) {
                            bo = jr * kc;
                        } else if (nr < NR) {
                            bt = bEdge;
                            bo = 0;
                            bs = NR;
                        } else {
                            bo = bOff + pc * ldb + jc + jr;
                        }
                        int co = cOff + ic * ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            float[] at = ap;
                            int ao, as = ars, ks = aks;
                            if (packA) {
                                ao = ir * kc;
                            } else if (mr < MR) {
                                at = aEdge;
                                ao = 0;
                                as = 1;
                                ks = MR;
                            } else {
                                ao = transA ? aOff + pc * lda + ic + ir : aOff + (ic + ir) * lda + pc;
                            }
                            if (mr == MR && nr == NR) {
                                VectorGemmKernels.kernel(kc, at, ao, as, ks, bt, bo, bs, c, co + ir * ldc, ldc, add);
                            } else {
                                // Partial tile: full tile from zero-padded panels into scratch, then copy the part
                                // that exists.
                                float[] t = buffer(bufs, TILE, MR * NR);
                                VectorGemmKernels.kernel(kc, at, ao, as, ks, bt, bo, bs, t, 0, NR, false);
                                mergeTile(t, mr, nr, c, co + ir * ldc, ldc, add);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Writes (or adds, when {@code add}) the top-left {@code mr x nr} of scratch tile {@code t} into C. */
    private static void mergeTile(float[] t, int mr, int nr, float[] c, int co, int ldc, boolean add) {
        for (int r = 0; r < mr; r++) {
            int o = co + r * ldc, to = r * NR;
            if (add) {
                for (int j = 0; j < nr; j++) c[o + j] += t[to + j];
            } else {
                System.arraycopy(t, to, c, o, nr);
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
