// GemmPacking: copies blocks of op(B) (and partial edge panels of op(A)) into the contiguous, zero-padded panel
// layouts the GEMM micro-kernel streams through. Transposition happens here and only here: a transposed operand
// is read in its stored order and written in panel order, so no transposed copy of a whole matrix is ever made.
// Plain scalar loops (no Vector API), so this class is safe to load on any JVM.
package dev.kindling.kernels;

/**
 * Packing routines for {@link VectorGemm}. A panel holds {@code mr} rows of op(A) interleaved by depth:
 * {@code dst[s*mr*kc + p*mr + r] = op(A)(i0 + s*mr + r, p0 + p)}. A B panel holds {@code nr} columns of op(B):
 * {@code dst[s*nr*kc + p*nr + j] = op(B)(p0 + p, j0 + s*nr + j)}. Rows/columns past the block edge are zero.
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs the block rows {@code [i0, i0+mc)}, depth {@code [p0, p0+kc)} of op(A) into {@code dst} as panels of
     * {@code mr} rows. op(A)(i, p) is {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} when transA.
     * Panel s starts at {@code dst[dOff + s*mr*kc]}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, int mr,
            float[] dst, int dOff) {
        for (int s = 0; s * mr < mc; s++) {
            int base = dOff + s * mr * kc;
            int rows = Math.min(mr, mc - s * mr);
            int row0 = i0 + s * mr;
            if (rows == 8 && mr == 8) {
                // Full 8-row panel (the GEMM's MR): unrolled, writing the panel sequentially.
                packA8(transA, a, aOff, lda, row0, p0, kc, dst, base);
                continue;
            }
            if (!transA) {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (row0 + r) * lda + p0;
                    for (int p = 0, d = base + r; p < kc; p++, d += mr) dst[d] = a[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + row0;
                    int d = base + p * mr;
                    for (int r = 0; r < rows; r++) dst[d + r] = a[src + r];
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < mr; r++) dst[base + p * mr + r] = 0f;
                }
            }
        }
    }

    /** One full panel of 8 rows starting at {@code row0}: {@code dst[base + p*8 + r] = op(A)(row0 + r, p0 + p)}. */
    private static void packA8(boolean transA, float[] a, int aOff, int lda, int row0, int p0, int kc, float[] dst,
            int base) {
        if (transA) {
            for (int p = 0, src = aOff + p0 * lda + row0, d = base; p < kc; p++, src += lda, d += 8) {
                dst[d] = a[src];
                dst[d + 1] = a[src + 1];
                dst[d + 2] = a[src + 2];
                dst[d + 3] = a[src + 3];
                dst[d + 4] = a[src + 4];
                dst[d + 5] = a[src + 5];
                dst[d + 6] = a[src + 6];
                dst[d + 7] = a[src + 7];
            }
        } else {
            int s0 = aOff + row0 * lda + p0, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda,
                    s5 = s4 + lda, s6 = s5 + lda, s7 = s6 + lda;
            for (int p = 0, d = base; p < kc; p++, d += 8) {
                dst[d] = a[s0 + p];
                dst[d + 1] = a[s1 + p];
                dst[d + 2] = a[s2 + p];
                dst[d + 3] = a[s3 + p];
                dst[d + 4] = a[s4 + p];
                dst[d + 5] = a[s5 + p];
                dst[d + 6] = a[s6 + p];
                dst[d + 7] = a[s7 + p];
            }
        }
    }

    /**
     * Packs the block depth {@code [p0, p0+kc)}, columns {@code [j0, j0+nc)} of op(B) into {@code dst} as panels
     * of {@code nr} columns. op(B)(p, j) is {@code b[bOff + p*ldb + j]}, or {@code b[bOff + j*ldb + p]} when
     * transB. Panel s starts at {@code dst[dOff + s*nr*kc]}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, int nr,
            float[] dst, int dOff) {
        for (int s = 0; s * nr < nc; s++) {
            int base = dOff + s * nr * kc;
            int cols = Math.min(nr, nc - s * nr);
            int col0 = j0 + s * nr;
            if (!transB && cols == nr) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (p0 + p) * ldb + col0, dst, base + p * nr, cols);
                }
            } else if (!transB) {
                // A partial panel, often a few columns: plain loops (two calls per short row cost more than the copy).
                for (int p = 0, src = bOff + p0 * ldb + col0, d = base; p < kc; p++, src += ldb, d += nr) {
                    for (int j = 0; j < cols; j++) dst[d + j] = b[src + j];
                    for (int j = cols; j < nr; j++) dst[d + j] = 0f;
                }
                continue;
            } else {
                // Read each stored row (a column of op(B)) contiguously, four at a time to keep writes dense.
                int j = 0;
                for (; j + 4 <= cols; j += 4) {
                    int s0 = bOff + (col0 + j) * ldb + p0, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                        dst[d] = b[s0 + p];
                        dst[d + 1] = b[s1 + p];
                        dst[d + 2] = b[s2 + p];
                        dst[d + 3] = b[s3 + p];
                    }
                }
                for (; j < cols; j++) {
                    int src = bOff + (col0 + j) * ldb + p0;
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) dst[d] = b[src + p];
                }
            }
            if (cols < nr) {
                for (int p = 0, d = base; p < kc; p++, d += nr) {
                    for (int j = cols; j < nr; j++) dst[d + j] = 0f;
                }
            }
        }
    }
}
