// Linalg: matmul (vector, 2-D, batched with broadcast batch dims), linear and two-operand einsum.
// Transposed operands (views) go to GEMM as transpose flags, so the backward's A^T and B^T are
// never materialized.
package dev.kindling.ops;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Matrix products (functional API). */
public final class Linalg {
    private Linalg() {}

    /**
     * Matrix product with PyTorch's {@code matmul} semantics.
     *
     * <p>Shape: {@code [n] @ [n] -> []}, {@code [m, k] @ [k, n] -> [m, n]}, {@code [k] @ [k, n] -> [n]},
     * {@code [m, k] @ [k] -> [m]}, {@code [..., m, k] @ [..., k, n] -> [..., m, n]} (batch dims broadcast).
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        Elementwise.requireFloat("matmul", a);
        Elementwise.requireFloat("matmul", b);
        int ra = a.dim(), rb = b.dim();
        if (ra == 0 || rb == 0) throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got "
                + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        if (ra == 1 && rb == 1) {
            if (a.size(0) != b.size(0)) throw mismatch(a, b);
            return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        }
        if (ra == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (rb == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        return matmulNd(a, b);
    }

    private static IllegalArgumentException mismatch(Tensor a, Tensor b) {
        return new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape())
                + " cannot be multiplied (inner dimensions " + a.size(-1) + " and " + (b.dim() == 1 ? b.size(0) : b.size(-2))
                + " differ)");
    }

    private static Tensor matmulNd(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], k2 = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != k2) throw mismatch(a, b);
        int[] ab = java.util.Arrays.copyOf(as, as.length - 2), bb = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shape.broadcast("matmul (batch dims)", ab, bb);
        int[] os = java.util.Arrays.copyOf(batch, batch.length + 2);
        os[batch.length] = m;
        os[batch.length + 1] = n;
        Tensor out = Tensor.zeros(os);
        gemmInto(a.detach(), b.detach(), out, batch, m, n, k);
        return Autograd.record("matmul", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? matmul(g, b.transpose(-1, -2)).sumToShape(as) : null,
                b.requiresGrad() ? matmul(a.transpose(-1, -2), g).sumToShape(bs) : null}, a, b);
    }

    /** A matrix operand as GEMM sees it: transposed flag, leading dim, and the (possibly copied) tensor. */
    private record Operand(Tensor t, boolean trans, int ld) {}

    private static Operand operand(Tensor x) {
        int r = x.dim();
        int[] s = x.shape(), st = x.strides();
        int rows = s[r - 2], cols = s[r - 1];
        if ((st[r - 1] == 1 || cols == 1) && (st[r - 2] >= cols || rows == 1)) return new Operand(x, false, rows == 1 ? cols : st[r - 2]);
        if ((st[r - 2] == 1 || rows == 1) && (st[r - 1] >= rows || cols == 1)) return new Operand(x, true, cols == 1 ? rows : st[r - 1]);
        Tensor c = x.contiguous();
        return new Operand(c, false, cols);
    }

    private static void gemmInto(Tensor a, Tensor b, Tensor out, int[] batch, int m, int n, int k) {
        int nb = Shape.numel(batch);
        if (nb == 0 || m == 0 || n == 0) return;
        int[] ashape = withBatch(batch, a.shape()), bshape = withBatch(batch, b.shape());
        Operand oa = operand(a.expand(ashape)), ob = operand(b.expand(bshape));
        int[] sa = oa.t.strides(), sb = ob.t.strides();
        int[] aoff = batchOffsets(batch, sa, oa.t.offset()), boff = batchOffsets(batch, sb, ob.t.offset());
        float[] ad = oa.t.storage().floats(), bd = ob.t.storage().floats(), od = out.storage().floats();
        if (nb == 1) {
            Gemm.sgemm(oa.trans, ob.trans, m, n, k, ad, aoff[0], oa.ld, bd, boff[0], ob.ld, od, 0, n, false);
            return;
        }
        // Many small products: one thread per batch range, single-threaded GEMM inside (nested regions run inline).
        long flops = 2L * m * n * k;
        int grain = (int) Math.max(1, Math.min(nb, (1 << 18) / Math.max(1, flops)));
        Parallel.forRange(nb, grain, (lo, hi) -> {
            for (int i = lo; i < hi; i++)
                Gemm.sgemm(oa.trans, ob.trans, m, n, k, ad, aoff[i], oa.ld, bd, boff[i], ob.ld, od, i * m * n, n, false);
        });
    }

    private static int[] withBatch(int[] batch, int[] s) {
        int[] r = java.util.Arrays.copyOf(batch, batch.length + 2);
        r[batch.length] = s[s.length - 2];
        r[batch.length + 1] = s[s.length - 1];
        return r;
    }

    private static int[] batchOffsets(int[] batch, int[] strides, int base) {
        int nb = Shape.numel(batch), r = batch.length;
        int[] off = new int[nb];
        int[] idx = new int[r];
        int p = base;
        for (int i = 0; i < nb; i++) {
            off[i] = p;
            for (int d = r - 1; d >= 0; d--) {
                p += strides[d];
                if (++idx[d] < batch[d]) break;
                p -= strides[d] * batch[d];
                idx[d] = 0;
            }
        }
        return off;
    }

    /**
     * {@code x @ weight^T + bias} with PyTorch's weight layout.
     *
     * <p>Shape: x {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} or null -> {@code [..., out]}.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2 || x.size(-1) != weight.size(1)) throw new IllegalArgumentException("linear: input "
                + Shape.str(x.shape()) + " does not match weight " + Shape.str(weight.shape())
                + " (expected input [..., " + (weight.dim() == 2 ? weight.size(1) : "in") + "] and weight [out, in])");
        Tensor y = matmul(x, weight.t());
        if (bias == null) return y;
        if (bias.dim() != 1 || bias.size(0) != weight.size(0)) throw new IllegalArgumentException("linear: bias shape "
                + Shape.str(bias.shape()) + " does not match weight " + Shape.str(weight.shape()) + " (expected ["
                + weight.size(0) + "])");
        return Elementwise.add(y, bias);
    }

    // einsum (two-operand patterns) goes below.
}
