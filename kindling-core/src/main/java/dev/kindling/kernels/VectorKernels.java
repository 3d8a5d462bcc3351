// VectorKernels: Vector API (jdk.incubator.vector) versions of the 1-D elementwise, reduction and
// softmax-row kernels. Loaded only when VectorSupport.enabled(); tested against ScalarKernels.
// Ops without a vector form here fall back to the scalar loop for the whole range.
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Fast 1-D kernels. Same contracts as {@link ScalarKernels}. */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** e^a below this is under the smallest normal float (flushed: softmax weights, erf tails that small are 0). */
    private static final float EXP_MIN = -87.33654f;
    // n = round(a log2e) without a float->int convert (whose result type C2 cannot bind statically, so every op after
    // it ran its Java fallback): a log2e + 1.5 * 2^23 holds n in its low mantissa bits, bit pattern 0x4B400000 + n.
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B400000;

    private VectorKernels() {}

    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        if (n <= 0) return;
        if (op == BinaryOp.POW) {
            ScalarKernels.binary(op, a, ao, as, b, bo, bs, out, oo, n);
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector av0 = as == 0 ? FloatVector.broadcast(S, a[ao]) : null;
        FloatVector bv0 = bs == 0 ? FloatVector.broadcast(S, b[bo]) : null;
        for (; i < bound; i += L) {
            FloatVector av = as == 0 ? av0 : FloatVector.fromArray(S, a, ao + i);
            FloatVector bv = bs == 0 ? bv0 : FloatVector.fromArray(S, b, bo + i);
            apply(op, av, bv).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector av = as == 0 ? av0 : FloatVector.fromArray(S, a, ao + i, m);
            FloatVector bv = bs == 0 ? bv0 : FloatVector.fromArray(S, b, bo + i, m);
            apply(op, av, bv).intoArray(out, oo + i, m);
        }
    }

    private static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case POW -> a.pow(b);
        };
    }

    static boolean hasVectorUnary(UnaryOp op) {
        return switch (op) {
            case NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH, SILU, GELU, GELU_TANH, SQUARE, LEAKY_RELU -> true;
            default -> false;
        };
    }

    /**
     * Dispatches to one small loop per op. Why not one loop calling a switch per vector: C2 then stops inlining
     * the switch and boxes every FloatVector (measured: relu of a 1.2 MB tensor allocated 4.8 MB and took 0.47 ms;
     * with per-op loops 1.2 MB (the output) and 0.09 ms). The exp-based ops still exceed C2's inlining budget
     * (VectorMath.exp is 338 bytecodes) and allocate ~4x their output.
     */
    static void unary(UnaryOp op, float[] x, int xo, float[] out, int oo, int n, float alpha) {
        switch (op) {
            case NEG -> negLoop(x, xo, out, oo, n);
            case EXP -> expLoop(x, xo, out, oo, n);
            case LOG -> logLoop(x, xo, out, oo, n);
            case SQRT -> sqrtLoop(x, xo, out, oo, n);
            case ABS -> absLoop(x, xo, out, oo, n);
            case RELU -> reluLoop(x, xo, out, oo, n);
            case LEAKY_RELU -> leakyReluLoop(x, xo, out, oo, n, alpha);
            case SIGMOID -> sigmoidLoop(x, xo, out, oo, n);
            case TANH -> tanhLoop(x, xo, out, oo, n);
            case SILU -> siluLoop(x, xo, out, oo, n);
            case GELU -> geluLoop(x, xo, out, oo, n);
            case GELU_TANH -> geluTanhLoop(x, xo, out, oo, n);
            case SQUARE -> squareLoop(x, xo, out, oo, n);
            default -> ScalarKernels.unary(op, x, xo, out, oo, n, alpha);
        }
    }

    private static void negLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.neg()).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.neg()).intoArray(out, oo + i, m);
        }
    }

    private static void expLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (VectorMath.exp(v)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (VectorMath.exp(v)).intoArray(out, oo + i, m);
        }
    }

    private static void logLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (VectorMath.log(v)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (VectorMath.log(v)).intoArray(out, oo + i, m);
        }
    }

    private static void sqrtLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.sqrt()).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.sqrt()).intoArray(out, oo + i, m);
        }
    }

    private static void absLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.abs()).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.abs()).intoArray(out, oo + i, m);
        }
    }

    private static void reluLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.max(0f).blend(v, v.test(VectorOperators.IS_NAN))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.max(0f).blend(v, v.test(VectorOperators.IS_NAN))).intoArray(out, oo + i, m);
        }
    }

    private static void leakyReluLoop(float[] x, int xo, float[] out, int oo, int n, float alpha) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.blend(v.mul(alpha), v.compare(VectorOperators.LE, 0f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.blend(v.mul(alpha), v.compare(VectorOperators.LE, 0f))).intoArray(out, oo + i, m);
        }
    }

    private static void sigmoidLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (sigmoid(v)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (sigmoid(v)).intoArray(out, oo + i, m);
        }
    }

    private static void tanhLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            tanhInline(v).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            tanhInline(v).intoArray(out, oo + i, m);
        }
    }

    /**
     * e^a for a in [-87.3, 88] (callers clamp; NaN stays NaN): VectorMath.exp's polynomial without its range and
     * special-value blends, small enough for C2 to inline into the calling loop, so no FloatVector is boxed.
     */
    private static FloatVector expInRange(FloatVector a) {
        FloatVector kf = a.mul(LOG2E).add(ROUND_MAGIC), nf = kf.sub(ROUND_MAGIC);
        FloatVector r = a.sub(nf.mul(LN2_HI)).sub(nf.mul(LN2_LO));
        FloatVector e = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        e = e.mul(r).add(8.3334519073E-3f);
        e = e.mul(r).add(4.1665795894E-2f);
        e = e.mul(r).add(1.6666665459E-1f);
        e = e.mul(r).add(5.0000001201E-1f);
        e = e.mul(r.mul(r)).add(r).add(1f);
        return e.mul(kf.reinterpretAsInts().add(127 - ROUND_MAGIC_BITS).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats());
    }

    /** VectorMath.tanh's formula (odd polynomial below |x| = 0.625, 1 - 2/(e^{2|x|} + 1) above) over expInRange. */
    private static FloatVector tanhInline(FloatVector x) {
        FloatVector ax = x.abs(), z = x.mul(x);
        FloatVector p = z.mul(-5.70498872745E-3f).add(2.06390887954E-2f);
        p = p.mul(z).add(-5.37397155531E-2f);
        p = p.mul(z).add(1.33314422036E-1f);
        p = p.mul(z).add(-3.33332819422E-1f);
        FloatVector small = p.mul(z).mul(x).add(x);
        FloatVector e = expInRange(ax.mul(2f).min(88f));
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    private static void siluLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.mul(sigmoid(v))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.mul(sigmoid(v))).intoArray(out, oo + i, m);
        }
    }

    // ---- GELU (erf). Phi(v) = 0.5 (1 + erf(v / sqrt 2)) with Abramowitz-Stegun 7.1.26 (|erf error| <= 1.5e-7):
    // erf(z) = 1 - P(t) e^{-z^2}, t = 1 / (1 + p z), z = |v| / sqrt 2. Its e^{-z^2} = e^{-v^2/2} is also the normal
    // density that the backward needs, so the backward takes one exponential. Everything is written out in the loop
    // body: through helper methods over C2's inlining budget every FloatVector was boxed and each op ran its Java
    // fallback (about 10x slower).

    private static final float AS_P = 0.3275911f, AS_A1 = 0.254829592f, AS_A2 = -0.284496736f, AS_A3 = 1.421413741f,
            AS_A4 = -1.453152027f, AS_A5 = 1.061405429f;

    private static void geluLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.abs().mul((float) UnaryOp.INV_SQRT_2);
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(AS_P).add(1f));
            FloatVector p = t.mul(AS_A5).add(AS_A4);
            p = p.mul(t).add(AS_A3);
            p = p.mul(t).add(AS_A2);
            p = p.mul(t).add(AS_A1);
            p = p.mul(t);
            FloatVector a = z.mul(z).neg().max(EXP_MIN);                      // -v^2 / 2
            FloatVector kf = a.mul(LOG2E).add(ROUND_MAGIC), nf = kf.sub(ROUND_MAGIC);
            FloatVector rr = a.sub(nf.mul(LN2_HI)).sub(nf.mul(LN2_LO));
            FloatVector e = rr.mul(1.9875691500E-4f).add(1.3981999507E-3f);
            e = e.mul(rr).add(8.3334519073E-3f);
            e = e.mul(rr).add(4.1665795894E-2f);
            e = e.mul(rr).add(1.6666665459E-1f);
            e = e.mul(rr).add(5.0000001201E-1f);
            e = e.mul(rr.mul(rr)).add(rr).add(1f);
            FloatVector pow2 = kf.reinterpretAsInts().add(127 - ROUND_MAGIC_BITS).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            FloatVector half = p.mul(e.mul(pow2)).mul(0.5f);                    // 0.5 (1 - erf(|v| / sqrt 2))
            FloatVector cdf = half.neg().add(1f).blend(half, v.compare(VectorOperators.LT, 0f));
            v.mul(cdf).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = UnaryOp.GELU.f(x[xo + i], 0f);
    }

    /** out = g * GELU'(x), GELU'(v) = Phi(v) + v phi(v), phi(v) = e^{-v^2/2} / sqrt(2 pi): as {@link #geluLoop}. */
    private static void geluBackwardLoop(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.abs().mul((float) UnaryOp.INV_SQRT_2);
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(AS_P).add(1f));
            FloatVector p = t.mul(AS_A5).add(AS_A4);
            p = p.mul(t).add(AS_A3);
            p = p.mul(t).add(AS_A2);
            p = p.mul(t).add(AS_A1);
            p = p.mul(t);
            FloatVector a = z.mul(z).neg().max(EXP_MIN);
            FloatVector kf = a.mul(LOG2E).add(ROUND_MAGIC), nf = kf.sub(ROUND_MAGIC);
            FloatVector rr = a.sub(nf.mul(LN2_HI)).sub(nf.mul(LN2_LO));
            FloatVector e = rr.mul(1.9875691500E-4f).add(1.3981999507E-3f);
            e = e.mul(rr).add(8.3334519073E-3f);
            e = e.mul(rr).add(4.1665795894E-2f);
            e = e.mul(rr).add(1.6666665459E-1f);
            e = e.mul(rr).add(5.0000001201E-1f);
            e = e.mul(rr.mul(rr)).add(rr).add(1f);
            FloatVector ex = e.mul(kf.reinterpretAsInts().add(127 - ROUND_MAGIC_BITS).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats());                                     // e^{-v^2/2}
            FloatVector half = p.mul(ex).mul(0.5f);
            FloatVector cdf = half.neg().add(1f).blend(half, v.compare(VectorOperators.LT, 0f));
            FloatVector d = v.mul(ex).mul((float) UnaryOp.INV_SQRT_2PI).add(cdf);
            FloatVector.fromArray(S, g, go + i).mul(d).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = g[go + i] * UnaryOp.GELU.df(x[xo + i], 0f, 0f);
    }

    private static void geluTanhLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.mul(0.5f).mul(tanhInline(v.mul(v).mul(v).mul(0.044715f).add(v).mul((float) UnaryOp.SQRT_2_OVER_PI)).add(1f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.mul(0.5f).mul(tanhInline(v.mul(v).mul(v).mul(0.044715f).add(v).mul((float) UnaryOp.SQRT_2_OVER_PI)).add(1f))).intoArray(out, oo + i, m);
        }
    }

    private static void squareLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.mul(v)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.mul(v)).intoArray(out, oo + i, m);
        }
    }

    private static FloatVector sigmoid(FloatVector v) {
        return FloatVector.broadcast(S, 1f).div(VectorMath.exp(v.neg()).add(1f));
    }

    /** out = g * f'(x); one loop per op for the same inlining reason as {@link #unary}. */
    static void unaryBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go, float[] out, int oo,
                              int n, float alpha) {
        switch (op) {
            case RELU -> reluBackwardLoop(x, xo, g, go, out, oo, n);
            case SIGMOID -> sigmoidBackwardLoop(y, yo, g, go, out, oo, n);
            case TANH -> tanhBackwardLoop(y, yo, g, go, out, oo, n);
            case GELU -> geluBackwardLoop(x, xo, g, go, out, oo, n);
            case GELU_TANH -> geluTanhBackwardLoop(x, xo, g, go, out, oo, n);
            default -> ScalarKernels.unaryBackward(op, x, xo, y, yo, g, go, out, oo, n, alpha);
        }
    }

    /** d/dx of 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3). */
    static FloatVector geluTanhDerivative(FloatVector v) {
        FloatVector x2 = v.mul(v);
        FloatVector th = tanhInline(x2.mul(0.044715f).add(1f).mul(v).mul((float) UnaryOp.SQRT_2_OVER_PI));
        FloatVector du = x2.mul(3f * 0.044715f).add(1f).mul((float) UnaryOp.SQRT_2_OVER_PI);
        FloatVector sech2 = th.mul(th).neg().add(1f);
        return v.mul(0.5f).mul(sech2).mul(du).add(th.add(1f).mul(0.5f));
    }

    private static void geluTanhBackwardLoop(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            gv.mul(geluTanhDerivative(FloatVector.fromArray(S, x, xo + i))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector gv = FloatVector.fromArray(S, g, go + i, m);
            gv.mul(geluTanhDerivative(FloatVector.fromArray(S, x, xo + i, m))).intoArray(out, oo + i, m);
        }
    }

    private static void reluBackwardLoop(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            FloatVector xv = FloatVector.fromArray(S, x, xo + i);
            (gv.blend(0f, xv.compare(VectorOperators.LE, 0f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector gv = FloatVector.fromArray(S, g, go + i, m);
            FloatVector xv = FloatVector.fromArray(S, x, xo + i, m);
            (gv.blend(0f, xv.compare(VectorOperators.LE, 0f))).intoArray(out, oo + i, m);
        }
    }

    private static void sigmoidBackwardLoop(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            FloatVector yv = FloatVector.fromArray(S, y, yo + i);
            (gv.mul(yv).mul(yv.neg().add(1f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector gv = FloatVector.fromArray(S, g, go + i, m);
            FloatVector yv = FloatVector.fromArray(S, y, yo + i, m);
            (gv.mul(yv).mul(yv.neg().add(1f))).intoArray(out, oo + i, m);
        }
    }

    private static void tanhBackwardLoop(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            FloatVector yv = FloatVector.fromArray(S, y, yo + i);
            (gv.mul(yv.mul(yv).neg().add(1f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector gv = FloatVector.fromArray(S, g, go + i, m);
            FloatVector yv = FloatVector.fromArray(S, y, yo + i, m);
            (gv.mul(yv.mul(yv).neg().add(1f))).intoArray(out, oo + i, m);
        }
    }


    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).fma(av, FloatVector.fromArray(S, y, yo + i))
                .intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    static void affine(float[] x, int xo, float[] out, int oo, int n, float scale, float shift) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).fma(scale, shift).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = x[xo + i] * scale + shift;
    }

    /**
     * Sum of the lanes in lane order. Not reduceLanes(ADD): its C2 intrinsic adds in a different order than its
     * interpreted fallback, so results would change with JIT timing (measured: ~50% of 16-lane sums differ).
     */
    static float sumLanes(FloatVector v) {
        float[] t = new float[L];
        v.intoArray(t, 0);
        float s = 0;
        for (int i = 0; i < L; i++) s += t[i];
        return s;
    }

    static float sum(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(S), acc2 = FloatVector.zero(S);
        int i = 0, bound2 = n - 2 * L + 1;
        for (; i < bound2; i += 2 * L) {
            acc = acc.add(FloatVector.fromArray(S, x, xo + i));
            acc2 = acc2.add(FloatVector.fromArray(S, x, xo + i + L));
        }
        float s = sumLanes(acc.add(acc2));
        for (; i < n; i++) s += x[xo + i];
        return s;
    }

    static float max(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) acc = acc.max(FloatVector.fromArray(S, x, xo + i));
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        float s = sumLanes(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    static void softmaxRow(float[] x, int xo, float[] out, int oo, int n, boolean log) {
        float m = max(x, xo, n);
        if (Float.isNaN(m)) {
            ScalarKernels.softmaxRow(x, xo, out, oo, n, log);
            return;
        }
        if (m == Float.NEGATIVE_INFINITY) m = 0;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < n; i += L) {
            VectorMask<Float> mk = S.indexInRange(i, n);
            // x - m <= 0: e^a through the inlinable expInRange, exactly 0 below its range (masked -Inf logits)
            FloatVector a = FloatVector.fromArray(S, x, xo + i, mk).sub(m);
            FloatVector e = expInRange(a.max(EXP_MIN)).blend(0f, a.compare(VectorOperators.LT, EXP_MIN));
            if (!log) e.intoArray(out, oo + i, mk);
            acc = acc.add(e, mk);
        }
        float s = sumLanes(acc);
        if (log) {
            // (x - m) - log s, not x - (m + log s): the latter loses digits for large logits.
            float ls = (float) Math.log(s);
            for (i = 0; i < n; i += L) {
                VectorMask<Float> mk = S.indexInRange(i, n);
                FloatVector.fromArray(S, x, xo + i, mk).sub(m).sub(ls).intoArray(out, oo + i, mk);
            }
        } else {
            float inv = 1f / s;
            for (i = 0; i < n; i += L) {
                VectorMask<Float> mk = S.indexInRange(i, n);
                FloatVector.fromArray(S, out, oo + i, mk).mul(inv).intoArray(out, oo + i, mk);
            }
        }
    }
}
