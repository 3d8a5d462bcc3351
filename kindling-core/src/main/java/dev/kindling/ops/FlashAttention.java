// FlashAttention: blocked scaled dot-product attention for the unmasked and causal cases (FlashAttention-2 on the
// CPU). Tiles of queries x keys go through Gemm with an online softmax; fully masked causal tiles are skipped and
// no [L, S] matrix exists, forward or backward: the forward saves the output and one logsumexp per query row, and
// the backward recomputes each tile's probabilities from them. Reference: Attention's math path (AttentionTest).
package dev.kindling.ops;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * Fused attention kernel (functional API). {@link Attention#scaledDotProductAttention} calls it for unmasked or
 * causal attention without dropout; it can also be called directly.
 *
 * <p>Work: forward tasks are (batch x head, query tile), backward tasks are (batch x key/value head), run on
 * {@link Parallel}'s threads. Memory beyond inputs and output: {@code 4 * rows} bytes of logsumexp, plus per-thread
 * tiles of {@code BLOCK_Q x BLOCK_K}; the backward allocates the three gradients and one float per query row.
 */
public final class FlashAttention {
    /** Query rows per tile (64 x 64 measured best of 32..128 for D = 64, mostly through the backward). */
    static final int BLOCK_Q = Integer.getInteger("kindling.flash.bq", 64);
    /** Key rows per tile. */
    static final int BLOCK_K = Integer.getInteger("kindling.flash.bk", 64);

    private static final ThreadLocal<float[][]> WORK = ThreadLocal.withInitial(() -> new float[6][0]);
    private static final int QS = 0, SC = 1, ACC = 2, ROW_M = 3, ROW_L = 4, DP = 5;

    private FlashAttention() {}

    /**
     * True when {@link #attention} accepts these operands: float32, same rank >= 2, {@code q [..., L, E]},
     * {@code k [..., S, E]}, {@code v [..., S, Ev]} with identical batch dims (no broadcasting) — except, with
     * {@code enableGqa}, dim -3 of q may be a multiple of that of k and v — and L, S, E, Ev all > 0.
     */
    public static boolean supports(Tensor q, Tensor k, Tensor v, boolean enableGqa) {
        if (q.dtype() != DType.FLOAT32 || k.dtype() != DType.FLOAT32 || v.dtype() != DType.FLOAT32) return false;
        int r = q.dim();
        if (r < 2 || k.dim() != r || v.dim() != r) return false;
        if (q.size(-1) != k.size(-1) || k.size(-2) != v.size(-2)) return false;
        if (q.size(-2) == 0 || k.size(-2) == 0 || q.size(-1) == 0 || v.size(-1) == 0) return false;
        for (int d = 0; d < r - 2; d++) {
            if (k.size(d) != v.size(d)) return false;
            boolean heads = enableGqa && d == r - 3;
            if (heads ? k.size(d) == 0 || q.size(d) % k.size(d) != 0 : q.size(d) != k.size(d)) return false;
        }
        return true;
    }

    /**
     * {@code softmax(q k^T * scale [+ causal mask]) v}, differentiable in q, k and v.
     *
     * <p>Shape: q {@code [..., L, E]}, k {@code [..., S, E]}, v {@code [..., S, Ev]} -> {@code [..., L, Ev]}; with
     * {@code enableGqa} q {@code [..., Hq, L, E]} and k, v {@code [..., Hkv, S, *]}, query head h reading
     * key/value head {@code h / (Hq / Hkv)}. {@code causal}: query i sees keys j <= i (upper-left aligned, as
     * PyTorch). Inputs may be strided views (e.g. heads transposed out of [B, T, H, D]) as long as the last dim is
     * contiguous; otherwise they are copied once.
     *
     * @throws IllegalArgumentException when {@link #supports} is false, naming the shapes
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal, float scale, boolean enableGqa) {
        return attention(q, k, v, causal, 0, scale, enableGqa);
    }

    /**
     * As {@link #attention(Tensor, Tensor, Tensor, boolean, float, boolean)} with the causal diagonal shifted:
     * query i sees keys {@code j <= i + diagonal}. {@code diagonal = S - L} is PyTorch's {@code causal_lower_right}
     * (the queries are the last L of S positions: KV-cache decoding, chunked prefill); it must be >= 0 so that every
     * query sees at least one key.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal, int diagonal, float scale,
                                   boolean enableGqa) {
        if (diagonal < 0) throw new IllegalArgumentException("flash_attention: causal diagonal must be >= 0 (every "
                + "query must see a key), got " + diagonal);
        if (!supports(q, k, v, enableGqa)) throw new IllegalArgumentException("flash_attention: expected float32 q "
                + "[..., L, E], k [..., S, E], v [..., S, Ev] with equal batch dims" + (enableGqa ? " (dim -3 of q a "
                + "multiple of that of k and v)" : "") + " and L, S, E, Ev > 0, got q " + Shape.str(q.shape()) + " "
                + q.dtype() + ", k " + Shape.str(k.shape()) + " " + k.dtype() + ", v " + Shape.str(v.shape()) + " "
                + v.dtype());
        Problem p = new Problem(Operand.of(q.detach()), Operand.of(k.detach()), Operand.of(v.detach()),
                q.size(-2), k.size(-2), q.size(-1), v.size(-1), causal, diagonal, scale);
        int len = p.len, keys = p.keys;
        Layout outL = Layout.dense(p.nq, len, p.ev);
        float[] out = new float[p.nq * len * p.ev], lse = new float[p.nq * len];
        forward(p, out, outL, lse);
        int[] os = q.shape().clone();
        os[os.length - 1] = p.ev;
        Tensor o = Tensor.of(out, os);                                        // [..., L, Ev]
        int[] qShape = q.shape(), kShape = k.shape(), vShape = v.shape();
        return Autograd.record("flash_attention", o, new Tensor[] {q, k, v}, g -> {
            float[] dq = new float[p.nq * len * p.e], dk = new float[p.nkv * keys * p.e];
            float[] dv = new float[p.nkv * keys * p.ev];
            backward(p, out, outL, lse, g.contiguous(), dq, Layout.dense(p.nq, len, p.e), dk,
                    Layout.dense(p.nkv, keys, p.e), dv, Layout.dense(p.nkv, keys, p.ev));
            return new Tensor[] {q.requiresGrad() ? Tensor.of(dq, qShape) : null,
                    k.requiresGrad() ? Tensor.of(dk, kShape) : null, v.requiresGrad() ? Tensor.of(dv, vShape) : null};
        }, q, k, v, o);
    }

    /**
     * Self-attention straight from a fused projection: {@code qkv [B, T, 3C]} holds q, k and v side by side (GPT-2's
     * c_attn layout: {@code [q | k | v]}, each C = heads * D wide, head h in columns h*D..h*D+D). Returns
     * {@code [B, T, C]} with head h's output in columns h*D.., i.e. the heads already merged; the gradient is one
     * {@code [B, T, 3C]} tensor. Nothing is permuted or copied on the way in or out (compared with
     * view/permute/select + transpose/reshape, this saves the output copy and, in backward, three full-size
     * zero-filled slice gradients and their sum). Scale {@code 1/sqrt(D)}; {@code causal}: position i sees j <= i.
     *
     * <p>Shape: qkv {@code [B, T, 3 * heads * D]} -> {@code [B, T, heads * D]}.
     *
     * <p>Example: {@code Tensor y = FlashAttention.packedSelfAttention(cAttn.forward(h), 4, true); // [B, T, C]}
     */
    public static Tensor packedSelfAttention(Tensor qkv, int heads, boolean causal) {
        if (qkv.dtype() != DType.FLOAT32 || qkv.dim() != 3 || heads <= 0 || qkv.size(2) % (3 * heads) != 0
                || qkv.size(1) == 0 || qkv.size(2) == 0) {
            throw new IllegalArgumentException("packed_self_attention: expected float32 qkv [B, T, 3 * heads * D] with "
                    + "T, D > 0 and heads > 0, got " + Shape.str(qkv.shape()) + " " + qkv.dtype() + ", heads=" + heads);
        }
        int b = qkv.size(0), t = qkv.size(1), c3 = qkv.size(2), c = c3 / 3, d = c / heads, n = b * heads;
        Tensor x = qkv.detach().contiguous();
        float[] xd = x.storage().floats();
        int base = x.offset();
        int[] qo = new int[n], ko = new int[n], vo = new int[n], oo = new int[n];
        for (int i = 0; i < n; i++) {
            int bi = i / heads, h = i % heads;
            qo[i] = base + bi * t * c3 + h * d;
            ko[i] = qo[i] + c;
            vo[i] = qo[i] + 2 * c;
            oo[i] = bi * t * c + h * d;
        }
        Problem p = new Problem(new Operand(xd, qo, c3), new Operand(xd, ko, c3), new Operand(xd, vo, c3), t, t, d, d,
                causal, 0, (float) (1 / Math.sqrt(d)));
        Layout outL = new Layout(oo, c);
        float[] out = new float[b * t * c], lse = new float[n * t];
        forward(p, out, outL, lse);
        Tensor o = Tensor.of(out, b, t, c);                                   // [B, T, C]
        return Autograd.record("packed_self_attention", o, new Tensor[] {qkv}, g -> {
            float[] dqkv = new float[b * t * c3];
            int[] gq = new int[n], gk = new int[n], gv = new int[n];
            for (int i = 0; i < n; i++) {
                gq[i] = qo[i] - base;
                gk[i] = ko[i] - base;
                gv[i] = vo[i] - base;
            }
            backward(p, out, outL, lse, g.contiguous(), dqkv, new Layout(gq, c3), dqkv, new Layout(gk, c3), dqkv,
                    new Layout(gv, c3));
            return new Tensor[] {Tensor.of(dqkv, b, t, c3)};
        }, x, o);
    }

    /** Where each batch matrix of an output or gradient starts in its array, and its row stride. */
    private record Layout(int[] offset, int rowStride) {
        static Layout dense(int matrices, int rows, int cols) {
            int[] off = new int[matrices];
            for (int i = 0; i < matrices; i++) off[i] = i * rows * cols;
            return new Layout(off, cols);
        }
    }

    /**
     * One operand's storage, the offset of each flattened batch matrix and its row stride (the last dim is
     * contiguous).
     */
    private record Operand(float[] data, int[] batchOffset, int rowStride) {
        static Operand of(Tensor t) {
            int r = t.dim(), rows = t.size(-2), cols = t.size(-1);
            int[] st = t.strides();
            boolean rowsOk = rows == 1 || st[r - 2] >= cols;
            if ((st[r - 1] != 1 && cols > 1) || !rowsOk) {
                t = t.contiguous();
                st = t.strides();
            }
            int rowStride = rows == 1 ? Math.max(cols, st[r - 2]) : st[r - 2];
            int[] shape = t.shape();
            int nb = Shape.numel(Arrays.copyOf(shape, r - 2));
            int[] off = new int[nb], idx = new int[r - 2];
            int pos = t.offset();
            for (int i = 0; i < nb; i++) {
                off[i] = pos;
                for (int d = r - 3; d >= 0; d--) {
                    pos += st[d];
                    if (++idx[d] < shape[d]) break;
                    pos -= st[d] * shape[d];
                    idx[d] = 0;
                }
            }
            return new Operand(t.storage().floats(), off, rowStride);
        }
    }

    /** Sizes of one call: nq query matrices, nkv key/value matrices, group = nq / nkv query heads per kv head. */
    private record Problem(Operand q, Operand k, Operand v, int len, int keys, int e, int ev, boolean causal,
                           int diagonal, float scale, int nq, int nkv, int group) {
        Problem(Operand q, Operand k, Operand v, int len, int keys, int e, int ev, boolean causal, int diagonal,
                float scale) {
            this(q, k, v, len, keys, e, ev, causal, diagonal, scale, q.batchOffset.length, k.batchOffset.length,
                    q.batchOffset.length / k.batchOffset.length);
        }

        /** Keys [0, end) that query rows [i0, i1) can see. */
        int keyEnd(int i1) {
            return causal ? Math.min(keys, i1 + diagonal) : keys;
        }

        /** The first query row that sees key j0. */
        int firstQuery(int j0) {
            return causal ? Math.max(0, j0 - diagonal) : 0;
        }

        /** Visible keys of query row i within the key tile starting at j0 of width bk. */
        int visible(int i, int j0, int bk) {
            return causal ? Math.max(0, Math.min(bk, i + diagonal + 1 - j0)) : bk;
        }
    }

    private static float[] buf(float[][] w, int which, int n) {
        if (w[which].length < n) w[which] = new float[n];
        return w[which];
    }

    /**
     * Row kernels of the online softmax: AttentionKernels (Vector API) when enabled, else these scalar loops (the
     * spec). Neither allocates: they run on ~10^5 short rows per call.
     */
    static final class Rows {
        private Rows() {}

        static float max(float[] x, int o, int n) {
            if (VectorSupport.enabled()) return AttentionKernels.max(x, o, n);
            float m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) m = Math.max(m, x[o + i]);
            return m;
        }

        /** x[i] = exp(x[i] - m), returning the sum. */
        static float expShiftSum(float[] x, int o, int n, float m) {
            if (VectorSupport.enabled()) return AttentionKernels.expShiftSum(x, o, n, m);
            float s = 0;
            for (int i = 0; i < n; i++) s += x[o + i] = (float) Math.exp(x[o + i] - m);
            return s;
        }

        /** out[i] = x[i] * s. */
        static void scale(float[] x, int xo, float s, float[] out, int oo, int n) {
            if (VectorSupport.enabled()) {
                AttentionKernels.scale(x, xo, s, out, oo, n);
                return;
            }
            for (int i = 0; i < n; i++) out[oo + i] = x[xo + i] * s;
        }

        /** dp[i] = p[i] * (dp[i] - d) * s. */
        static void softmaxGrad(float[] p, float[] dp, int o, int n, float d, float s) {
            if (VectorSupport.enabled()) {
                AttentionKernels.softmaxGrad(p, dp, o, n, d, s);
                return;
            }
            for (int i = 0; i < n; i++) dp[o + i] = (dp[o + i] - d) * p[o + i] * s;
        }

        static float dot(float[] a, int ao, float[] b, int bo, int n) {
            if (VectorSupport.enabled()) return AttentionKernels.dot(a, ao, b, bo, n);
            float s = 0;
            for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
            return s;
        }
    }

    /** Copies query rows [i0, i0 + bq) of matrix n, times scale, into a contiguous [bq, E] tile. */
    private static float[] scaledQueries(Problem p, float[][] w, int n, int i0, int bq) {
        float[] qs = buf(w, QS, BLOCK_Q * p.e);
        Operand q = p.q;
        for (int r = 0; r < bq; r++) {
            Rows.scale(q.data, q.batchOffset[n] + (i0 + r) * q.rowStride, p.scale, qs, r * p.e, p.e);
        }
        return qs;
    }

    /**
     * Online softmax per query tile: for each key tile, P = exp(S - m_new) on the visible keys (0 beyond), the
     * running max m and sum l are updated and the accumulator rows rescaled by exp(m_old - m_new) before
     * acc += P V. Writes out = acc / l and lse = m + log(l).
     */
    private static void forward(Problem p, float[] out, Layout outL, float[] lse) {
        int qTiles = (p.len + BLOCK_Q - 1) / BLOCK_Q;
        Parallel.forDynamic(p.nq * qTiles, task -> {
            int n = task / qTiles, i0 = task % qTiles * BLOCK_Q, bq = Math.min(BLOCK_Q, p.len - i0);
            int kv = n / p.group;
            float[][] w = WORK.get();
            float[] qs = scaledQueries(p, w, n, i0, bq);
            float[] sc = buf(w, SC, BLOCK_Q * BLOCK_K), acc = buf(w, ACC, BLOCK_Q * p.ev);
            float[] m = buf(w, ROW_M, BLOCK_Q), l = buf(w, ROW_L, BLOCK_Q);
            Arrays.fill(acc, 0, bq * p.ev, 0f);
            Arrays.fill(m, 0, bq, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, bq, 0f);
            Operand k = p.k, v = p.v;
            int kEnd = p.keyEnd(i0 + bq);
            for (int j0 = 0; j0 < kEnd; j0 += BLOCK_K) {
                int bk = Math.min(BLOCK_K, kEnd - j0);
                // S = (q * scale) k^T: [bq, E] x [bk, E]^T -> [bq, bk]
                Gemm.sgemm(false, true, bq, bk, p.e, qs, 0, p.e, k.data, k.batchOffset[kv] + j0 * k.rowStride,
                        k.rowStride, sc, 0, bk, false);
                for (int r = 0; r < bq; r++) {
                    int b = r * bk, vis = p.visible(i0 + r, j0, bk);
                    if (vis == 0) {
                        Arrays.fill(sc, b, b + bk, 0f);
                        continue;
                    }
                    float mNew = Math.max(m[r], Rows.max(sc, b, vis));
                    float sum = Rows.expShiftSum(sc, b, vis, mNew);
                    if (vis < bk) Arrays.fill(sc, b + vis, b + bk, 0f);
                    if (m[r] == Float.NEGATIVE_INFINITY) {                       // first visible tile: acc, l are 0
                        l[r] = sum;
                    } else {
                        float alpha = (float) Math.exp(m[r] - mNew);
                        l[r] = l[r] * alpha + sum;
                        if (alpha != 1f) Rows.scale(acc, r * p.ev, alpha, acc, r * p.ev, p.ev);
                    }
                    m[r] = mNew;
                }
                // acc += P v: [bq, bk] x [bk, Ev]
                Gemm.sgemm(false, false, bq, p.ev, bk, sc, 0, bk, v.data, v.batchOffset[kv] + j0 * v.rowStride,
                        v.rowStride, acc, 0, p.ev, true);
            }
            for (int r = 0; r < bq; r++) {
                Rows.scale(acc, r * p.ev, 1f / l[r], out, outL.offset[n] + (i0 + r) * outL.rowStride, p.ev);
                lse[n * p.len + i0 + r] = m[r] + (float) Math.log(l[r]);
            }
        });
    }

    /**
     * FlashAttention-2 backward. With P = exp(S - lse) recomputed per tile and D_i = dO_i . O_i:
     * dV += P^T dO, dP = dO V^T, dS = P (dP - D) * scale, dQ += dS K, dK += dS^T Q. One task per key/value matrix
     * owns its dK, dV and the dQ of its query group, so no two threads write the same element.
     */
    private static void backward(Problem p, float[] out, Layout outL, float[] lse, Tensor gOut, float[] dq, Layout dqL,
                                 float[] dk, Layout dkL, float[] dv, Layout dvL) {
        float[] dO = gOut.storage().floats();
        int dOff = gOut.offset(), os = outL.rowStride;
        float[] dRow = new float[p.nq * p.len];
        Parallel.forRange(dRow.length, 256, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int o = outL.offset[i / p.len] + (i % p.len) * os;
                dRow[i] = Rows.dot(dO, dOff + o, out, o, p.ev);
            }
        });
        Parallel.forDynamic(p.nkv, kv -> {
            float[][] w = WORK.get();
            float[] pt = buf(w, SC, BLOCK_Q * BLOCK_K), dp = buf(w, DP, BLOCK_Q * BLOCK_K);
            Operand q = p.q, k = p.k, v = p.v;
            for (int j0 = 0; j0 < p.keys; j0 += BLOCK_K) {
                int bk = Math.min(BLOCK_K, p.keys - j0);
                int kOff = k.batchOffset[kv] + j0 * k.rowStride, vOff = v.batchOffset[kv] + j0 * v.rowStride;
                int dkOff = dkL.offset[kv] + j0 * dkL.rowStride, dvOff = dvL.offset[kv] + j0 * dvL.rowStride;
                for (int h = 0; h < p.group; h++) {
                    int n = kv * p.group + h;
                    for (int i0 = p.firstQuery(j0); i0 < p.len; i0 += BLOCK_Q) {
                        int bq = Math.min(BLOCK_Q, p.len - i0), row0 = n * p.len + i0;
                        int dO0 = dOff + outL.offset[n] + i0 * os;                  // dO rows of this tile
                        float[] qs = scaledQueries(p, w, n, i0, bq);
                        Gemm.sgemm(false, true, bq, bk, p.e, qs, 0, p.e, k.data, kOff, k.rowStride, pt, 0, bk, false);
                        for (int r = 0; r < bq; r++) {
                            int b = r * bk, vis = p.visible(i0 + r, j0, bk);
                            if (vis > 0) Rows.expShiftSum(pt, b, vis, lse[row0 + r]);
                            if (vis < bk) Arrays.fill(pt, b + vis, b + bk, 0f);
                        }
                        // dV += P^T dO: [bk, bq] x [bq, Ev]
                        Gemm.sgemm(true, false, bk, p.ev, bq, pt, 0, bk, dO, dO0, os, dv, dvOff, dvL.rowStride,
                                true);
                        // dP = dO V^T: [bq, Ev] x [bk, Ev]^T
                        Gemm.sgemm(false, true, bq, bk, p.ev, dO, dO0, os, v.data, vOff, v.rowStride, dp, 0, bk,
                                false);
                        for (int r = 0; r < bq; r++) Rows.softmaxGrad(pt, dp, r * bk, bk, dRow[row0 + r], p.scale);
                        // dQ += dS K: [bq, bk] x [bk, E];  dK += dS^T Q: [bk, bq] x [bq, E]
                        Gemm.sgemm(false, false, bq, p.e, bk, dp, 0, bk, k.data, kOff, k.rowStride, dq,
                                dqL.offset[n] + i0 * dqL.rowStride, dqL.rowStride, true);
                        Gemm.sgemm(true, false, bk, p.e, bq, dp, 0, bk, q.data, q.batchOffset[n] + i0 * q.rowStride,
                                q.rowStride, dk, dkOff, dkL.rowStride, true);
                    }
                }
            }
        });
    }
}
