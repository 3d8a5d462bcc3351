// VectorGemv: the fast path of GEMM for a handful of rows (m < 8), i.e. decoding one token or scoring a tiny
// batch against a weight matrix. The blocked GEMM would pack all of op(B) for every call, a copy as large as the
// product itself; here B is streamed once, in place, and each of its rows is reused from L1 for every row of A.
// Spec: GemmReference (tests: GemmTest compares it on random shapes).
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** Skinny GEMM (few rows of C). Only loaded when {@link VectorSupport#enabled()} is true. */
final class VectorGemv {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Most rows of C this path takes with B stored [n, k]: below the blocked kernel's 8-row tile, which would pack
     * (transpose) all of B and compute a mostly empty tile (6x25x576, a LeNet weight gradient: 7 -> 40+ GFLOPS).
     */
    static final int MAX_ROWS = 7;
    /** Columns of C per task when B is [k, n]: the C strip (rows x 512 floats) stays in L1 across the k loop. */
    private static final int COL_BLOCK = 512;
    /** Below this many multiply-adds one thread does it all (B stored [k, n]: strips of COL_BLOCK columns). */
    private static final long PARALLEL_MIN_MACS = 1L << 18;
    /**
     * With B stored [n, k], the fewest multiply-adds per thread; products with fewer than two threads' worth ({@link
     * #DOTS_PARALLEL_MIN_MACS}) run on one thread. Measured on 2 threads, back-to-back calls in one process (workers
     * still spinning from the last call), paired against 2^18 / 2^18 (which kept every product under 2^19 MACs on one
     * thread): 1x2048x128 1.88-1.98x, 4x512x128 1.57-1.68x, 1x512x256 1.64-1.75x, 1x512x128 1.44-1.68x, 4x128x128
     * 1.57-1.68x, the one-column remainder of a 2048x65x128 vocabulary head 1.33-1.55x (the whole head 1.05-1.09x). An
     * isolated call pays for waking a parked worker instead (about 10 us here: 1x1024x64 after 5 ms idle, 13-17 us on
     * one thread, 25-27 us split); gating on awake workers kept a stream of small products on one thread, since nothing
     * else woke them. The [k, n] strips keep the higher bound: split there, 1x1024x64 ran 0.37-0.89x and 1x1536x128
     * 0.49-1.26x.
     */
    private static final long DOTS_CHUNK_MIN_MACS = 1L << 15;
    private static final long DOTS_PARALLEL_MIN_MACS = 2 * DOTS_CHUNK_MIN_MACS;

    private VectorGemv() {}

    /**
     * Whether this path takes the product: few rows and enough depth to vectorize. With B stored [k, n] the blocked
     * kernel catches up sooner (measured here: this path 2x faster at m=1, no faster at m=4), so only up to two
     * rows come here. With B stored [n, k], 5 to 7 rows need a longer depth to beat the blocked kernel's packed
     * tile (measured 1.6x at 6x128x128, 0.94x at 7x128x64, 0.5x at 5x64x40).
     */
    static boolean applies(boolean transB, int m, int n, int k) {
        if (!transB) return m <= 2 && k >= L;
        return m <= 4 ? k >= L : m <= MAX_ROWS && k >= 128;
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // op(A) rows made contiguous (m * k floats, tiny next to B).
        float[] ar;
        int ao, ald;
        if (transA) {
            ar = new float[m * k];
            for (int p = 0; p < k; p++) {
                for (int i = 0; i < m; i++) ar[i * k + p] = a[aOff + p * lda + i];
            }
            ao = 0;
            ald = k;
        } else {
            ar = a;
            ao = aOff;
            ald = lda;
        }
        long macs = (long) m * n * k;
        boolean manyThreads = Parallel.threads() > 1;
        if (transB) {
            // B is [n, k]: C(i, j) = dot(A row i, B row j); B row j is read from memory once, then from L1.
            boolean parallel = manyThreads && macs >= DOTS_PARALLEL_MIN_MACS;
            int minChunk = Math.max(1, (int) (DOTS_CHUNK_MIN_MACS / Math.max(1L, (long) m * k)));
            if (parallel) {
                Parallel.forRange(n, minChunk, (lo, hi) -> dots(m, lo, hi, k, ar, ao, ald, b, bOff, ldb, c, cOff, ldc,
                        accumulate));
            } else {
                dots(m, 0, n, k, ar, ao, ald, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        } else {
            // B is [k, n]: C row i += A(i, p) * B row p, over column strips so C stays in L1.
            int strips = (n + COL_BLOCK - 1) / COL_BLOCK;
            if (manyThreads && macs >= PARALLEL_MIN_MACS && strips > 1) {
                Parallel.forRange(strips, 1, (lo, hi) -> axpys(m, lo * COL_BLOCK, Math.min(n, hi * COL_BLOCK), k, ar,
                        ao, ald, b, bOff, ldb, c, cOff, ldc, accumulate));
            } else {
                axpys(m, 0, n, k, ar, ao, ald, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        }
    }

    /**
     * Columns [j0, j1) of C for B stored [n, k]. Rows in groups of four take 4 x 2 blocks ({@link #block4x2}), the
     * remaining rows 1 x 8 blocks ({@link #block1x8}): eight independent dot products share each vector load, so the
     * loop runs at FMA speed instead of waiting on loads or FMA latency. A block past the last row or column re-reads
     * the last one (clamped) and is not stored. Every C(i, j) is one vector accumulator over the full vectors in k
     * order, its lanes summed in {@link #hsum}'s order, plus the scalar {@link #tail}, whatever block it falls in,
     * so results do not depend on m, on column ranges or on the thread count.
     */
    private static void dots(int m, int j0, int j1, int k, float[] a, int ao, int lda, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean accumulate) {
        int kv = S.loopBound(k);
        float[] sums = new float[L];   // the kernels' results, at the lanes LANE[q] (one small array per call)
        int m4 = m / 4 * 4;
        for (int j = j0; j < j1 && m4 > 0; j += 2) {
            int cols = Math.min(2, j1 - j);
            int y0 = bOff + j * ldb, y1 = y0 + (cols - 1) * ldb;
            for (int i = 0; i < m4; i += 4) {
                int x0 = ao + i * lda;
                block4x2(a, x0, x0 + lda, x0 + 2 * lda, x0 + 3 * lda, b, y0, y1, kv, sums);
                for (int r = 0; r < 4; r++) {
                    int x = x0 + r * lda, co = cOff + (i + r) * ldc + j;
                    store(c, co, sums[LANE[2 * r]] + tail(a, x, b, y0, kv, k), accumulate);
                    if (cols > 1) store(c, co + 1, sums[LANE[2 * r + 1]] + tail(a, x, b, y1, kv, k), accumulate);
                }
            }
        }
        for (int j = j0; j < j1 && m4 < m; j += 8) {   // the 8 rows of B are reused from L1 by each leftover row
            int cols = Math.min(8, j1 - j), y = bOff + j * ldb, last = y + (cols - 1) * ldb;
            for (int i = m4; i < m; i++) {
                int x = ao + i * lda, co = cOff + i * ldc + j;
                block1x8(a, x, b, y, Math.min(y + ldb, last), Math.min(y + 2 * ldb, last), Math.min(y + 3 * ldb, last),
                        Math.min(y + 4 * ldb, last), Math.min(y + 5 * ldb, last), Math.min(y + 6 * ldb, last), last,
                        kv, sums);
                for (int q = 0; q < cols; q++) {
                    store(c, co + q, sums[LANE[q]] + tail(a, x, b, y + q * ldb, kv, k), accumulate);
                }
            }
        }
    }

    /**
     * Where the kernels' fold leaves accumulator q's sum. Kernels have no data-dependent branch and return sums
     * through an array, so C2 compiles each once (no vector object crosses a call, no untaken branch deoptimizes
     * them later; C1 cannot compile them at all, so a deoptimized kernel would run interpreted, ~1000x slower).
     */
    private static final int[] LANE =
            L == 16 ? new int[] {0, 8, 4, 12, 2, 10, 6, 14} : new int[] {0, 1, 2, 3, 4, 5, 6, 7};

    /** Dot products of rows x0..x3 of A with rows y0, y1 of B over [0, kv): accumulator q = 2 * row + column. */
    private static void block4x2(float[] a, int x0, int x1, int x2, int x3, float[] b, int y0, int y1, int kv,
            float[] sums) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S),
                s3 = FloatVector.zero(S), s4 = FloatVector.zero(S), s5 = FloatVector.zero(S),
                s6 = FloatVector.zero(S), s7 = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            FloatVector u = FloatVector.fromArray(S, b, y0 + p), w = FloatVector.fromArray(S, b, y1 + p);
            FloatVector v = FloatVector.fromArray(S, a, x0 + p);
            s0 = v.fma(u, s0);
            s1 = v.fma(w, s1);
            v = FloatVector.fromArray(S, a, x1 + p);
            s2 = v.fma(u, s2);
            s3 = v.fma(w, s3);
            v = FloatVector.fromArray(S, a, x2 + p);
            s4 = v.fma(u, s4);
            s5 = v.fma(w, s5);
            v = FloatVector.fromArray(S, a, x3 + p);
            s6 = v.fma(u, s6);
            s7 = v.fma(w, s7);
        }
        // Lane sums into sums[LANE[q]], each in hsum's order. With 16 lanes all eight at once: fold pairs of
        // accumulators into one vector (lanes i and i^8 added, then i^4, i^2, i^1), shuffles and blends only.
        // Written out in both block kernels on purpose: as a shared method taking eight vectors, C2 did not inline
        // it and boxed the vectors (measured 7-10x slower: 4x2000x100 transB 18.5 -> 2.1 GFLOPS).
        if (L == 16) {
            FloatVector z1 = s0.blend(s1, M8).add(s0.rearrange(X8).blend(s1.rearrange(X8), M8));
            FloatVector z2 = s2.blend(s3, M8).add(s2.rearrange(X8).blend(s3.rearrange(X8), M8));
            FloatVector z3 = s4.blend(s5, M8).add(s4.rearrange(X8).blend(s5.rearrange(X8), M8));
            FloatVector z4 = s6.blend(s7, M8).add(s6.rearrange(X8).blend(s7.rearrange(X8), M8));
            FloatVector w1 = z1.blend(z2, M4).add(z1.rearrange(X4).blend(z2.rearrange(X4), M4));
            FloatVector w2 = z3.blend(z4, M4).add(z3.rearrange(X4).blend(z4.rearrange(X4), M4));
            FloatVector v = w1.blend(w2, M2).add(w1.rearrange(X2).blend(w2.rearrange(X2), M2));
            v.add(v.rearrange(X1)).intoArray(sums, 0);
        } else {
            sums[0] = hsum(s0);
            sums[1] = hsum(s1);
            sums[2] = hsum(s2);
            sums[3] = hsum(s3);
            sums[4] = hsum(s4);
            sums[5] = hsum(s5);
            sums[6] = hsum(s6);
            sums[7] = hsum(s7);
        }
    }

    /** Dot products of row x of A with rows y0..y7 of B over [0, kv): accumulator q = column q. */
    private static void block1x8(float[] a, int x, float[] b, int y0, int y1, int y2, int y3, int y4, int y5, int y6,
            int y7, int kv, float[] sums) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S),
                s3 = FloatVector.zero(S), s4 = FloatVector.zero(S), s5 = FloatVector.zero(S),
                s6 = FloatVector.zero(S), s7 = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            FloatVector v = FloatVector.fromArray(S, a, x + p);
            s0 = v.fma(FloatVector.fromArray(S, b, y0 + p), s0);
            s1 = v.fma(FloatVector.fromArray(S, b, y1 + p), s1);
            s2 = v.fma(FloatVector.fromArray(S, b, y2 + p), s2);
            s3 = v.fma(FloatVector.fromArray(S, b, y3 + p), s3);
            s4 = v.fma(FloatVector.fromArray(S, b, y4 + p), s4);
            s5 = v.fma(FloatVector.fromArray(S, b, y5 + p), s5);
            s6 = v.fma(FloatVector.fromArray(S, b, y6 + p), s6);
            s7 = v.fma(FloatVector.fromArray(S, b, y7 + p), s7);
        }
        // Lane sums into sums[LANE[q]], each in hsum's order. With 16 lanes all eight at once: fold pairs of
        // accumulators into one vector (lanes i and i^8 added, then i^4, i^2, i^1), shuffles and blends only.
        // Written out in both block kernels on purpose: as a shared method taking eight vectors, C2 did not inline
        // it and boxed the vectors (measured 7-10x slower: 4x2000x100 transB 18.5 -> 2.1 GFLOPS).
        if (L == 16) {
            FloatVector z1 = s0.blend(s1, M8).add(s0.rearrange(X8).blend(s1.rearrange(X8), M8));
            FloatVector z2 = s2.blend(s3, M8).add(s2.rearrange(X8).blend(s3.rearrange(X8), M8));
            FloatVector z3 = s4.blend(s5, M8).add(s4.rearrange(X8).blend(s5.rearrange(X8), M8));
            FloatVector z4 = s6.blend(s7, M8).add(s6.rearrange(X8).blend(s7.rearrange(X8), M8));
            FloatVector w1 = z1.blend(z2, M4).add(z1.rearrange(X4).blend(z2.rearrange(X4), M4));
            FloatVector w2 = z3.blend(z4, M4).add(z3.rearrange(X4).blend(z4.rearrange(X4), M4));
            FloatVector v = w1.blend(w2, M2).add(w1.rearrange(X2).blend(w2.rearrange(X2), M2));
            v.add(v.rearrange(X1)).intoArray(sums, 0);
        } else {
            sums[0] = hsum(s0);
            sums[1] = hsum(s1);
            sums[2] = hsum(s2);
            sums[3] = hsum(s3);
            sums[4] = hsum(s4);
            sums[5] = hsum(s5);
            sums[6] = hsum(s6);
            sums[7] = hsum(s7);
        }
    }

    /** The scalar part of a dot product, depth {@code [kv, k)} past the last full vector, added in k order. */
    private static float tail(float[] x, int xo, float[] y, int yo, int kv, int k) {
        float s = 0f;
        for (int p = kv; p < k; p++) s += x[xo + p] * y[yo + p];
        return s;
    }

    private static void store(float[] c, int ci, float s, boolean accumulate) {
        c[ci] = accumulate ? c[ci] + s : s;
    }

    /** Lane i swapped with lane i ^ w, for the pairwise sums; null where w >= L. */
    private static final VectorShuffle<Float> X8 = swap(8), X4 = swap(4), X2 = swap(2), X1 = swap(1);
    /** For 16 lanes: the lanes whose bit 3 (M8), bit 2 (M4) or bit 1 (M2) is set. */
    private static final VectorMask<Float> M8 = lanes(0xFF00L), M4 = lanes(0xF0F0L), M2 = lanes(0xCCCCL);

    private static VectorMask<Float> lanes(long bits) {
        return L == 16 ? VectorMask.fromLong(S, bits) : null;
    }

    private static VectorShuffle<Float> swap(int w) {
        return w < L ? VectorShuffle.fromOp(S, i -> i ^ w) : null;
    }

    /**
     * Sums the lanes pairwise (lane i with lane i + L/2, then + L/4, ...): a fixed order, so the same in the
     * interpreter and in C2 (unlike reduceLanes). Used where L != 16.
     */
    private static float hsum(FloatVector v) {
        float[] t = new float[L];
        v.intoArray(t, 0);
        for (int w = L / 2; w >= 1; w >>= 1) {
            for (int i = 0; i < w; i++) t[i] += t[i + w];
        }
        return t[0];
    }

    /** Columns [j0, j1) of C for B stored [k, n]. */
    private static void axpys(int m, int j0, int j1, int k, float[] a, int ao, int lda, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean accumulate) {
        int w = j1 - j0, vend = j0 + S.loopBound(w);
        if (!accumulate) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc + j0, cOff + i * ldc + j1, 0f);
        }
        for (int p = 0; p < k; p++) {
            int bo = bOff + p * ldb;
            for (int i = 0; i < m; i++) {
                float aip = a[ao + i * lda + p];
                FloatVector av = FloatVector.broadcast(S, aip);
                int co = cOff + i * ldc;
                int j = j0;
                for (; j < vend; j += L) {
                    av.fma(FloatVector.fromArray(S, b, bo + j), FloatVector.fromArray(S, c, co + j)).intoArray(c, co + j);
                }
                for (; j < j1; j++) c[co + j] += aip * b[bo + j];
            }
        }
    }
}
