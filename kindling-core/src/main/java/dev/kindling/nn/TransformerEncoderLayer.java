// TransformerEncoderLayer: torch.nn.TransformerEncoderLayer (self-attention + feed-forward, each with residual,
// dropout and LayerNorm; post-norm by default, pre-norm with normFirst) with PyTorch's submodule names
// (self_attn, linear1, linear2, norm1, norm2). Its Config is shared with TransformerDecoderLayer.
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Elementwise;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Norms;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Map;

/**
 * One Transformer encoder block.
 *
 * <p>Post-norm: {@code x = norm1(x + sa(x)); x = norm2(x + ff(x))}. Pre-norm ({@code normFirst}):
 * {@code x = x + sa(norm1(x)); x = x + ff(norm2(x))}, with {@code ff(x) = linear2(dropout(act(linear1(x))))}.
 *
 * <p>Shape: src {@code [B, T, dModel]} with batchFirst, else {@code [T, B, dModel]} (PyTorch's default), or
 * unbatched {@code [T, dModel]}; output the same. Masks as {@link MultiheadAttention} (bool true = not allowed).
 *
 * <p>Example: {@code var layer = new TransformerEncoderLayer(Config.of(256, 8).withBatchFirst(true).withNormFirst(true), g);
 * Tensor y = layer.forward(x, null, paddingMask, false); // [B, T, 256]}
 */
public class TransformerEncoderLayer extends Module {
    /**
     * Constructor arguments of PyTorch's TransformerEncoderLayer / TransformerDecoderLayer: activation is "relu"
     * or "gelu" (exact erf form).
     */
    public record Config(int dModel, int nhead, int dimFeedforward, float dropout, String activation,
                         float layerNormEps, boolean batchFirst, boolean normFirst, boolean bias) {
        public Config {
            if (dimFeedforward <= 0) throw new IllegalArgumentException("Transformer layer: dim_feedforward must be "
                    + "positive, got " + dimFeedforward);
            if (!activation.equals("relu") && !activation.equals("gelu")) throw new IllegalArgumentException(
                    "Transformer layer: activation must be \"relu\" or \"gelu\", got \"" + activation + "\"");
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("Transformer layer: dropout must be "
                    + "in [0, 1), got " + dropout);
            attention(dModel, nhead, dropout, bias, batchFirst);   // validates dModel / nhead
        }

        /** PyTorch's defaults: dim_feedforward 2048, dropout 0.1, relu, eps 1e-5, sequence-first, post-norm, bias. */
        public static Config of(int dModel, int nhead) {
            return new Config(dModel, nhead, 2048, 0.1f, "relu", 1e-5f, false, false, true);
        }

        public Config withDimFeedforward(int n) {
            return new Config(dModel, nhead, n, dropout, activation, layerNormEps, batchFirst, normFirst, bias);
        }

        public Config withDropout(float p) {
            return new Config(dModel, nhead, dimFeedforward, p, activation, layerNormEps, batchFirst, normFirst, bias);
        }

        public Config withActivation(String a) {
            return new Config(dModel, nhead, dimFeedforward, dropout, a, layerNormEps, batchFirst, normFirst, bias);
        }

        public Config withLayerNormEps(float eps) {
            return new Config(dModel, nhead, dimFeedforward, dropout, activation, eps, batchFirst, normFirst, bias);
        }

        public Config withBatchFirst(boolean on) {
            return new Config(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, on, normFirst, bias);
        }

        public Config withNormFirst(boolean on) {
            return new Config(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, on, bias);
        }

        public Config withBias(boolean on) {
            return new Config(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, on);
        }

        /** The attention sublayers' config. */
        public MultiheadAttention.Config attention() {
            return attention(dModel, nhead, dropout, bias, batchFirst);
        }

        private static MultiheadAttention.Config attention(int d, int h, float p, boolean bias, boolean batchFirst) {
            return new MultiheadAttention.Config(d, h, p, bias, d, d, batchFirst);
        }
    }

    private final Config config;
    private final Generator generator;

    /** Submodules in PyTorch's order (self_attn, linear1, linear2, norm1, norm2), parameters drawn from {@code g}. */
    public TransformerEncoderLayer(Config config, Generator g) {
        this.config = config;
        this.generator = g;
        registerModule("self_attn", new MultiheadAttention(config.attention(), g));
        registerFeedForwardAndNorms(this, config, g, 2);
    }

    /** linear1, linear2 and norm1..norms, shared with the decoder layer. */
    static void registerFeedForwardAndNorms(Module m, Config c, Generator g, int norms) {
        m.registerModule("linear1", new Linear(c.dModel, c.dimFeedforward, c.bias, g));
        m.registerModule("linear2", new Linear(c.dimFeedforward, c.dModel, c.bias, g));
        for (int i = 1; i <= norms; i++) {
            m.registerModule("norm" + i, new LayerNorm(new int[] {c.dModel}, c.layerNormEps, true, c.bias));
        }
    }

    public Config config() {
        return config;
    }

    /** {@code forward(src, null, null, false)}. */
    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    /**
     * Args: srcMask {@code [T, T]} or {@code [B * nhead, T, T]} (bool true = not allowed, or float added);
     * srcKeyPaddingMask {@code [B, T]} (true = padding); isCausal: causal self-attention (srcMask may be null).
     */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask, boolean isCausal) {
        return call(config, namedParameters(), "", isTraining(), generator, src, srcMask, srcKeyPaddingMask, isCausal);
    }

    /**
     * The layer's computation with parameters taken from {@code params} by state-dict name
     * ({@code self_attn.in_proj_weight}, {@code linear1.weight}, {@code norm1.bias}, ...), like
     * {@code torch.func.functional_call}; gradients flow to those tensors. Dropout (when {@code training}) draws
     * its masks from {@code g}.
     */
    public static Tensor functionalCall(Config c, Map<String, Tensor> params, boolean training, Generator g,
                                        Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask, boolean isCausal) {
        return call(c, params, "", training, g, src, srcMask, srcKeyPaddingMask, isCausal);
    }

    static Tensor call(Config c, Map<String, Tensor> p, String prefix, boolean training, Generator g, Tensor src,
                       Tensor srcMask, Tensor keyPadding, boolean isCausal) {
        float drop = training ? c.dropout : 0f;
        MultiheadAttention.Options opts = new MultiheadAttention.Options(keyPadding, false, srcMask, true, isCausal);
        Tensor x = src;
        if (c.normFirst) {
            Tensor h = norm(c, p, prefix + "norm1.", x);
            x = Elementwise.add(x, dropout(selfAttention(c, p, prefix, training, g, h, opts), drop, g));
            x = Elementwise.add(x, feedForward(c, p, prefix, drop, g, norm(c, p, prefix + "norm2.", x)));
        } else {
            x = norm(c, p, prefix + "norm1.", Elementwise.add(x,
                    dropout(selfAttention(c, p, prefix, training, g, x, opts), drop, g)));
            x = norm(c, p, prefix + "norm2.", Elementwise.add(x, feedForward(c, p, prefix, drop, g, x)));
        }
        return x;
    }

    private static Tensor selfAttention(Config c, Map<String, Tensor> p, String prefix, boolean training, Generator g,
                                        Tensor x, MultiheadAttention.Options opts) {
        return MultiheadAttention.call(c.attention(), p, prefix + "self_attn.", training, g, x, x, x, opts).output();
    }

    /** dropout(linear2(dropout(act(linear1(x))))): the feed-forward block with its trailing dropout. */
    static Tensor feedForward(Config c, Map<String, Tensor> p, String prefix, float drop, Generator g, Tensor x) {
        String owner = "Transformer layer";
        Tensor h = Linalg.linear(x, MultiheadAttention.param(p, prefix + "linear1.weight", true, owner),
                MultiheadAttention.param(p, prefix + "linear1.bias", false, owner));       // [..., dim_feedforward]
        h = c.activation.equals("gelu") ? Activations.gelu(h) : Activations.relu(h);
        h = Linalg.linear(dropout(h, drop, g), MultiheadAttention.param(p, prefix + "linear2.weight", true, owner),
                MultiheadAttention.param(p, prefix + "linear2.bias", false, owner));       // [..., dModel]
        return dropout(h, drop, g);
    }

    static Tensor norm(Config c, Map<String, Tensor> p, String prefix, Tensor x) {
        return Norms.layerNorm(x, new int[] {c.dModel}, MultiheadAttention.param(p, prefix + "weight", true,
                "Transformer layer"), MultiheadAttention.param(p, prefix + "bias", false, "Transformer layer"),
                c.layerNormEps);
    }

    /** Inverted dropout with masks from {@code g}; the identity when p = 0. */
    static Tensor dropout(Tensor x, float p, Generator g) {
        if (p == 0f) return x;
        float keep = 1f / (1f - p);
        float[] m = new float[x.numel()];
        for (int i = 0; i < m.length; i++) m[i] = g.nextFloat() < p ? 0f : keep;
        return Elementwise.mul(x, Tensor.of(m, x.shape()));
    }

    @Override
    protected String extraRepr() {
        return "norm_first=" + config.normFirst + ", activation=" + config.activation;
    }
}
