// MultiheadAttention: torch.nn.MultiheadAttention with its parameter layout (in_proj_weight [3E, E], or
// q/k/v_proj_weight when kdim/vdim differ; in_proj_bias; out_proj), masks and head-averaged weights, so its
// state_dict loads unchanged. The computation is a functional call over named tensors (as torch.func).
package dev.kindling.nn;

import dev.kindling.ops.Attention;
import dev.kindling.ops.Elementwise;
import dev.kindling.ops.FlashAttention;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Reductions;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.Map;

/**
 * Multi-head attention: {@code out_proj(concat_h(softmax(q_h k_h^T / sqrt(D) + mask) v_h))} with
 * {@code q, k, v} projected by {@code in_proj_weight}.
 *
 * <p>Shape: batch-first query {@code [B, L, E]}, key {@code [B, S, kdim]}, value {@code [B, S, vdim]} -> output
 * {@code [B, L, E]} and weights {@code [B, L, S]} (head-averaged) or {@code [B, H, L, S]}; without batchFirst
 * (PyTorch's default) the sequences come first: {@code [L, B, E]}; unbatched {@code [L, E]} works too.
 *
 * <p>Masks follow PyTorch's MultiheadAttention (not sdpa): a bool {@code keyPaddingMask [B, S]} or
 * {@code attnMask [L, S] / [B * H, L, S]} is true where attention is NOT allowed; a float mask is added to
 * the scores. {@code isCausal} without an attnMask applies the causal mask (PyTorch insists on the mask as well
 * and treats the flag as a hint; here it is enough). A query whose keys are all masked gets zeros (weights
 * included) where PyTorch's need_weights path gives NaN.
 *
 * <p>Example: {@code var mha = new MultiheadAttention(Config.of(64, 8).withBatchFirst(true), g);
 * Tensor y = mha.forward(x, x, x, Options.builder().needWeights(false).isCausal(true).build()).output();}
 */
public class MultiheadAttention extends Module {
    /** Constructor arguments of {@code torch.nn.MultiheadAttention} (kdim/vdim default to embedDim). */
    public record Config(int embedDim, int numHeads, float dropout, boolean bias, int kdim, int vdim,
                         boolean batchFirst) {
        public Config {
            if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) throw new IllegalArgumentException(
                    "MultiheadAttention: embed_dim must be a positive multiple of num_heads, got embed_dim=" + embedDim
                            + ", num_heads=" + numHeads);
            if (kdim <= 0 || vdim <= 0) throw new IllegalArgumentException("MultiheadAttention: kdim and vdim must be "
                    + "positive, got " + kdim + " and " + vdim);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("MultiheadAttention: dropout must "
                    + "be in [0, 1), got " + dropout);
        }

        /** PyTorch's defaults: dropout 0, bias, kdim = vdim = embedDim, sequence-first layout. */
        public static Config of(int embedDim, int numHeads) {
            return new Config(embedDim, numHeads, 0f, true, embedDim, embedDim, false);
        }

        public Config withBatchFirst(boolean on) {
            return new Config(embedDim, numHeads, dropout, bias, kdim, vdim, on);
        }

        public Config withDropout(float p) {
            return new Config(embedDim, numHeads, p, bias, kdim, vdim, batchFirst);
        }

        public Config withBias(boolean on) {
            return new Config(embedDim, numHeads, dropout, on, kdim, vdim, batchFirst);
        }

        public Config withKvDims(int kdim, int vdim) {
            return new Config(embedDim, numHeads, dropout, bias, kdim, vdim, batchFirst);
        }

        /** True when q, k, v share one packed {@code in_proj_weight}. */
        public boolean packedProjection() {
            return kdim == embedDim && vdim == embedDim;
        }

        public int headDim() {
            return embedDim / numHeads;
        }
    }

    /**
     * Per-call arguments of {@code forward} (PyTorch's keyword arguments). Masks may be null; needWeights and
     * averageAttnWeights default to true as in PyTorch.
     */
    public record Options(Tensor keyPaddingMask, boolean needWeights, Tensor attnMask, boolean averageAttnWeights,
                          boolean isCausal) {
        /** No masks, weights returned head-averaged (PyTorch's defaults). */
        public static final Options DEFAULT = new Options(null, true, null, true, false);

        public static Builder builder() {
            return new Builder();
        }

        /** Builder starting from {@link #DEFAULT}. */
        public static final class Builder {
            private Tensor keyPaddingMask, attnMask;
            private boolean needWeights = true, averageAttnWeights = true, isCausal;

            public Builder keyPaddingMask(Tensor m) {
                keyPaddingMask = m;
                return this;
            }

            public Builder attnMask(Tensor m) {
                attnMask = m;
                return this;
            }

            public Builder needWeights(boolean on) {
                needWeights = on;
                return this;
            }

            public Builder averageAttnWeights(boolean on) {
                averageAttnWeights = on;
                return this;
            }

            public Builder isCausal(boolean on) {
                isCausal = on;
                return this;
            }

            public Options build() {
                return new Options(keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal);
            }
        }
    }

    /** The attention output and, when requested, the attention weights (else null). */
    public record Output(Tensor output, Tensor weights) {}

    private static final String OP = "MultiheadAttention";
    private final Config config;
    private final Generator generator;

    /** Parameters drawn from {@code g} as PyTorch: out_proj as a Linear, then xavier-uniform projections, zero biases. */
    public MultiheadAttention(Config config, Generator g) {
        this.config = config;
        this.generator = g;
        int e = config.embedDim;
        Tensor inProj = null, qw = null, kw = null, vw = null;
        if (config.packedProjection()) {
            inProj = registerParameter("in_proj_weight", Tensor.zeros(3 * e, e));          // [3E, E]
        } else {
            qw = registerParameter("q_proj_weight", Tensor.zeros(e, e));                     // [E, E]
            kw = registerParameter("k_proj_weight", Tensor.zeros(e, config.kdim));          // [E, kdim]
            vw = registerParameter("v_proj_weight", Tensor.zeros(e, config.vdim));          // [E, vdim]
        }
        Tensor inBias = registerParameter("in_proj_bias", config.bias ? Tensor.zeros(3 * e) : null);
        Linear outProj = registerModule("out_proj", new Linear(e, e, config.bias, g));
        if (inProj != null) Init.xavierUniform_(inProj, g);
        for (Tensor w : new Tensor[] {qw, kw, vw}) if (w != null) Init.xavierUniform_(w, g);
        if (inBias != null) Init.zeros_(inBias);
        if (outProj.bias() != null) Init.zeros_(outProj.bias());
    }

    /** {@code new MultiheadAttention(Config.of(embedDim, numHeads), g)}. */
    public MultiheadAttention(int embedDim, int numHeads, Generator g) {
        this(Config.of(embedDim, numHeads), g);
    }

    public Config config() {
        return config;
    }

    /** Attention with PyTorch's default options (no masks, head-averaged weights returned). */
    public Output forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, Options.DEFAULT);
    }

    /** Attention; see the class comment for shapes and masks. Dropout on the weights is active in training mode. */
    public Output forward(Tensor query, Tensor key, Tensor value, Options options) {
        return functionalCall(config, namedParameters(), isTraining(), generator, query, key, value, options);
    }

    /** Self-attention output {@code forward(x, x, x, options).output()}. */
    public Tensor selfAttention(Tensor x, Options options) {
        return forward(x, x, x, options).output();
    }

    /**
     * The module's computation with parameters taken from {@code params} by their state-dict names
     * ({@code in_proj_weight}, {@code in_proj_bias}, {@code out_proj.weight}, ...), like
     * {@code torch.func.functional_call}: gradients flow to those tensors. {@code training} enables dropout, whose
     * masks come from {@code g}.
     */
    public static Output functionalCall(Config c, Map<String, Tensor> params, boolean training, Generator g,
                                        Tensor query, Tensor key, Tensor value, Options options) {
        return call(c, params, "", training, g, query, key, value, options);
    }

    static Tensor param(Map<String, Tensor> params, String name, boolean required, String owner) {
        Tensor t = params.get(name);
        if (t == null && required) throw new IllegalArgumentException(owner + ": missing parameter '" + name
                + "' (have " + params.keySet() + ")");
        return t;
    }

    static Output call(Config c, Map<String, Tensor> params, String prefix, boolean training, Generator g,
                       Tensor query, Tensor key, Tensor value, Options o) {
        int e = c.embedDim, h = c.numHeads;
        int rank = query.dim();
        if ((rank != 2 && rank != 3) || key.dim() != rank || value.dim() != rank) throw new IllegalArgumentException(OP
                + ": expected query, key and value all 3-D (batched) or all 2-D (unbatched), got query "
                + Shape.str(query.shape()) + ", key " + Shape.str(key.shape()) + ", value " + Shape.str(value.shape()));
        boolean unbatched = rank == 2;
        Tensor q = unbatched ? query.unsqueeze(0) : c.batchFirst ? query : query.transpose(0, 1);   // [B, L, E]
        Tensor k = unbatched ? key.unsqueeze(0) : c.batchFirst ? key : key.transpose(0, 1);         // [B, S, kdim]
        Tensor v = unbatched ? value.unsqueeze(0) : c.batchFirst ? value : value.transpose(0, 1);   // [B, S, vdim]
        int b = q.size(0), len = q.size(1), keys = k.size(1);
        if (q.size(2) != e || k.size(2) != c.kdim || v.size(2) != c.vdim || k.size(0) != b || v.size(0) != b
                || v.size(1) != keys) {
            String layout = unbatched ? "[L, E], [S, kdim], [S, vdim]" : c.batchFirst
                    ? "[B, L, E], [B, S, kdim], [B, S, vdim]" : "[L, B, E], [S, B, kdim], [S, B, vdim]";
            throw new IllegalArgumentException(OP + ": expected query, key, value of shapes " + layout + " with E="
                    + e + ", kdim=" + c.kdim + ", vdim=" + c.vdim + ", got " + Shape.str(query.shape()) + ", "
                    + Shape.str(key.shape()) + ", " + Shape.str(value.shape()));
        }
        boolean self = query == key && key == value;
        Tensor kpm = o.keyPaddingMask() == null ? null
                : unbatched && o.keyPaddingMask().dim() == 1 ? o.keyPaddingMask().unsqueeze(0) : o.keyPaddingMask();
        // An unbatched [H, L, S] attn_mask is already [B * H, L, S] with B = 1.
        Mask mask = mask(kpm, o.attnMask(), o.isCausal(), b, h, len, keys);
        float p = training ? c.dropout : 0f;
        if (self && c.packedProjection() && !o.needWeights() && mask.tensor == null && p == 0f
                && q.dtype() == DType.FLOAT32 && len > 0) {
            // Self-attention with one in-projection: heads read in place from [B, L, 3E], output already merged.
            Tensor packed = Linalg.linear(q, param(params, prefix + "in_proj_weight", true, OP),
                    param(params, prefix + "in_proj_bias", false, OP));                              // [B, L, 3E]
            Tensor out = Linalg.linear(FlashAttention.packedSelfAttention(packed, h, mask.causal),    // [B, L, E]
                    param(params, prefix + "out_proj.weight", true, OP), param(params, prefix + "out_proj.bias", false, OP));
            out = unbatched ? out.squeeze(0) : c.batchFirst ? out : out.transpose(0, 1).contiguous();
            return new Output(out, null);
        }
        Tensor[] qkv = project(c, params, prefix, q, k, v, self);                                  // [B, H, T, D]
        Tensor qh = qkv[0], kh = qkv[1], vh = qkv[2];
        Tensor attended, weights = null;                                                           // [B, H, L, D]
        if (o.needWeights()) {
            Attention.Result r = Attention.attentionWithWeights(qh, kh, vh, mask.tensor, p, mask.causal, null, false, g);
            attended = r.output();
            weights = o.averageAttnWeights() ? Reductions.mean(r.weights(), new int[] {1}, false) : r.weights();
            if (unbatched) weights = weights.squeeze(0);
        } else {
            attended = Attention.scaledDotProductAttention(qh, kh, vh, mask.tensor, p, mask.causal, null, false, g);
        }
        Tensor merged = attended.transpose(1, 2).reshape(b, len, e);                               // [B, L, E]
        Tensor out = Linalg.linear(merged, param(params, prefix + "out_proj.weight", true, OP),
                param(params, prefix + "out_proj.bias", false, OP));
        out = unbatched ? out.squeeze(0) : c.batchFirst ? out : out.transpose(0, 1).contiguous();
        return new Output(out, weights);
    }

    /** q [B, L, E], k [B, S, kdim], v [B, S, vdim] -> heads [B, H, T, D]. One GEMM for packed self-attention. */
    private static Tensor[] project(Config c, Map<String, Tensor> params, String prefix, Tensor q, Tensor k, Tensor v,
                                    boolean self) {
        int e = c.embedDim;
        Tensor bias = param(params, prefix + "in_proj_bias", false, OP);
        Tensor bq = bias == null ? null : bias.narrow(0, 0, e), bk = bias == null ? null : bias.narrow(0, e, e);
        Tensor bv = bias == null ? null : bias.narrow(0, 2 * e, e);
        if (c.packedProjection()) {
            Tensor w = param(params, prefix + "in_proj_weight", true, OP);                          // [3E, E]
            if (self) {
                // [B, L, 3E] -> [B, L, 3, H, D]: q, k, v are views of the one product
                Tensor qkv = Linalg.linear(q, w, bias).reshape(q.size(0), q.size(1), 3, c.numHeads, c.headDim());
                return new Tensor[] {qkv.select(2, 0).transpose(1, 2), qkv.select(2, 1).transpose(1, 2),
                    qkv.select(2, 2).transpose(1, 2)};
            }
            return new Tensor[] {heads(Linalg.linear(q, w.narrow(0, 0, e), bq), c),
                heads(Linalg.linear(k, w.narrow(0, e, e), bk), c), heads(Linalg.linear(v, w.narrow(0, 2 * e, e), bv), c)};
        }
        return new Tensor[] {heads(Linalg.linear(q, param(params, prefix + "q_proj_weight", true, OP), bq), c),
            heads(Linalg.linear(k, param(params, prefix + "k_proj_weight", true, OP), bk), c),
            heads(Linalg.linear(v, param(params, prefix + "v_proj_weight", true, OP), bv), c)};
    }

    /** [B, T, E] -> [B, H, T, D] (a view of a contiguous projection). */
    private static Tensor heads(Tensor x, Config c) {
        return x.reshape(x.size(0), x.size(1), c.numHeads, c.headDim()).transpose(1, 2);
    }

    /** The mask handed to sdpa (bool: true = attend, or float additive) and whether to ask sdpa for causality. */
    private record Mask(Tensor tensor, boolean causal) {}

    private static Mask mask(Tensor kpm, Tensor am, boolean isCausal, int b, int h, int len, int keys) {
        if (kpm != null && !(kpm.dim() == 2 && kpm.size(0) == b && kpm.size(1) == keys)) {
            throw new IllegalArgumentException(OP + ": key_padding_mask must have shape [B, S] = [" + b + ", " + keys
                    + "], got " + Shape.str(kpm.shape()));
        }
        if (am != null && !(am.dim() == 2 && am.size(0) == len && am.size(1) == keys)
                && !(am.dim() == 3 && am.size(0) == b * h && am.size(1) == len && am.size(2) == keys)) {
            throw new IllegalArgumentException(OP + ": attn_mask must have shape [L, S] = [" + len + ", " + keys
                    + "] or [B * num_heads, L, S] = [" + b * h + ", " + len + ", " + keys + "], got "
                    + Shape.str(am.shape()));
        }
        for (Tensor m : new Tensor[] {kpm, am}) {
            if (m != null && m.dtype() == DType.INT64) throw new IllegalArgumentException(OP + ": masks must be bool "
                    + "(true = not allowed) or float (added), got an int64 mask of shape " + Shape.str(m.shape()));
        }
        if (am == null && isCausal && kpm == null) return new Mask(null, true);   // sdpa's causal path (fused kernel)
        if (am == null && isCausal) am = causalBlocked(len, keys);
        Tensor a = am == null ? null : am.dim() == 3 ? am.reshape(b, h, len, keys) : am;   // [L, S] or [B, H, L, S]
        Tensor kp = kpm == null ? null : kpm.reshape(b, 1, 1, keys);                       // [B, 1, 1, S]
        if (a == null && kp == null) return new Mask(null, false);
        if (a == null || kp == null) {
            Tensor m = a != null ? a : kp;
            return new Mask(m.dtype() == DType.BOOL ? not(m) : m, false);
        }
        if (a.dtype() == DType.BOOL && kp.dtype() == DType.BOOL) {
            return new Mask(not(Elementwise.maximum(a.toFloat(), kp.toFloat()).gt(0.5f)), false);
        }
        return new Mask(Elementwise.add(additive(a), additive(kp)), false);
    }

    /** A bool "not allowed" mask as PyTorch's float mask (-inf where true); float masks pass through. */
    private static Tensor additive(Tensor m) {
        if (m.dtype() != DType.BOOL) return m;
        boolean[] src = m.contiguous().toBoolArray();
        float[] f = new float[src.length];
        for (int i = 0; i < f.length; i++) f[i] = src[i] ? Float.NEGATIVE_INFINITY : 0f;
        return Tensor.of(f, m.shape());
    }

    /** Logical not of a bool mask (PyTorch's "not allowed" to sdpa's "attend"). */
    private static Tensor not(Tensor m) {
        boolean[] src = m.contiguous().toBoolArray(), out = new boolean[src.length];
        for (int i = 0; i < out.length; i++) out[i] = !src[i];
        return Tensor.ofBools(out, m.shape());
    }

    /** [L, S] bool, true above the diagonal (key j > query i is not allowed). */
    static Tensor causalBlocked(int len, int keys) {
        boolean[] m = new boolean[len * keys];
        for (int i = 0; i < len; i++) for (int j = i + 1; j < keys; j++) m[i * keys + j] = true;
        return Tensor.ofBools(m, len, keys);
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + config.embedDim + ", num_heads=" + config.numHeads + ", dropout=" + Repr.num(config.dropout)
                + ", batch_first=" + config.batchFirst;
    }
}
