// GemmReference: the scalar specification of single-precision GEMM. Plain loops, no SIMD, no threads, written for
// clarity rather than speed. Every fast GEMM kernel (VectorGemm) is tested against this (GemmTest).
package dev.kindling.kernels;

/**
 * Scalar reference GEMM: {@code C[m,n] = op(A)[m,k] * op(B)[k,n]}, or {@code C += ...} when accumulating.
 *
 * <p>Numerics: each element's dot product is accumulated in {@code float}, in increasing {@code p} order starting
 * from 0 (a multiply rounded to float, then an add rounded to float), and only then added to the existing C
 * element when accumulating. Fast kernels use fused multiply-add and blocked depth, so they agree with this to
 * rounding error (relative to {@code sum |a||b|}), not bit for bit.
 *
 * <p>Arguments are not checked here; {@link Gemm#sgemmReference} validates them first.
 */
final class GemmReference {
    private GemmReference() {}

    /** See {@link Gemm#sgemm} for the meaning of the arguments; they must already be valid. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }
}
