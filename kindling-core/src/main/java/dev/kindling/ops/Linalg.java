// Linalg: matmul (vector, 2-D, batched with broadcast batch dims), linear and two-operand einsum.
// Transposed operands (views) go to GEMM as transpose flags, so the backward's A^T and B^T are
// never materialized; a memory-mapped weight operand is streamed by MappedGemm instead of copied to the heap.
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
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
                a.requiresGrad() ? gradOf(matmul(g, b.transpose(-1, -2)), as) : null,
                b.requiresGrad() ? gradOf(matmul(a.transpose(-1, -2), g), bs) : null}, a, b);
    }

    /** A matmul input's gradient: the product (fresh, owned by nobody) summed down to the input's shape. */
    private static Tensor gradOf(Tensor product, int[] shape) {
        Tensor r = product.sumToShape(shape);
        return r == product ? Autograd.freshGradient(r) : r;
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
        if (b.dim() == 2 && b.storage().isMapped() && mappedRightInto(a, b, out, nb * m, n, k)) return;
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

    /**
     * {@code a [..., m, k] @ b [k, n]} with b memory-mapped: a's rows (batch dims flattened) against b streamed by
     * MappedGemm, so b is not copied to the heap. False (nothing written) when b's strides are neither row- nor
     * column-major.
     */
    private static boolean mappedRightInto(Tensor a, Tensor b, Tensor out, int rows, int n, int k) {
        int[] st = b.strides();
        boolean rowMajor = (st[1] == 1 || n == 1) && (st[0] >= n || k == 1);       // W [k, n], ld st[0]
        boolean colMajor = (st[0] == 1 || k == 1) && (st[1] >= k || n == 1);       // W^T stored as [n, k], ld st[1]
        if (!rowMajor && !colMajor) return false;
        Operand oa = a.dim() == 2 ? operand(a) : new Operand(a.contiguous(), false, k);   // [rows, k]
        float[] ad = oa.t.storage().floats(), od = out.storage().floats();
        if (rowMajor) {
            MappedGemm.times(oa.trans, rows, n, k, ad, oa.t.offset(), oa.ld, b.storage(), b.offset(),
                    k == 1 ? n : st[0], od, 0, n, false);
        } else {
            MappedGemm.timesTransposed(oa.trans, rows, n, k, ad, oa.t.offset(), oa.ld, b.storage(), b.offset(),
                    n == 1 ? k : st[1], od, 0, n, false);
        }
        return true;
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
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) throw new IllegalArgumentException(
                "linear: bias shape " + Shape.str(bias.shape()) + " does not match weight " + Shape.str(weight.shape())
                + " (expected [" + weight.size(0) + "])");
        Elementwise.requireFloat("linear", x);
        Elementwise.requireFloat("linear", weight);
        if (bias != null) Elementwise.requireFloat("linear", bias);
        return linearFused(x, weight, bias);
    }

    /**
     * One op for {@code x W^T + b}: the output rows start as copies of the bias and GEMM accumulates into them (no
     * separate add, no broadcast temporary); backward computes {@code dW = g^T x} directly in W's [out, in] layout,
     * so the weight gradient needs neither a transpose nor a copy before it becomes {@code weight.grad}.
     */
    private static Tensor linearFused(Tensor x, Tensor weight, Tensor bias) {
        int[] xs = x.shape();
        int in = weight.size(1), outF = weight.size(0), rows = in == 0 ? Shape.numel(xs) : Shape.numel(xs) / in;
        int[] ys = xs.clone();
        ys[ys.length - 1] = outF;
        Tensor xc = x.detach().contiguous(), wc = weight.detach().contiguous();   // [rows, in], [out, in]
        Tensor bc = bias == null ? null : bias.detach().contiguous();            // [out]
        Tensor y = Tensor.zeros(ys);                                               // [..., out] = [rows, out]
        // The weight goes to GEMM as its Storage: a memory-mapped one is streamed in blocks (MappedGemm), never
        // copied to the heap whole; a heap one is a plain Gemm.sgemm call.
        float[] xd = xc.storage().floats(), yd = y.storage().floats();
        int xo = xc.offset(), wo = wc.offset();
        if (bc != null) {
            float[] bd = bc.storage().floats();
            for (int r = 0; r < rows; r++) System.arraycopy(bd, bc.offset(), yd, r * outF, outF);
        }
        MappedGemm.timesTransposed(false, rows, outF, in, xd, xo, in, wc.storage(), wo, in, yd, 0, outF, bc != null);
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Autograd.record("linear", y, inputs, g -> {
            Tensor gc = g.contiguous();                                            // [rows, out]
            float[] gd = gc.storage().floats();
            int go = gc.offset();
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                gx = Tensor.zeros(xs);                                             // [rows, in] = g W
                MappedGemm.times(false, rows, in, outF, gd, go, outF, wc.storage(), wo, in, gx.storage().floats(), 0,
                        in, false);
            }
            if (weight.requiresGrad()) {
                gw = Tensor.zeros(outF, in);                                       // [out, in] = g^T x
                Gemm.sgemm(true, false, outF, in, rows, gd, go, outF, xd, xo, in, gw.storage().floats(), 0, in, false);
            }
            if (bias != null && bias.requiresGrad()) {
                gb = Tensor.zeros(outF);                                           // [out] = column sums of g, row order
                float[] bd = gb.storage().floats();
                for (int r = 0; r < rows; r++) Elementwise1D.axpy(1f, gd, go + r * outF, bd, 0, outF);
            }
            return bias == null ? new Tensor[] {Autograd.freshGradient(gx), Autograd.freshGradient(gw)}
                    : new Tensor[] {Autograd.freshGradient(gx), Autograd.freshGradient(gw), Autograd.freshGradient(gb)};
        }, x, weight);
    }

    // einsum (two-operand patterns) goes below.

    /**
     * Einstein summation over two operands, e.g. {@code "bij,bjk->bik"} (batched matmul), {@code "ik,jk->ij"}
     * ({@code a @ b^T}), {@code "bhqd,bhkd->bhqk"} (attention scores), {@code "i,j->ij"} (outer product),
     * {@code "i,i->"} (dot). Without {@code "->"} the output is every index that appears exactly once, in
     * alphabetical (ASCII) order. Indices are ASCII letters; an index may not repeat within one operand, and
     * ellipsis is not supported. Shared indices must have equal sizes (or size 1, which broadcasts).
     *
     * <p>Runs as one batched matmul {@code [batch.., m, k] @ [batch.., k, n]}: batch = indices in both operands
     * and the output, contracted = in both operands but not the output; an index in only one operand and not
     * in the output is summed out first. The gradient comes from the recorded views, sum and matmul.
     */
    public static Tensor einsum(String equation, Tensor a, Tensor b) {
        String eq = equation.replace(" ", "");
        if (eq.contains(".")) throw new IllegalArgumentException("einsum: ellipsis ('...') is not supported, in '"
                + equation + "'");
        int arrow = eq.indexOf("->");
        String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
        int comma = lhs.indexOf(',');
        if (comma < 0 || lhs.indexOf(',', comma + 1) >= 0) throw new IllegalArgumentException("einsum: expected "
                + "exactly two operands separated by ',' in '" + equation + "'");
        String sa = lhs.substring(0, comma), sb = lhs.substring(comma + 1);
        String so = arrow < 0 ? implicitOutput(sa + sb) : eq.substring(arrow + 2);
        checkSubscripts(equation, sa, "operand 0", a);
        checkSubscripts(equation, sb, "operand 1", b);
        checkSubscripts(equation, so, "the output", null);
        Elementwise.requireFloat("einsum", a);
        Elementwise.requireFloat("einsum", b);
        for (char c : so.toCharArray()) if (sa.indexOf(c) < 0 && sb.indexOf(c) < 0) throw new IllegalArgumentException(
                "einsum: output index '" + c + "' does not appear in any operand, in '" + equation + "'");

        // Sizes of every index (size 1 broadcasts against the other operand).
        java.util.Map<Character, Integer> size = new java.util.HashMap<>();
        int[] as = a.shape(), bs = b.shape();
        for (int i = 0; i < sa.length(); i++) size.put(sa.charAt(i), as[i]);
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            Integer prev = size.get(c);
            if (prev != null && prev != bs[i] && prev != 1 && bs[i] != 1) throw new IllegalArgumentException("einsum: "
                    + "index '" + c + "' has size " + prev + " in operand 0 " + Shape.str(as) + " but " + bs[i]
                    + " in operand 1 " + Shape.str(bs) + ", in '" + equation + "'");
            if (prev == null || prev == 1) size.put(c, bs[i]);
        }

        StringBuilder batch = new StringBuilder(), mDims = new StringBuilder(), nDims = new StringBuilder();
        StringBuilder kDims = new StringBuilder(), sumA = new StringBuilder(), sumB = new StringBuilder();
        for (char c : so.toCharArray()) {
            boolean inA = sa.indexOf(c) >= 0, inB = sb.indexOf(c) >= 0;
            (inA && inB ? batch : inA ? mDims : nDims).append(c);
        }
        for (char c : sa.toCharArray()) {
            if (so.indexOf(c) >= 0) continue;
            (sb.indexOf(c) >= 0 ? kDims : sumA).append(c);
        }
        for (char c : sb.toCharArray()) if (so.indexOf(c) < 0 && sa.indexOf(c) < 0) sumB.append(c);

        // Indices private to one operand and absent from the output are summed out first.
        Tensor ta = broadcastTo(a, sa, size), tb = broadcastTo(b, sb, size);
        String ra = drop(sa, sumA.toString()), rb = drop(sb, sumB.toString());
        if (sumA.length() > 0) ta = Reductions.sum(ta, positions(sa, sumA.toString()), false);
        if (sumB.length() > 0) tb = Reductions.sum(tb, positions(sb, sumB.toString()), false);

        String bt = batch.toString(), m = mDims.toString(), k = kDims.toString(), n = nDims.toString();
        Tensor ma = asBatchedMatrix(ta, ra, bt, m, k, size);          // [batch.., M, K]
        Tensor mb = asBatchedMatrix(tb, rb, bt, k, n, size);          // [batch.., K, N]
        Tensor c = matmul(ma, mb);                                    // [batch.., M, N]

        String cur = bt + m + n;
        int[] cs = new int[cur.length()];
        for (int i = 0; i < cs.length; i++) cs[i] = size.get(cur.charAt(i));
        if (!Shape.same(c.shape(), cs)) c = c.reshape(cs);
        int[] perm = new int[so.length()];
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            perm[i] = cur.indexOf(so.charAt(i));
            identity &= perm[i] == i;
        }
        return identity ? c : c.permute(perm);
    }

    private static String implicitOutput(String all) {
        StringBuilder sb = new StringBuilder();
        all.chars().sorted().distinct().forEach(c -> {
            if (all.indexOf(c) == all.lastIndexOf(c)) sb.append((char) c);
        });
        return sb.toString();
    }

    private static void checkSubscripts(String equation, String subs, String what, Tensor t) {
        for (int i = 0; i < subs.length(); i++) {
            char c = subs.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) throw new IllegalArgumentException("einsum: invalid "
                    + "character '" + c + "' in the subscripts of " + what + " in '" + equation
                    + "' (expected letters a-z, A-Z)");
            if (subs.indexOf(c, i + 1) >= 0) throw new IllegalArgumentException("einsum: index '" + c + "' repeats in "
                    + "the subscripts of " + what + " ('" + subs + "') in '" + equation + "'; repeated indices "
                    + "(diagonals, traces) are not supported");
        }
        if (t != null && subs.length() != t.dim()) throw new IllegalArgumentException("einsum: " + what + " has shape "
                + Shape.str(t.shape()) + " (" + t.dim() + " dims) but its subscripts '" + subs + "' name " + subs.length()
                + " in '" + equation + "'");
    }

    private static Tensor broadcastTo(Tensor t, String subs, java.util.Map<Character, Integer> size) {
        int[] s = t.shape(), target = new int[s.length];
        for (int i = 0; i < s.length; i++) target[i] = size.get(subs.charAt(i));
        return Shape.same(s, target) ? t : t.expand(target);
    }

    private static String drop(String subs, String remove) {
        StringBuilder sb = new StringBuilder();
        for (char c : subs.toCharArray()) if (remove.indexOf(c) < 0) sb.append(c);
        return sb.toString();
    }

    private static int[] positions(String subs, String letters) {
        int[] p = new int[letters.length()];
        for (int i = 0; i < p.length; i++) p[i] = subs.indexOf(letters.charAt(i));
        return p;
    }

    /** Permutes {@code t} (indexed by {@code subs}) to [batch.., rows.., cols..] and merges rows and cols. */
    private static Tensor asBatchedMatrix(Tensor t, String subs, String batch, String rows, String cols,
                                          java.util.Map<Character, Integer> size) {
        int[] perm = positions(subs, batch + rows + cols);
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) identity &= perm[i] == i;
        Tensor p = identity ? t : t.permute(perm);
        int nb = batch.length();
        if (rows.length() <= 1 && cols.length() <= 1) {
            // Insert size-1 dims instead of reshaping: keeps transposed views free for GEMM's transpose flags.
            if (rows.isEmpty()) p = p.unsqueeze(nb);
            if (cols.isEmpty()) p = p.unsqueeze(nb + 1);
            return p;
        }
        int[] target = new int[nb + 2];
        for (int i = 0; i < nb; i++) target[i] = size.get(batch.charAt(i));
        target[nb] = 1;
        target[nb + 1] = 1;
        for (char c : rows.toCharArray()) target[nb] *= size.get(c);
        for (char c : cols.toCharArray()) target[nb + 1] *= size.get(c);
        return p.reshape(target);
    }
}
