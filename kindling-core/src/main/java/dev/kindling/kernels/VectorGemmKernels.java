// VectorGemmKernels: the register-blocked GEMM micro-kernels (Vector API). Each computes one tile of C from an
// A panel (8, 4 or 1 rows, read through row/k strides so packed and unpacked A share code) and a B panel of NR
// = 2 vectors (or 1) columns, keeping the whole tile in registers across the k loop. The code is unrolled by
// hand (generated): C2 needs every accumulator in its own local to keep it in a register. The spec is
// GemmReference; GemmTest checks these against it through Gemm.sgemm.
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernels. Only loaded when {@link VectorSupport#enabled()} is true.
 *
 * <p>Common parameters: {@code kc} is the depth; A element (row r, depth p) is {@code a[ao + r*ars + p*aks]};
 * B vector j of depth p starts at {@code b[bo + p*bks + j*VL]}; the tile's top-left in C is {@code c[co]} with
 * row stride {@code ldc}; {@code add} adds the product to C instead of overwriting it. Products accumulate with
 * fused multiply-add in k order.
 */
final class VectorGemmKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int VL = S.length();
    /** Rows of a full tile. */
    static final int MR = 8;
    /** Columns of a full tile: two vectors. */
    static final int NR = 2 * VL;

    private VectorGemmKernels() {}

    /**
     * Computes a tile of {@code mr} rows by {@code nr} columns ({@code 1 <= mr <= MR}, {@code 1 <= nr <= NR}),
     * choosing the cheapest kernel for the shape.
     */
    static void tile(int kc, float[] a, int ao, int ars, int aks, int mr, float[] b, int bo, int bks, int nr,
            float[] c, int co, int ldc, boolean add) {
        if (nr > VL) {
            if (mr == MR) {
                if (nr == NR) full8(kc, a, ao, ars, aks, b, bo, bks, c, co, ldc, add);
                else edge8x2(kc, a, ao, ars, aks, mr, b, bo, bks, nr, c, co, ldc, add);
            } else if (mr > 4) {
                edge8x2(kc, a, ao, ars, aks, mr, b, bo, bks, nr, c, co, ldc, add);
            } else if (mr > 1) {
                edge4x2(kc, a, ao, ars, aks, mr, b, bo, bks, nr, c, co, ldc, add);
            } else {
                edge1x2(kc, a, ao, ars, aks, mr, b, bo, bks, nr, c, co, ldc, add);
            }
        } else if (mr > 4) {
            edge8x1(kc, a, ao, ars, aks, mr, b, bo, bks, nr, c, co, ldc, add);
        } else if (mr > 1) {
            edge4x1(kc, a, ao, ars, aks, mr, b, bo, bks, nr, c, co, ldc, add);
        } else {
            edge1x1(kc, a, ao, ars, aks, mr, b, bo, bks, nr, c, co, ldc, add);
        }
    }

    /** Full 8 x NR tile with unmasked loads and stores. */
    static void full8(int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int bks,
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

    /** Edge tile, up to 8 row(s) x 2 vector(s): rows >= mr reuse row mr-1 and are not stored; columns >= nr are masked. */
    static void edge8x2(int kc, float[] a, int ao, int ars, int aks, int mr, float[] b, int bo, int bks, int nr,
            float[] c, int co, int ldc, boolean add) {
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        VectorMask<Float> m1 = S.indexInRange(VL, nr);
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int a0 = ao; int a1 = ao + Math.min(1, mr - 1) * ars;
        int a2 = ao + Math.min(2, mr - 1) * ars; int a3 = ao + Math.min(3, mr - 1) * ars;
        int a4 = ao + Math.min(4, mr - 1) * ars; int a5 = ao + Math.min(5, mr - 1) * ars;
        int a6 = ao + Math.min(6, mr - 1) * ars; int a7 = ao + Math.min(7, mr - 1) * ars;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi, m0);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL, m1);
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
        o = co;
        if (add) c00 = c00.add(FloatVector.fromArray(S, c, o, m0));
        c00.intoArray(c, o, m0);
        if (add) c01 = c01.add(FloatVector.fromArray(S, c, o + VL, m1));
        c01.intoArray(c, o + VL, m1);
        if (mr <= 1) return;
        o = co + 1 * ldc;
        if (add) c10 = c10.add(FloatVector.fromArray(S, c, o, m0));
        c10.intoArray(c, o, m0);
        if (add) c11 = c11.add(FloatVector.fromArray(S, c, o + VL, m1));
        c11.intoArray(c, o + VL, m1);
        if (mr <= 2) return;
        o = co + 2 * ldc;
        if (add) c20 = c20.add(FloatVector.fromArray(S, c, o, m0));
        c20.intoArray(c, o, m0);
        if (add) c21 = c21.add(FloatVector.fromArray(S, c, o + VL, m1));
        c21.intoArray(c, o + VL, m1);
        if (mr <= 3) return;
        o = co + 3 * ldc;
        if (add) c30 = c30.add(FloatVector.fromArray(S, c, o, m0));
        c30.intoArray(c, o, m0);
        if (add) c31 = c31.add(FloatVector.fromArray(S, c, o + VL, m1));
        c31.intoArray(c, o + VL, m1);
        if (mr <= 4) return;
        o = co + 4 * ldc;
        if (add) c40 = c40.add(FloatVector.fromArray(S, c, o, m0));
        c40.intoArray(c, o, m0);
        if (add) c41 = c41.add(FloatVector.fromArray(S, c, o + VL, m1));
        c41.intoArray(c, o + VL, m1);
        if (mr <= 5) return;
        o = co + 5 * ldc;
        if (add) c50 = c50.add(FloatVector.fromArray(S, c, o, m0));
        c50.intoArray(c, o, m0);
        if (add) c51 = c51.add(FloatVector.fromArray(S, c, o + VL, m1));
        c51.intoArray(c, o + VL, m1);
        if (mr <= 6) return;
        o = co + 6 * ldc;
        if (add) c60 = c60.add(FloatVector.fromArray(S, c, o, m0));
        c60.intoArray(c, o, m0);
        if (add) c61 = c61.add(FloatVector.fromArray(S, c, o + VL, m1));
        c61.intoArray(c, o + VL, m1);
        if (mr <= 7) return;
        o = co + 7 * ldc;
        if (add) c70 = c70.add(FloatVector.fromArray(S, c, o, m0));
        c70.intoArray(c, o, m0);
        if (add) c71 = c71.add(FloatVector.fromArray(S, c, o + VL, m1));
        c71.intoArray(c, o + VL, m1);
    }

    /** Edge tile, up to 8 row(s) x 1 vector(s): rows >= mr reuse row mr-1 and are not stored; columns >= nr are masked. */
    static void edge8x1(int kc, float[] a, int ao, int ars, int aks, int mr, float[] b, int bo, int bks, int nr,
            float[] c, int co, int ldc, boolean add) {
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        int a0 = ao; int a1 = ao + Math.min(1, mr - 1) * ars;
        int a2 = ao + Math.min(2, mr - 1) * ars; int a3 = ao + Math.min(3, mr - 1) * ars;
        int a4 = ao + Math.min(4, mr - 1) * ars; int a5 = ao + Math.min(5, mr - 1) * ars;
        int a6 = ao + Math.min(6, mr - 1) * ars; int a7 = ao + Math.min(7, mr - 1) * ars;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi, m0);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + ai]);
            c50 = x5.fma(b0, c50);
            FloatVector x6 = FloatVector.broadcast(S, a[a6 + ai]);
            c60 = x6.fma(b0, c60);
            FloatVector x7 = FloatVector.broadcast(S, a[a7 + ai]);
            c70 = x7.fma(b0, c70);
        }
        int o;
        o = co;
        if (add) c00 = c00.add(FloatVector.fromArray(S, c, o, m0));
        c00.intoArray(c, o, m0);
        if (mr <= 1) return;
        o = co + 1 * ldc;
        if (add) c10 = c10.add(FloatVector.fromArray(S, c, o, m0));
        c10.intoArray(c, o, m0);
        if (mr <= 2) return;
        o = co + 2 * ldc;
        if (add) c20 = c20.add(FloatVector.fromArray(S, c, o, m0));
        c20.intoArray(c, o, m0);
        if (mr <= 3) return;
        o = co + 3 * ldc;
        if (add) c30 = c30.add(FloatVector.fromArray(S, c, o, m0));
        c30.intoArray(c, o, m0);
        if (mr <= 4) return;
        o = co + 4 * ldc;
        if (add) c40 = c40.add(FloatVector.fromArray(S, c, o, m0));
        c40.intoArray(c, o, m0);
        if (mr <= 5) return;
        o = co + 5 * ldc;
        if (add) c50 = c50.add(FloatVector.fromArray(S, c, o, m0));
        c50.intoArray(c, o, m0);
        if (mr <= 6) return;
        o = co + 6 * ldc;
        if (add) c60 = c60.add(FloatVector.fromArray(S, c, o, m0));
        c60.intoArray(c, o, m0);
        if (mr <= 7) return;
        o = co + 7 * ldc;
        if (add) c70 = c70.add(FloatVector.fromArray(S, c, o, m0));
        c70.intoArray(c, o, m0);
    }

    /** Edge tile, up to 4 row(s) x 2 vector(s): rows >= mr reuse row mr-1 and are not stored; columns >= nr are masked. */
    static void edge4x2(int kc, float[] a, int ao, int ars, int aks, int mr, float[] b, int bo, int bks, int nr,
            float[] c, int co, int ldc, boolean add) {
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        VectorMask<Float> m1 = S.indexInRange(VL, nr);
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int a0 = ao; int a1 = ao + Math.min(1, mr - 1) * ars;
        int a2 = ao + Math.min(2, mr - 1) * ars; int a3 = ao + Math.min(3, mr - 1) * ars;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi, m0);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL, m1);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
        }
        int o;
        o = co;
        if (add) c00 = c00.add(FloatVector.fromArray(S, c, o, m0));
        c00.intoArray(c, o, m0);
        if (add) c01 = c01.add(FloatVector.fromArray(S, c, o + VL, m1));
        c01.intoArray(c, o + VL, m1);
        if (mr <= 1) return;
        o = co + 1 * ldc;
        if (add) c10 = c10.add(FloatVector.fromArray(S, c, o, m0));
        c10.intoArray(c, o, m0);
        if (add) c11 = c11.add(FloatVector.fromArray(S, c, o + VL, m1));
        c11.intoArray(c, o + VL, m1);
        if (mr <= 2) return;
        o = co + 2 * ldc;
        if (add) c20 = c20.add(FloatVector.fromArray(S, c, o, m0));
        c20.intoArray(c, o, m0);
        if (add) c21 = c21.add(FloatVector.fromArray(S, c, o + VL, m1));
        c21.intoArray(c, o + VL, m1);
        if (mr <= 3) return;
        o = co + 3 * ldc;
        if (add) c30 = c30.add(FloatVector.fromArray(S, c, o, m0));
        c30.intoArray(c, o, m0);
        if (add) c31 = c31.add(FloatVector.fromArray(S, c, o + VL, m1));
        c31.intoArray(c, o + VL, m1);
    }

    /** Edge tile, up to 4 row(s) x 1 vector(s): rows >= mr reuse row mr-1 and are not stored; columns >= nr are masked. */
    static void edge4x1(int kc, float[] a, int ao, int ars, int aks, int mr, float[] b, int bo, int bks, int nr,
            float[] c, int co, int ldc, boolean add) {
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        int a0 = ao; int a1 = ao + Math.min(1, mr - 1) * ars;
        int a2 = ao + Math.min(2, mr - 1) * ars; int a3 = ao + Math.min(3, mr - 1) * ars;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi, m0);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = x3.fma(b0, c30);
        }
        int o;
        o = co;
        if (add) c00 = c00.add(FloatVector.fromArray(S, c, o, m0));
        c00.intoArray(c, o, m0);
        if (mr <= 1) return;
        o = co + 1 * ldc;
        if (add) c10 = c10.add(FloatVector.fromArray(S, c, o, m0));
        c10.intoArray(c, o, m0);
        if (mr <= 2) return;
        o = co + 2 * ldc;
        if (add) c20 = c20.add(FloatVector.fromArray(S, c, o, m0));
        c20.intoArray(c, o, m0);
        if (mr <= 3) return;
        o = co + 3 * ldc;
        if (add) c30 = c30.add(FloatVector.fromArray(S, c, o, m0));
        c30.intoArray(c, o, m0);
    }

    /** Edge tile, up to 1 row(s) x 2 vector(s): rows >= mr reuse row mr-1 and are not stored; columns >= nr are masked. */
    static void edge1x2(int kc, float[] a, int ao, int ars, int aks, int mr, float[] b, int bo, int bks, int nr,
            float[] c, int co, int ldc, boolean add) {
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        VectorMask<Float> m1 = S.indexInRange(VL, nr);
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        int a0 = ao;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi, m0);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL, m1);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
        }
        int o;
        o = co;
        if (add) c00 = c00.add(FloatVector.fromArray(S, c, o, m0));
        c00.intoArray(c, o, m0);
        if (add) c01 = c01.add(FloatVector.fromArray(S, c, o + VL, m1));
        c01.intoArray(c, o + VL, m1);
    }

    /** Edge tile, up to 1 row(s) x 1 vector(s): rows >= mr reuse row mr-1 and are not stored; columns >= nr are masked. */
    static void edge1x1(int kc, float[] a, int ao, int ars, int aks, int mr, float[] b, int bo, int bks, int nr,
            float[] c, int co, int ldc, boolean add) {
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        FloatVector c00 = FloatVector.zero(S);
        int a0 = ao;
        for (int p = 0, ai = 0, bi = bo; p < kc; p++, ai += aks, bi += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi, m0);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x0.fma(b0, c00);
        }
        int o;
        o = co;
        if (add) c00 = c00.add(FloatVector.fromArray(S, c, o, m0));
        c00.intoArray(c, o, m0);
    }
}
