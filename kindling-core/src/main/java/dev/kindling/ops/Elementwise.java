// Elementwise: arithmetic with broadcasting, math functions, comparisons, where, clamp and casts,
// each op's gradient beside its forward. Broadcast binary ops run the 1-D kernels over the innermost
// coalesced dimension, so bias adds and row scalings stay on the fast path.
package dev.kindling.ops;

import dev.kindling.kernels.BinaryOp;
import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.UnaryOp;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Elementwise ops (functional API). All binary ops broadcast (NumPy rules).
 *
 * <p>Example: {@code Tensor y = Elementwise.add(x, bias); // [B, C] + [C] -> [B, C]}
 */
public final class Elementwise {
    private Elementwise() {}

    static void requireFloat(String op, Tensor t) {
        if (t.dtype() != DType.FLOAT32) throw new IllegalArgumentException(op + ": expected a float32 tensor, got "
                + t.dtype() + " with shape " + Shape.str(t.shape()) + " (use toFloat() to convert)");
    }

    /** Broadcast binary kernel without autograd. */
    public static Tensor binaryRaw(BinaryOp op, Tensor a, Tensor b, String name) {
        requireFloat(name, a);
        requireFloat(name, b);
        int[] os = Shape.broadcast(name, a.shape(), b.shape());
        Tensor out = Tensor.zeros(os);
        int n = out.numel();
        if (n == 0) return out;
        float[] od = out.storage().floats();
        if (Shape.same(a.shape(), os) && Shape.same(b.shape(), os) && a.isContiguous() && b.isContiguous()) {
            Elementwise1D.binary(op, a.storage().floats(), a.offset(), 1, b.storage().floats(), b.offset(), 1, od, 0, n);
            return out;
        }
        Tensor ac = a.isContiguous() ? a : a.detach().contiguous();
        Tensor bc = b.isContiguous() ? b : b.detach().contiguous();
        int[] sa = ac.detach().expand(os).strides(), sb = bc.detach().expand(os).strides();
        // Coalesce adjacent dims that are contiguous in both operands (and in the output).
        int r = os.length;
        int[] shp = new int[r], xa = new int[r], xb = new int[r];
        int k = 0;
        for (int d = 0; d < r; d++) {
            if (os[d] == 1) continue;
            if (k > 0 && xa[k - 1] == sa[d] * os[d] && xb[k - 1] == sb[d] * os[d]) {
                shp[k - 1] *= os[d];
                xa[k - 1] = sa[d];
                xb[k - 1] = sb[d];
            } else {
                shp[k] = os[d];
                xa[k] = sa[d];
                xb[k] = sb[d];
                k++;
            }
        }
        float[] ad = ac.storage().floats(), bd = bc.storage().floats();
        if (k == 0) {
            od[0] = op.f(ad[ac.offset()], bd[bc.offset()]);
            return out;
        }
        int inner = shp[k - 1], ia = xa[k - 1], ib = xb[k - 1];
        int outer = n / inner;
        int[] idx = new int[k];
        int pa = ac.offset(), pb = bc.offset();
        for (int o = 0; o < outer; o++) {
            Elementwise1D.binary(op, ad, pa, ia, bd, pb, ib, od, o * inner, inner);
            for (int d = k - 2; d >= 0; d--) {
                pa += xa[d];
                pb += xb[d];
                if (++idx[d] < shp[d]) break;
                pa -= xa[d] * shp[d];
                pb -= xb[d] * shp[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** a + b. */
    public static Tensor add(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("add", binaryRaw(BinaryOp.ADD, a, b, "add"), new Tensor[] {a, b},
                g -> new Tensor[] {g.sumToShape(as), g.sumToShape(bs)});
    }

    /** a - b. */
    public static Tensor sub(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("sub", binaryRaw(BinaryOp.SUB, a, b, "sub"), new Tensor[] {a, b},
                g -> new Tensor[] {g.sumToShape(as), neg(g).sumToShape(bs)});
    }

    /** a * b. */
    public static Tensor mul(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("mul", binaryRaw(BinaryOp.MUL, a, b, "mul"), new Tensor[] {a, b},
                g -> new Tensor[] {a.requiresGrad() ? mul(g, b).sumToShape(as) : null,
                        b.requiresGrad() ? mul(g, a).sumToShape(bs) : null}, a, b);
    }

    /** a / b. */
    public static Tensor div(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("div", binaryRaw(BinaryOp.DIV, a, b, "div"), new Tensor[] {a, b},
                g -> new Tensor[] {a.requiresGrad() ? div(g, b).sumToShape(as) : null,
                        b.requiresGrad() ? neg(div(mul(g, a), mul(b, b))).sumToShape(bs) : null}, a, b);
    }

    /** Elementwise maximum (ties split the gradient evenly, as PyTorch). */
    public static Tensor maximum(Tensor a, Tensor b) {
        return minMax(a, b, BinaryOp.MAX, "maximum");
    }

    /** Elementwise minimum (ties split the gradient evenly, as PyTorch). */
    public static Tensor minimum(Tensor a, Tensor b) {
        return minMax(a, b, BinaryOp.MIN, "minimum");
    }

    private static Tensor minMax(Tensor a, Tensor b, BinaryOp op, String name) {
        int[] as = a.shape(), bs = b.shape();
        Tensor out = binaryRaw(op, a, b, name);
        return Autograd.record(name, out, new Tensor[] {a, b}, g -> {
            int[] os = g.shape();
            Tensor wa = Tensor.zeros(os), wb = Tensor.zeros(os);
            float[] fa = wa.storage().floats(), fb = wb.storage().floats();
            float[] ad = a.storage().floats(), bd = b.storage().floats();
            Broadcast.forEach(os, new Tensor[] {a, b}, (i, p) -> {
                float x = ad[p[0]], y = bd[p[1]];
                if (x == y) {
                    fa[i] = 0.5f;
                    fb[i] = 0.5f;
                } else if ((op == BinaryOp.MAX) == (x > y)) fa[i] = 1f;
                else fb[i] = 1f;
            });
            return new Tensor[] {mul(g, wa).sumToShape(as), mul(g, wb).sumToShape(bs)};
        }, a, b);
    }

    /** a ** b elementwise. */
    public static Tensor pow(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        Tensor out = binaryRaw(BinaryOp.POW, a, b, "pow");
        return Autograd.record("pow", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? mul(g, mul(b, pow(a, add(b, -1f)))).sumToShape(as) : null,
                b.requiresGrad() ? mul(g, mul(out, log(a))).sumToShape(bs) : null}, a, b, out);
    }

    /** x + s. */
    public static Tensor add(Tensor x, float s) {
        return affine(x, 1f, s, "add");
    }

    /** x * s. */
    public static Tensor mul(Tensor x, float s) {
        return affine(x, s, 0f, "mul");
    }

    /** x * scale + shift (one fused pass). */
    public static Tensor affine(Tensor x, float scale, float shift, String name) {
        requireFloat(name, x);
        Tensor c = x.detach().contiguous();
        Tensor out = Tensor.zeros(x.shape());
        Elementwise1D.affine(c.storage().floats(), c.offset(), out.storage().floats(), 0, out.numel(), scale, shift);
        return Autograd.record(name, out, new Tensor[] {x}, g -> new Tensor[] {scale == 1f ? g : mul(g, scale)});
    }

    /** -x. */
    public static Tensor neg(Tensor x) {
        return affine(x, -1f, 0f, "neg");
    }

    /** Applies a kernel unary op with its fused backward; saves x and/or y as the derivative needs. */
    public static Tensor unary(UnaryOp op, Tensor x, float alpha, String name) {
        requireFloat(name, x);
        Tensor c = x.detach().contiguous();
        Tensor out = Tensor.zeros(x.shape());
        int n = out.numel();
        Elementwise1D.unary(op, c.storage().floats(), c.offset(), out.storage().floats(), 0, n, alpha);
        boolean needsX = switch (op) {
            case EXP, SQRT, RSQRT, RECIPROCAL, SIGMOID, TANH, NEG -> false;
            default -> true;
        };
        boolean needsY = switch (op) {
            case EXP, SQRT, RSQRT, RECIPROCAL, SIGMOID, TANH, ELU -> true;
            default -> false;
        };
        Tensor[] saved = needsX && needsY ? new Tensor[] {x, out} : needsX ? new Tensor[] {x}
                : needsY ? new Tensor[] {out} : new Tensor[0];
        return Autograd.record(name, out, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            Tensor gi = Tensor.zeros(g.shape());
            Elementwise1D.unaryBackward(op, needsX ? c.storage().floats() : null, c.offset(),
                    needsY ? out.storage().floats() : null, 0, gc.storage().floats(), gc.offset(),
                    gi.storage().floats(), 0, n, alpha);
            return new Tensor[] {gi};
        }, saved);
    }

    public static Tensor exp(Tensor x) { return unary(UnaryOp.EXP, x, 0f, "exp"); }
    public static Tensor log(Tensor x) { return unary(UnaryOp.LOG, x, 0f, "log"); }
    public static Tensor sqrt(Tensor x) { return unary(UnaryOp.SQRT, x, 0f, "sqrt"); }
    public static Tensor rsqrt(Tensor x) { return unary(UnaryOp.RSQRT, x, 0f, "rsqrt"); }
    public static Tensor abs(Tensor x) { return unary(UnaryOp.ABS, x, 0f, "abs"); }
    public static Tensor reciprocal(Tensor x) { return unary(UnaryOp.RECIPROCAL, x, 0f, "reciprocal"); }
    public static Tensor sin(Tensor x) { return unary(UnaryOp.SIN, x, 0f, "sin"); }
    public static Tensor cos(Tensor x) { return unary(UnaryOp.COS, x, 0f, "cos"); }
    public static Tensor square(Tensor x) { return unary(UnaryOp.SQUARE, x, 0f, "square"); }

    /** x ** e for a scalar exponent. */
    public static Tensor pow(Tensor x, float e) {
        return unary(UnaryOp.POW_SCALAR, x, e, "pow");
    }

    /** Clamps to [min, max]; the gradient passes where min <= x <= max (as PyTorch). */
    public static Tensor clamp(Tensor x, float min, float max) {
        requireFloat("clamp", x);
        Tensor c = Tensor.zeros(x.shape());
        float[] xs = x.detach().contiguous().toFloatArray(), o = c.storage().floats();
        for (int i = 0; i < o.length; i++) o[i] = Math.min(Math.max(xs[i], min), max);
        return Autograd.record("clamp", c, new Tensor[] {x}, g -> {
            Tensor mask = Tensor.zeros(x.shape());
            float[] m = mask.storage().floats();
            for (int i = 0; i < m.length; i++) m[i] = xs[i] >= min && xs[i] <= max ? 1f : 0f;
            return new Tensor[] {mul(g, mask)};
        }, x);
    }

    // ---------------------------------------------------------------- comparisons, where, casts

    /** Comparison kinds for {@link #compare}. */
    public enum Cmp { GT, GE, LT, LE, EQ, NE }

    /** Broadcast comparison giving a bool tensor (int64 and bool operands are compared as numbers). */
    public static Tensor compare(Tensor a, Tensor b, Cmp cmp) {
        int[] os = Broadcast.shape(cmp.name().toLowerCase(), a, b);
        Tensor out = Tensor.empty(DType.BOOL, os);
        boolean[] o = out.storage().bools();
        Broadcast.forEach(os, new Tensor[] {a, b}, (i, p) -> {
            double x = valueAt(a, p[0]), y = valueAt(b, p[1]);
            o[i] = switch (cmp) {
                case GT -> x > y;
                case GE -> x >= y;
                case LT -> x < y;
                case LE -> x <= y;
                case EQ -> x == y;
                case NE -> x != y;
            };
        });
        return out;
    }

    static double valueAt(Tensor t, int p) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.storage().floats()[p];
            case INT64 -> t.storage().longs()[p];
            case BOOL -> t.storage().bools()[p] ? 1 : 0;
        };
    }

    public static Tensor gt(Tensor a, float v) { return compare(a, Tensor.scalar(v), Cmp.GT); }
    public static Tensor lt(Tensor a, float v) { return compare(a, Tensor.scalar(v), Cmp.LT); }
    public static Tensor ge(Tensor a, float v) { return compare(a, Tensor.scalar(v), Cmp.GE); }
    public static Tensor le(Tensor a, float v) { return compare(a, Tensor.scalar(v), Cmp.LE); }
    public static Tensor eq(Tensor a, Tensor b) { return compare(a, b, Cmp.EQ); }

    /** Picks {@code a} where {@code cond} is true, else {@code b} (all three broadcast). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL) throw new IllegalArgumentException("where: condition must be a bool tensor, got "
                + cond.dtype() + " (use e.g. x.gt(0))");
        requireFloat("where", a);
        requireFloat("where", b);
        int[] os = Broadcast.shape("where", cond, a, b);
        Tensor out = Tensor.zeros(os);
        float[] o = out.storage().floats(), ad = a.storage().floats(), bd = b.storage().floats();
        boolean[] cd = cond.storage().bools();
        Broadcast.forEach(os, new Tensor[] {cond, a, b}, (i, p) -> o[i] = cd[p[0]] ? ad[p[1]] : bd[p[2]]);
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("where", out, new Tensor[] {a, b}, g -> {
            Tensor z = Tensor.zeros(1);
            return new Tensor[] {where(cond, g, z).sumToShape(as), where(cond, z, g).sumToShape(bs)};
        });
    }

    /** Converts int64 or bool to float32 (a float32 tensor is returned as is). */
    public static Tensor toFloat(Tensor t) {
        if (t.dtype() == DType.FLOAT32) return t;
        Tensor out = Tensor.zeros(t.shape());
        float[] o = out.storage().floats();
        Broadcast.forEach(t.shape(), new Tensor[] {t}, (i, p) -> o[i] = (float) valueAt(t, p[0]));
        return out;
    }

    /** Converts float32 (truncating toward zero) or bool to int64. */
    public static Tensor toLong(Tensor t) {
        if (t.dtype() == DType.INT64) return t;
        Tensor out = Tensor.empty(DType.INT64, t.shape());
        long[] o = out.storage().longs();
        Broadcast.forEach(t.shape(), new Tensor[] {t}, (i, p) -> o[i] = (long) valueAt(t, p[0]));
        return out;
    }
}
