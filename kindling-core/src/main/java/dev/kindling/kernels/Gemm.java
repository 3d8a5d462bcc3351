// Gemm: the public single-precision matrix-multiply entry point. Validates arguments (naming the operand, the
// sizes and the offsets in every error), handles empty products, then dispatches to the Vector API kernel
// (VectorGemm) when VectorSupport allows it, else to the scalar reference (GemmReference), which is the spec.
package dev.kindling.kernels;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Row-major single-precision GEMM: {@code C[m,n] = op(A)[m,k] * op(B)[k,n]}, plus the previous C when
 * {@code accumulate}.
 *
 * <p>Layout: {@code op(A)(i,p) = a[aOff + i*lda + p]}, or when {@code transA} (A stored as [k,m])
 * {@code a[aOff + p*lda + i]}. {@code op(B)(p,j) = b[bOff + p*ldb + j]}, or when {@code transB} (B stored as
 * [n,k]) {@code b[bOff + j*ldb + p]}. {@code C(i,j) = c[cOff + i*ldc + j]}. Leading dimensions may exceed the
 * row length (sub-matrix views). C must not overlap A or B.
 *
 * <p>Example, a linear layer {@code y[batch,out] = x[batch,in] * W[in,out]}:
 * {@code Gemm.sgemm(false, false, batch, out, in, x, 0, in, w, 0, out, y, 0, out, false);} and its weight gradient
 * {@code dW += x^T * dy}: {@code Gemm.sgemm(true, false, in, out, batch, x, 0, in, dy, 0, out, dw, 0, out, true);}
 */
public final class Gemm {
    private Gemm() {}

    /**
     * Computes {@code C = op(A) * op(B)} (or {@code C += op(A) * op(B)} when {@code accumulate}) with the fast
     * kernel when the Vector API is enabled, else with the scalar reference. Uses up to {@link Parallel#threads()}
     * threads for large products.
     *
     * @param transA     A is stored as [k,m] (use its transpose)
     * @param transB     B is stored as [n,k] (use its transpose)
     * @param m          rows of C, >= 0
     * @param n          columns of C, >= 0
     * @param k          inner dimension, >= 0; with {@code k == 0} C becomes 0 (or is left unchanged when
     *                   accumulating)
     * @param accumulate add the product to C's current contents instead of overwriting them
     * @throws IllegalArgumentException if a size, offset or leading dimension is invalid, an array is too short,
     *                                  or C overlaps A or B
     * @throws NullPointerException     if an array that the product reads or writes is null
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (!prepare("sgemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate)) return;
        if (VectorSupport.enabled() && VectorGemv.applies(transB, m, n, k)) {
            VectorGemv.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (VectorSupport.enabled() && VectorGemm.prefersSwap(transA, transB, m, n, k, lda)) {
            VectorGemm.sgemmSwapped(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (VectorSupport.enabled()) {
            VectorGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            GemmReference.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * The scalar reference (the specification) with the same arguments and checks as {@link #sgemm}:
     * single-threaded, no SIMD, dot products accumulated in float in k order. Slow; for tests and debugging.
     */
    public static void sgemmReference(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (!prepare("sgemmReference", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc,
                accumulate)) {
            return;
        }
        GemmReference.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** Validates; handles empty products. Returns true when a kernel still has to run (m, n, k all >= 1). */
    private static boolean prepare(String op, boolean transA, boolean transB, int m, int n, int k, float[] a,
            int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // The call's description is built only for an error message: building it eagerly cost ~1 us per call,
        // more than a whole small GEMM (a 4x64x32 product takes ~0.5 us).
        Supplier<String> call = () -> op + "(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n
                + ", k=" + k + ")";
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(call.get() + ": sizes must be >= 0");
        }
        if (m == 0 || n == 0) return false;
        // C is written: always checked.
        checkOperand(call, "C", "c", c, cOff, ldc, m, n, "[m,n]");
        if (k > 0) {
            checkOperand(call, "A", "a", a, aOff, lda, transA ? k : m, transA ? m : k, transA ? "[k,m]" : "[m,k]");
            checkOperand(call, "B", "b", b, bOff, ldb, transB ? n : k, transB ? k : n, transB ? "[n,k]" : "[k,n]");
            checkNoOverlap(call, "A", a, aOff, lda, transA ? k : m, transA ? m : k, c, cOff, ldc, m, n);
            checkNoOverlap(call, "B", b, bOff, ldb, transB ? n : k, transB ? k : n, c, cOff, ldc, m, n);
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return false;
        }
        return true;
    }

    /** Checks one stored matrix of {@code rows x cols} with leading dimension {@code ld} starting at {@code off}. */
    private static void checkOperand(Supplier<String> call, String name, String arg, float[] arr, int off, int ld,
            int rows, int cols, String shape) {
        Objects.requireNonNull(arr, () -> call.get() + ": array " + arg + " (" + name + ") is null");
        if (off < 0) {
            throw new IllegalArgumentException(call.get() + ": " + name + " offset must be >= 0, got " + arg + "Off="
                    + off);
        }
        if (ld < cols) {
            throw new IllegalArgumentException(call.get() + ": " + name + " is stored as " + shape + " = " + rows + "x"
                    + cols + ", so ld" + arg + " must be >= " + cols + ", got ld" + arg + "=" + ld);
        }
        long needed = (long) off + (long) (rows - 1) * ld + cols;
        if (needed > arr.length) {
            throw new IllegalArgumentException(call.get() + ": " + name + " is stored as " + shape + " = " + rows + "x"
                    + cols + " with ld" + arg + "=" + ld + " from " + arg + "Off=" + off + ", which needs "
                    + arg + ".length >= " + needed + ", but " + arg + ".length=" + arr.length);
        }
    }

    private static void checkNoOverlap(Supplier<String> call, String name, float[] x, int xOff, int ldx, int xRows,
            int xCols, float[] c, int cOff, int ldc, int m, int n) {
        if (x != c) return;
        long xEnd = (long) xOff + (long) (xRows - 1) * ldx + xCols, cEnd = (long) cOff + (long) (m - 1) * ldc + n;
        if (xOff < cEnd && cOff < xEnd) {
            throw new IllegalArgumentException(call.get() + ": C overlaps " + name + " (same array, elements [" + cOff
                    + ", " + cEnd + ") and [" + xOff + ", " + xEnd + ")); write the product to a separate array");
        }
    }
}
