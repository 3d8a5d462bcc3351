// VectorGemmKernels: the register-blocked GEMM micro-kernel (Vector API). It computes one MR x NR tile of C
// (8 rows x 2 vectors) from an A panel, read through row/depth strides so packed and unpacked A share one
// kernel, and a B panel of two vectors per depth step, keeping all 16 accumulators in registers across the
// k loop. Unrolled by hand: C2 keeps each accumulator in a register only when it is its own local. Partial
// tiles are handled by the caller (VectorGemm) through padded panels and a scratch tile; panels of at most one
// vector of columns use a half-width kernel. Spec: GemmReference.
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernel. Only loaded when {@link VectorSupport#enabled()} is true.
 *
 * <p>Deliberately few kernels: C2 needs hundreds of milliseconds to compile each one of this size (C1 cannot
 * compile them at all), and the Vector API is very slow until C2 has, so fewer kernels means a shorter warm-up.
 * The full tile ({@link #kernel}) and a one-vector-wide tile for narrow column panels ({@link #kernelHalf}).
 */
final class VectorGemmKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int VL = S.length();
    /** Rows of a tile. */
    static final int MR = 8;
    /** Columns of a tile: two vectors. */
    static final int NR = 2 * VL;

    private VectorGemmKernels() {}

    /**
     * Computes {@code C[MR, NR] (+)= A[MR, kc] * B[kc, NR]} with fused multiply-add in k order.
     *
     * @param a   A element (row r, depth p) is {@code a[ao + r*ars + p*aks]}
     * @param b   B row p (NR floats) starts at {@code b[bo + p*bks]}
     * @param c   the tile's top-left is {@code c[co]}, row stride {@code ldc}
     * @param add add the product to C instead of overwriting C
     */
    static void kernel(int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int bks,
            float[] c, int co, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int a0 = ao; int a1 = ao + 1 * ars; int a2 = ao + 2 * ars; int a3 = ao + 3 * ars;
        int a4 = ao + 4 * ars; int a5 = ao + 5 * ars; int a6 = ao + 6 * ars; int a7 = ao + 7 * ars;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + ai]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, a[a6 + ai]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, a[a7 + ai]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
        }
        int o;
        if (add) {
            o = co;
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c01.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
            o = co + 1 * ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c11.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
            o = co + 2 * ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c21.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
            o = co + 3 * ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c31.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
            o = co + 4 * ldc;
            c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c41.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
            o = co + 5 * ldc;
            c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c51.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
            o = co + 6 * ldc;
            c60.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c61.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
            o = co + 7 * ldc;
            c70.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c71.add(FloatVector.fromArray(S, c, o + VL)).intoArray(c, o + VL);
        } else {
            o = co;
            c00.intoArray(c, o);
            c01.intoArray(c, o + VL);
            o = co + 1 * ldc;
            c10.intoArray(c, o);
            c11.intoArray(c, o + VL);
            o = co + 2 * ldc;
            c20.intoArray(c, o);
            c21.intoArray(c, o + VL);
            o = co + 3 * ldc;
            c30.intoArray(c, o);
            c31.intoArray(c, o + VL);
            o = co + 4 * ldc;
            c40.intoArray(c, o);
            c41.intoArray(c, o + VL);
            o = co + 5 * ldc;
            c50.intoArray(c, o);
            c51.intoArray(c, o + VL);
            o = co + 6 * ldc;
            c60.intoArray(c, o);
            c61.intoArray(c, o + VL);
            o = co + 7 * ldc;
            c70.intoArray(c, o);
            c71.intoArray(c, o + VL);
        }
    }

    /**
     * {@link #kernel} for a tile only one vector wide: {@code C[MR, VL] (+)= A[MR, kc] * B[kc, VL]}, same argument
     * meaning (B rows still start {@code bks} apart; only their first VL floats are read). It takes the column
     * panels that hold at most VL columns (a vocabulary of 65 is 32 + 32 + 1; products 6 to 16 columns wide), which
     * the full kernel would compute at a quarter to half of its width for nothing.
     */
    static void kernelHalf(int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int bks,
            float[] c, int co, int ldc, boolean add) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        int a0 = ao; int a1 = ao + 1 * ars; int a2 = ao + 2 * ars; int a3 = ao + 3 * ars;
        int a4 = ao + 4 * ars; int a5 = ao + 5 * ars; int a6 = ao + 6 * ars; int a7 = ao + 7 * ars;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[a0 + ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ai]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ai]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ai]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + ai]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + ai]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + ai]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + ai]).fma(b0, c7);
        }
        if (add) {
            c0.add(FloatVector.fromArray(S, c, co + 0 * ldc)).intoArray(c, co + 0 * ldc);
            c1.add(FloatVector.fromArray(S, c, co + 1 * ldc)).intoArray(c, co + 1 * ldc);
            c2.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
            c3.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
            c4.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
            c5.add(FloatVector.fromArray(S, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc);
            c6.add(FloatVector.fromArray(S, c, co + 6 * ldc)).intoArray(c, co + 6 * ldc);
            c7.add(FloatVector.fromArray(S, c, co + 7 * ldc)).intoArray(c, co + 7 * ldc);
        } else {
            c0.intoArray(c, co + 0 * ldc);
            c1.intoArray(c, co + 1 * ldc);
            c2.intoArray(c, co + 2 * ldc);
            c3.intoArray(c, co + 3 * ldc);
            c4.intoArray(c, co + 4 * ldc);
            c5.intoArray(c, co + 5 * ldc);
            c6.intoArray(c, co + 6 * ldc);
            c7.intoArray(c, co + 7 * ldc);
        }
    }
}
