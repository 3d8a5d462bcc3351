// Attention: scaled dot-product attention, softmax(Q K^T * scale + mask) V, as PyTorch's
// F.scaled_dot_product_attention (math semantics), with dropout and grouped-query attention. The plain path
// (batched GEMMs + one fused masked-softmax op, O(L * S) per head) is the reference; causal or unmasked calls
// without dropout go to the tiled FlashAttention kernel, which never materialises the [L, S] scores.
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Attention ops (functional API). */
public final class Attention {
    /** Score elements per parallel chunk. */
    private static final int GRAIN = 16384;
    static final String OP = "scaled_dot_product_attention";

    private Attention() {}

    /** The attention output and the (post-dropout) attention probabilities {@code [..., L, S]}. */
    public record Result(Tensor output, Tensor weights) {}

    /**
     * Scaled dot-product attention: {@code softmax(q k^T * scale + bias) v}.
     *
     * <p>Shape: q {@code [..., L, E]}, k {@code [..., S, E]}, v {@code [..., S, Ev]} -> {@code [..., L, Ev]}
     * (batch dims broadcast, as matmul). Example: {@code [B, H, L, E]} heads.
     *
     * <p>Args: {@code attnMask} null, bool (true = attend) or float32 (added to the scores), broadcastable to
     * {@code [..., L, S]}; {@code isCausal} masks key j > query i (the upper-left aligned lower triangle, as PyTorch;
     * not combinable with {@code attnMask}); {@code scale} null means {@code 1 / sqrt(E)}.
     *
     * <p>A query row whose keys are all masked gets output 0 and gradient 0 (PyTorch's math backend uses a
     * "safe" softmax for this since 2.5, rather than NaN). A float mask receives a gradient when it requires one.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor attnMask, boolean isCausal,
                                                   Float scale) {
        return scaledDotProductAttention(q, k, v, attnMask, 0f, isCausal, scale, false, null);
    }

    /** Attention without mask, not causal, default scale. */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v) {
        return scaledDotProductAttention(q, k, v, null, false, null);
    }

    /**
     * Scaled dot-product attention with PyTorch's full argument list
     * ({@code F.scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa)}).
     *
     * <p>Args as {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, boolean, Float)}, plus:
     * {@code dropoutP} in [0, 1): attention probabilities are zeroed with this probability and the rest scaled by
     * {@code 1 / (1 - p)}, with masks drawn from {@code generator} (required when {@code dropoutP > 0}; pass 0 in
     * eval). {@code enableGqa}: grouped-query attention, q {@code [..., Hq, L, E]} with k, v {@code [..., Hkv, S, *]}
     * where Hq is a multiple of Hkv; query head h uses key/value head {@code h / (Hq / Hkv)} (PyTorch's
     * repeat_interleave), with no copy of k or v. A mask then broadcasts to {@code [..., Hq, L, S]}.
     *
     * <p>Calls without a mask and without dropout run the blocked {@link FlashAttention} kernel (same results up to
     * float rounding); the others run the reference path, {@link #attentionWithWeights}.
     *
     * <p>Example: {@code scaledDotProductAttention(q, k, v, null, 0f, true, null, true, null); // Llama-style GQA}
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor attnMask, float dropoutP,
                                                   boolean isCausal, Float scale, boolean enableGqa,
                                                   Generator generator) {
        validate(q, k, v, attnMask, dropoutP, isCausal, enableGqa, generator);
        float s = scale != null ? scale : defaultScale(q);
        if (attnMask == null && dropoutP == 0f && FlashAttention.supports(q, k, v, enableGqa)) {
            return FlashAttention.attention(q, k, v, isCausal, s, enableGqa);
        }
        int[] keyLengths = dropoutP == 0f && !isCausal ? paddingLengths(q, k, attnMask) : null;
        if (keyLengths != null && FlashAttention.supports(q, k, v, enableGqa)) {
            // A right-padding key mask (BERT-style [B, 1, 1, S], each row true then false): each batch element is
            // unmasked attention over its first len_b keys, which the fused kernel runs without a [L, S] matrix.
            Tensor[] outs = new Tensor[keyLengths.length];
            for (int b = 0; b < outs.length; b++) {
                int len = keyLengths[b];
                outs[b] = FlashAttention.attention(q.narrow(0, b, 1), k.narrow(0, b, 1).narrow(2, 0, len),
                        v.narrow(0, b, 1).narrow(2, 0, len), false, s, enableGqa);
            }
            return outs.length == 1 ? outs[0] : ShapeOps.cat(outs, 0);
        }
        return reference(q, k, v, attnMask, dropoutP, isCausal, s, enableGqa, generator).output();
    }

    /**
     * Per batch element, the number of leading keys a bool mask of shape {@code [B, 1, 1, S]} allows, when q, k are
     * 4-D {@code [B, H, *, *]}, every row is a run of trues followed only by falses, and at least one key is allowed;
     * else null (the reference path handles every other mask).
     */
    private static int[] paddingLengths(Tensor q, Tensor k, Tensor mask) {
        if (mask == null || mask.dtype() != DType.BOOL || mask.dim() != 4 || q.dim() != 4 || k.dim() != 4) return null;
        int b = q.size(0), keys = k.size(2);
        if (b < 1 || k.size(0) != b || mask.size(0) != b || mask.size(1) != 1 || mask.size(2) != 1
                || mask.size(3) != keys) {
            return null;
        }
        Tensor m = mask.contiguous();
        boolean[] a = m.storage().bools();
        int off = m.offset();
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            int base = off + i * keys, len = 0;
            while (len < keys && a[base + len]) len++;
            if (len == 0) return null;
            for (int j = len; j < keys; j++) if (a[base + j]) return null;
            lengths[i] = len;
        }
        return lengths;
    }

    /**
     * Causal attention for queries that are the last L of S positions (KV-cache decoding, chunked prefill): query i
     * sees keys {@code j <= i + S - L}, PyTorch's {@code causal_lower_right} mask. With L == S this is
     * {@code isCausal}. Runs the fused kernel (no mask tensor) when the shapes allow it, else the reference path.
     *
     * <p>Shape: q {@code [..., L, E]}, k {@code [..., S, E]}, v {@code [..., S, Ev]} with S >= L; GQA as
     * {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, float, boolean, Float, boolean, Generator)}.
     * Example: {@code causalLowerRight(q, cachedK, cachedV, null, true) // q [B, H, T, D], k/v [B, Hkv, past + T, D]}
     */
    public static Tensor causalLowerRight(Tensor q, Tensor k, Tensor v, Float scale, boolean enableGqa) {
        validate(q, k, v, null, 0f, false, enableGqa, null);
        int len = q.size(-2), keys = k.size(-2);
        if (keys < len) throw new IllegalArgumentException(OP + " (causal lower-right): needs at least as many keys as "
                + "queries, got q " + Shape.str(q.shape()) + " and k " + Shape.str(k.shape()));
        float s = scale != null ? scale : defaultScale(q);
        if (FlashAttention.supports(q, k, v, enableGqa)) return FlashAttention.attention(q, k, v, true, keys - len, s,
                enableGqa);
        boolean[] m = new boolean[len * keys];
        for (int i = 0; i < len; i++) java.util.Arrays.fill(m, i * keys, i * keys + i + keys - len + 1, true);
        return reference(q, k, v, Tensor.ofBools(m, len, keys), 0f, false, s, enableGqa, null).output();
    }

    /**
     * The reference (math) path of scaled dot-product attention, also returning the attention probabilities
     * {@code [..., L, S]} (after dropout, as PyTorch's multi-head attention returns them), both differentiable.
     * Args and shapes as {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, float, boolean, Float,
     * boolean, Generator)}; with {@code enableGqa} the weights have Hq heads. Materialises {@code [..., L, S]}.
     */
    public static Result attentionWithWeights(Tensor q, Tensor k, Tensor v, Tensor attnMask, float dropoutP,
                                              boolean isCausal, Float scale, boolean enableGqa, Generator generator) {
        validate(q, k, v, attnMask, dropoutP, isCausal, enableGqa, generator);
        return reference(q, k, v, attnMask, dropoutP, isCausal, scale != null ? scale : defaultScale(q), enableGqa,
                generator);
    }

    private static float defaultScale(Tensor q) {
        return (float) (1.0 / Math.sqrt(q.size(-1)));
    }

    private static void validate(Tensor q, Tensor k, Tensor v, Tensor attnMask, float dropoutP, boolean isCausal,
                                 boolean enableGqa, Generator generator) {
        Elementwise.requireFloat(OP, q);
        Elementwise.requireFloat(OP, k);
        Elementwise.requireFloat(OP, v);
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2 || q.size(-1) != k.size(-1) || k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException(OP + ": expected q [..., L, E], k [..., S, E] and v [..., S, Ev], got q "
                    + Shape.str(q.shape()) + ", k " + Shape.str(k.shape()) + ", v " + Shape.str(v.shape()));
        }
        if (isCausal && attnMask != null) throw new IllegalArgumentException(OP + ": pass either attnMask or "
                + "isCausal=true, not both (fold the causal mask into attnMask)");
        if (attnMask != null && attnMask.dtype() == DType.INT64) throw new IllegalArgumentException(OP + ": attnMask "
                + "must be bool (true = attend) or float32 (added to the scores), got INT64");
        if (!(dropoutP >= 0f && dropoutP < 1f)) throw new IllegalArgumentException(OP + ": dropoutP must be in [0, 1), "
                + "got " + dropoutP);
        if (dropoutP > 0f && generator == null) throw new IllegalArgumentException(OP + ": dropoutP=" + dropoutP
                + " needs a Generator for the dropout masks (pass dropoutP=0 in eval)");
        if (enableGqa) {
            if (q.dim() < 3 || k.dim() < 3 || v.dim() < 3) throw new IllegalArgumentException(OP + ": enableGqa needs "
                    + "q [..., Hq, L, E], k [..., Hkv, S, E] and v [..., Hkv, S, Ev], got q " + Shape.str(q.shape())
                    + ", k " + Shape.str(k.shape()) + ", v " + Shape.str(v.shape()));
            int hq = q.size(-3), hk = k.size(-3);
            if (v.size(-3) != hk || hk == 0 || hq % hk != 0) throw new IllegalArgumentException(OP + ": enableGqa "
                    + "needs the query heads (dim -3 of q, " + hq + ") to be a multiple of the key/value heads (dim -3 "
                    + "of k and v, " + hk + " and " + v.size(-3) + "), got q " + Shape.str(q.shape()) + ", k "
                    + Shape.str(k.shape()) + ", v " + Shape.str(v.shape()));
        }
    }

    /** The math path. GQA views q as [..., Hkv, G, L, E] against k, v [..., Hkv, 1, S, *] (broadcast, no copy). */
    private static Result reference(Tensor q, Tensor k, Tensor v, Tensor attnMask, float dropoutP, boolean isCausal,
                                    float s, boolean enableGqa, Generator generator) {
        int[] qs = q.shape();
        if (enableGqa && q.size(-3) != k.size(-3)) {
            int hk = k.size(-3), group = q.size(-3) / hk, r = q.dim();
            int[] q5 = new int[r + 1];
            System.arraycopy(qs, 0, q5, 0, r - 3);
            q5[r - 3] = hk;
            q5[r - 2] = group;
            q5[r - 1] = qs[r - 2];
            q5[r] = qs[r - 1];
            Tensor mask5 = null;
            if (attnMask != null) {
                int[] scoreShape = gqaScoreShape(q, k);                                  // [..., Hq, L, S]
                Tensor full = attnMask.expand(broadcastMaskTarget(attnMask, scoreShape)); // [..., Hq, L, S]
                int[] m5 = q5.clone();
                m5[r] = k.size(-2);
                mask5 = full.reshape(m5);                                                // [..., Hkv, G, L, S]
            }
            Result res = reference(q.reshape(q5), k.unsqueeze(-3), v.unsqueeze(-3), mask5, dropoutP, isCausal, s,
                    false, generator);
            int[] out = res.output().shape(), w = res.weights().shape();
            return new Result(res.output().reshape(mergeGroup(out)), res.weights().reshape(mergeGroup(w)));
        }
        Tensor scores = Linalg.matmul(q, k.transpose(-2, -1));              // [..., L, S]
        Tensor probs = maskedSoftmax(OP, scores, attnMask, isCausal, s);     // [..., L, S]
        if (dropoutP > 0f) probs = Elementwise.mul(probs, dropoutMask(probs.shape(), dropoutP, generator));
        return new Result(Linalg.matmul(probs, v), probs);                  // [..., L, Ev]
    }

    /** [..., Hkv, G, L, X] -> [..., Hkv * G, L, X]. */
    private static int[] mergeGroup(int[] s) {
        int r = s.length;
        int[] m = new int[r - 1];
        System.arraycopy(s, 0, m, 0, r - 4);
        m[r - 4] = s[r - 4] * s[r - 3];
        m[r - 3] = s[r - 2];
        m[r - 2] = s[r - 1];
        return m;
    }

    /** The GQA score shape [..., Hq, L, S] (batch dims of q and k broadcast, heads from q). */
    private static int[] gqaScoreShape(Tensor q, Tensor k) {
        int rq = q.dim(), rk = k.dim();
        int[] qb = java.util.Arrays.copyOf(q.shape(), rq - 3), kb = java.util.Arrays.copyOf(k.shape(), rk - 3);
        int[] b = Shape.broadcast(OP + " (batch dims of q and k)", qb, kb);
        int[] s = java.util.Arrays.copyOf(b, b.length + 3);
        s[b.length] = q.size(-3);
        s[b.length + 1] = q.size(-2);
        s[b.length + 2] = k.size(-2);
        return s;
    }

    private static int[] broadcastMaskTarget(Tensor mask, int[] scoreShape) {
        int[] b = Shape.broadcast(OP + " (attnMask vs scores [..., L, S])", mask.shape(), scoreShape);
        if (!Shape.same(b, scoreShape)) throw new IllegalArgumentException(OP + ": attnMask of shape "
                + Shape.str(mask.shape()) + " cannot be broadcast to the attention scores' shape " + Shape.str(scoreShape)
                + " ([..., L, S])");
        return scoreShape;
    }

    /** 0 with probability p, else 1 / (1 - p), drawn in order from {@code g}. */
    static Tensor dropoutMask(int[] shape, float p, Generator g) {
        float keep = 1f / (1f - p);
        float[] m = new float[Shape.numel(shape)];
        for (int i = 0; i < m.length; i++) m[i] = g.nextFloat() < p ? 0f : keep;
        return Tensor.of(m, shape);
    }

    /**
     * softmax(scores * scale + bias) over the last dim, where the bias is -inf at masked (causal or false bool)
     * positions and the float mask's value elsewhere. Fully masked rows give zeros.
     */
    private static Tensor maskedSoftmax(String op, Tensor scores, Tensor mask, boolean causal, float scale) {
        int[] ss = scores.shape();                                            // [..., L, S]
        int r = ss.length, len = ss[r - 2], keys = ss[r - 1];
        int rows = len == 0 || keys == 0 ? 0 : scores.numel() / keys;
        Tensor sc = scores.detach().contiguous();
        float[] x = sc.storage().floats(), p = new float[scores.numel()];
        int xo = sc.offset();
        MaskRows m = mask == null ? null : maskRows(op, mask, ss);
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, keys)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int b = row * keys, qi = row % len;
                Elementwise1D.affine(x, xo + b, p, b, keys, scale, 0f);
                if (causal) for (int j = qi + 1; j < keys; j++) p[b + j] = Float.NEGATIVE_INFINITY;
                if (m != null) m.apply(row, p, b, keys);
                if (Elementwise1D.max(p, b, keys) == Float.NEGATIVE_INFINITY) {
                    java.util.Arrays.fill(p, b, b + keys, 0f);
                } else {
                    Elementwise1D.softmaxRow(p, b, p, b, keys, false);
                }
            }
        });
        Tensor out = Tensor.of(p, ss);
        boolean maskGrad = mask != null && mask.dtype() == DType.FLOAT32;
        int[] maskShape = mask == null ? null : mask.shape();
        return Autograd.record("sdpa_softmax", out, new Tensor[] {scores, maskGrad ? mask : null}, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats(), dz = new float[p.length];
            int go = gc.offset();
            // dz_j = p_j (g_j - sum_k g_k p_k): the gradient w.r.t. the biased scores (masked entries have p = 0).
            Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, keys)), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    int b = row * keys;
                    float dot = Elementwise1D.dot(gd, go + b, p, b, keys);
                    for (int j = 0; j < keys; j++) dz[b + j] = p[b + j] * (gd[go + b + j] - dot);
                }
            });
            Tensor dBias = Tensor.of(dz, ss);
            Tensor gMask = maskGrad && mask.requiresGrad() ? dBias.sumToShape(maskShape) : null;
            Tensor gScores = scores.requiresGrad() ? Elementwise.mul(dBias, scale) : null;
            return new Tensor[] {gScores, gMask};
        }, out);
    }

    /** A mask broadcast to the score shape, addressed by score row: row r starts at {@code rowOffset[r]}. */
    private record MaskRows(Tensor mask, int[] rowOffset, int step) {
        void apply(int row, float[] z, int b, int keys) {
            int o = rowOffset[row];
            if (mask.dtype() == DType.BOOL) {
                boolean[] md = mask.storage().bools();
                for (int j = 0; j < keys; j++) if (!md[o + j * step]) z[b + j] = Float.NEGATIVE_INFINITY;
            } else {
                float[] md = mask.storage().floats();
                for (int j = 0; j < keys; j++) z[b + j] += md[o + j * step];
            }
        }
    }

    private static MaskRows maskRows(String op, Tensor mask, int[] scoreShape) {
        broadcastMaskTarget(mask, scoreShape);
        Tensor e = mask.detach().expand(scoreShape);
        int r = scoreShape.length, keys = scoreShape[r - 1];
        int[] st = e.strides();
        int rows = Shape.numel(scoreShape) / Math.max(1, keys);
        int[] off = new int[rows], idx = new int[r - 1];
        int pos = e.offset();
        for (int i = 0; i < rows; i++) {
            off[i] = pos;
            for (int d = r - 2; d >= 0; d--) {
                pos += st[d];
                if (++idx[d] < scoreShape[d]) break;
                pos -= st[d] * scoreShape[d];
                idx[d] = 0;
            }
        }
        return new MaskRows(e, off, st[r - 1]);
    }
}
