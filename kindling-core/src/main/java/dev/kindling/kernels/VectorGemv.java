// VectorGemv: the fast path of GEMM for a handful of rows (m <= 4), i.e. decoding one token or scoring a tiny
// batch against a weight matrix. The blocked GEMM would pack all of op(B) for every call, a copy as large as the
// product itself; here B is streamed once, in place, and each of its rows is reused from L1 for every row of A.
// Spec: GemmReference (tests: GemmTest compares it on random shapes).
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Skinny GEMM (few rows of C). Only loaded when {@link VectorSupport#enabled()} is true. */
final class VectorGemv {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Most rows of C this path takes; above, the blocked kernel's register tiles win. */
    static final int MAX_ROWS = 4;
    /** Columns of C per task when B is [k, n]: the C strip (rows x 512 floats) stays in L1 across the k loop. */
    private static final int COL_BLOCK = 512;
    /** Below this many multiply-adds one thread does it all. */
    private static final long PARALLEL_MIN_MACS = 1L << 18;

    private VectorGemv() {}

    /**
     * Whether this path takes the product: few rows and enough depth to vectorize. With B stored [k, n] the blocked
     * kernel catches up sooner (measured here: this path 2x faster at m=1, no faster at m=4), so only up to two rows come here.
     */
    static boolean applies(boolean transB, int m, int n, int k) {
        return m <= (transB ? MAX_ROWS : 2) && k >= L && n >= 1;
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
        boolean parallel = Parallel.threads() > 1 && (long) m * n * k >= PARALLEL_MIN_MACS;
        if (transB) {
            // B is [n, k]: C(i, j) = dot(A row i, B row j); B row j is read from memory once, then from L1.
            int minChunk = Math.max(1, (int) (PARALLEL_MIN_MACS / Math.max(1L, (long) m * k)));
            if (parallel) {
                Parallel.forRange(n, minChunk, (lo, hi) -> dots(m, lo, hi, k, ar, ao, ald, b, bOff, ldb, c, cOff, ldc,
                        accumulate));
            } else {
                dots(m, 0, n, k, ar, ao, ald, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        } else {
            // B is [k, n]: C row i += A(i, p) * B row p, over column strips so C stays in L1.
            int strips = (n + COL_BLOCK - 1) / COL_BLOCK;
            if (parallel && strips > 1) {
                Parallel.forRange(strips, 1, (lo, hi) -> axpys(m, lo * COL_BLOCK, Math.min(n, hi * COL_BLOCK), k, ar,
                        ao, ald, b, bOff, ldb, c, cOff, ldc, accumulate));
            } else {
                axpys(m, 0, n, k, ar, ao, ald, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        }
    }

    /** Columns [j0, j1) of C for B stored [n, k]. */
    private static void dots(int m, int j0, int j1, int k, float[] a, int ao, int lda, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean accumulate) {
        for (int j = j0; j < j1; j++) {
            int bo = bOff + j * ldb;
            for (int i = 0; i < m; i++) {
                float s = dot(a, ao + i * lda, b, bo, k);
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    /** Dot product with four independent accumulators (FMA latency) combined in a fixed order. */
    private static float dot(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S),
                s3 = FloatVector.zero(S);
        int p = 0;
        for (int bound = n - 4 * L + 1; p < bound; p += 4 * L) {
            s0 = FloatVector.fromArray(S, x, xo + p).fma(FloatVector.fromArray(S, y, yo + p), s0);
            s1 = FloatVector.fromArray(S, x, xo + p + L).fma(FloatVector.fromArray(S, y, yo + p + L), s1);
            s2 = FloatVector.fromArray(S, x, xo + p + 2 * L).fma(FloatVector.fromArray(S, y, yo + p + 2 * L), s2);
            s3 = FloatVector.fromArray(S, x, xo + p + 3 * L).fma(FloatVector.fromArray(S, y, yo + p + 3 * L), s3);
        }
        for (int bound = n - L + 1; p < bound; p += L) {
            s0 = FloatVector.fromArray(S, x, xo + p).fma(FloatVector.fromArray(S, y, yo + p), s0);
        }
        // Ordered lane sum, not reduceLanes: its order differs between the interpreter and C2 (see VectorKernels).
        float s = VectorKernels.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; p < n; p++) s += x[xo + p] * y[yo + p];
        return s;
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
