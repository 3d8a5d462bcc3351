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
            (VectorMath.tanh(v)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (VectorMath.tanh(v)).intoArray(out, oo + i, m);
        }
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

    private static void geluLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.mul(0.5f).mul(erf(v.mul((float) UnaryOp.INV_SQRT_2)).add(1f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.mul(0.5f).mul(erf(v.mul((float) UnaryOp.INV_SQRT_2)).add(1f))).intoArray(out, oo + i, m);
        }
    }

    private static void geluTanhLoop(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            (v.mul(0.5f).mul(VectorMath.tanh(v.mul(v).mul(v).mul(0.044715f).add(v).mul((float) UnaryOp.SQRT_2_OVER_PI)).add(1f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            (v.mul(0.5f).mul(VectorMath.tanh(v.mul(v).mul(v).mul(0.044715f).add(v).mul((float) UnaryOp.SQRT_2_OVER_PI)).add(1f))).intoArray(out, oo + i, m);
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

    /** erf with the same Chebyshev fit as {@link UnaryOp#erf} (|error| < 1.2e-7 before float rounding). */
    private static FloatVector erf(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector t = z.mul(0.5f).add(1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
        p = t.mul(p).add(1.48851587f);
        p = t.mul(p).add(-1.13520398f);
        p = t.mul(p).add(0.27886807f);
        p = t.mul(p).add(-0.18628806f);
        p = t.mul(p).add(0.09678418f);
        p = t.mul(p).add(0.37409196f);
        p = t.mul(p).add(1.00002368f);
        p = t.mul(p).add(-1.26551223f);
        FloatVector r = t.mul(VectorMath.exp(z.mul(z).neg().add(p)));
        FloatVector pos = r.neg().add(1f);
        return pos.blend(r.sub(1f), x.compare(VectorOperators.LT, 0f));
    }

    /** out = g * f'(x); one loop per op for the same inlining reason as {@link #unary}. */
    static void unaryBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go, float[] out, int oo,
                              int n, float alpha) {
        switch (op) {
            case RELU -> reluBackwardLoop(x, xo, g, go, out, oo, n);
            case SIGMOID -> sigmoidBackwardLoop(y, yo, g, go, out, oo, n);
            case TANH -> tanhBackwardLoop(y, yo, g, go, out, oo, n);
            default -> ScalarKernels.unaryBackward(op, x, xo, y, yo, g, go, out, oo, n, alpha);
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
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xo + i, mk).sub(m));
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
