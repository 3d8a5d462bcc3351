// Attention: scaled dot-product attention, softmax(Q K^T * scale + mask) V, as PyTorch's
// F.scaled_dot_product_attention (math semantics). Q K^T and P V are batched GEMMs (Linalg.matmul); scaling,
// masking and softmax are one fused op per score row, so memory is O(L * S) per head. Single entry point.
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Attention ops (functional API). */
public final class Attention {
    /** Score elements per parallel chunk. */
    private static final int GRAIN = 16384;

    private Attention() {}

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
        String op = "scaled_dot_product_attention";
        Elementwise.requireFloat(op, q);
        Elementwise.requireFloat(op, k);
        Elementwise.requireFloat(op, v);
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2 || q.size(-1) != k.size(-1) || k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException(op + ": expected q [..., L, E], k [..., S, E] and v [..., S, Ev], got q "
                    + Shape.str(q.shape()) + ", k " + Shape.str(k.shape()) + ", v " + Shape.str(v.shape()));
        }
        if (isCausal && attnMask != null) throw new IllegalArgumentException(op + ": pass either attnMask or "
                + "isCausal=true, not both (fold the causal mask into attnMask)");
        if (attnMask != null && attnMask.dtype() == DType.INT64) throw new IllegalArgumentException(op + ": attnMask "
                + "must be bool (true = attend) or float32 (added to the scores), got INT64");
        float s = scale != null ? scale : (float) (1.0 / Math.sqrt(q.size(-1)));
        Tensor scores = Linalg.matmul(q, k.transpose(-2, -1));              // [..., L, S]
        Tensor probs = maskedSoftmax(op, scores, attnMask, isCausal, s);     // [..., L, S]
        return Linalg.matmul(probs, v);                                     // [..., L, Ev]
    }

    /** Attention without mask, not causal, default scale. */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v) {
        return scaledDotProductAttention(q, k, v, null, false, null);
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
        int[] b = Shape.broadcast(op + " (attnMask vs scores [..., L, S])", mask.shape(), scoreShape);
        if (!Shape.same(b, scoreShape)) throw new IllegalArgumentException(op + ": attnMask of shape "
                + Shape.str(mask.shape()) + " cannot be broadcast to the attention scores' shape " + Shape.str(scoreShape)
                + " ([..., L, S])");
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
