// TransformerDecoderLayer: torch.nn.TransformerDecoderLayer (self-attention, cross-attention over the encoder's
// memory, feed-forward; each with residual, dropout and LayerNorm, post- or pre-norm) with PyTorch's names:
// self_attn, multihead_attn, linear1, linear2, norm1..norm3. Options: TransformerEncoderLayer.Config.
package dev.kindling.nn;

import dev.kindling.ops.Elementwise;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Map;

/**
 * One Transformer decoder block.
 *
 * <p>Post-norm: {@code x = norm1(x + sa(x)); x = norm2(x + mha(x, memory)); x = norm3(x + ff(x))}; pre-norm
 * ({@code normFirst}): {@code x = x + sa(norm1(x)); x = x + mha(norm2(x), memory); x = x + ff(norm3(x))}.
 *
 * <p>Shape: tgt {@code [B, T, dModel]} and memory {@code [B, S, dModel]} with batchFirst, else sequence-first
 * {@code [T, B, dModel]} / {@code [S, B, dModel]} -> same as tgt. Masks as {@link MultiheadAttention}.
 *
 * <p>Example: {@code y = decoderLayer.forward(tgt, memory, null, null, tgtPadding, memPadding, true, false);}
 */
public class TransformerDecoderLayer extends Module {
    private final TransformerEncoderLayer.Config config;
    private final Generator generator;

    /** Submodules in PyTorch's order, parameters drawn from {@code g}. */
    public TransformerDecoderLayer(TransformerEncoderLayer.Config config, Generator g) {
        this.config = config;
        this.generator = g;
        registerModule("self_attn", new MultiheadAttention(config.attention(), g));
        registerModule("multihead_attn", new MultiheadAttention(config.attention(), g));
        TransformerEncoderLayer.registerFeedForwardAndNorms(this, config, g, 3);
    }

    public TransformerEncoderLayer.Config config() {
        return config;
    }

    /** {@code forward(tgt, memory, null, null, null, null, false, false)}. */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null, false, false);
    }

    /**
     * Args (PyTorch's): tgtMask {@code [T, T]}, memoryMask {@code [T, S]} (or {@code [B * nhead, ., .]}; bool true
     * = not allowed, or float added), tgtKeyPaddingMask {@code [B, T]}, memoryKeyPaddingMask {@code [B, S]}
     * (true = padding), tgtIsCausal: causal self-attention (tgtMask may be null), memoryIsCausal likewise for the
     * cross-attention.
     */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask, boolean tgtIsCausal, boolean memoryIsCausal) {
        return call(config, namedParameters(), "", isTraining(), generator, tgt, memory, tgtMask, memoryMask,
                tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal);
    }

    /**
     * The layer's computation with parameters taken from {@code params} by state-dict name, like
     * {@code torch.func.functional_call} (see {@link TransformerEncoderLayer#functionalCall}).
     */
    public static Tensor functionalCall(TransformerEncoderLayer.Config c, Map<String, Tensor> params, boolean training,
                                        Generator g, Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask,
                                        Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask, boolean tgtIsCausal,
                                        boolean memoryIsCausal) {
        return call(c, params, "", training, g, tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask,
                memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal);
    }

    static Tensor call(TransformerEncoderLayer.Config c, Map<String, Tensor> p, String prefix, boolean training,
                       Generator g, Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtPadding,
                       Tensor memoryPadding, boolean tgtIsCausal, boolean memoryIsCausal) {
        float drop = training ? c.dropout() : 0f;
        var self = new MultiheadAttention.Options(tgtPadding, false, tgtMask, true, tgtIsCausal);
        var cross = new MultiheadAttention.Options(memoryPadding, false, memoryMask, true, memoryIsCausal);
        MultiheadAttention.Config ac = c.attention();
        Tensor x = tgt;
        if (c.normFirst()) {
            Tensor h = TransformerEncoderLayer.norm(c, p, prefix + "norm1.", x);
            x = Elementwise.add(x, TransformerEncoderLayer.dropout(MultiheadAttention.call(ac, p, prefix + "self_attn.",
                    training, g, h, h, h, self).output(), drop, g));
            h = TransformerEncoderLayer.norm(c, p, prefix + "norm2.", x);
            x = Elementwise.add(x, TransformerEncoderLayer.dropout(MultiheadAttention.call(ac, p,
                    prefix + "multihead_attn.", training, g, h, memory, memory, cross).output(), drop, g));
            h = TransformerEncoderLayer.norm(c, p, prefix + "norm3.", x);
            x = Elementwise.add(x, TransformerEncoderLayer.feedForward(c, p, prefix, drop, g, h));
        } else {
            Tensor sa = MultiheadAttention.call(ac, p, prefix + "self_attn.", training, g, x, x, x, self).output();
            x = TransformerEncoderLayer.norm(c, p, prefix + "norm1.",
                    Elementwise.add(x, TransformerEncoderLayer.dropout(sa, drop, g)));
            Tensor ca = MultiheadAttention.call(ac, p, prefix + "multihead_attn.", training, g, x, memory, memory,
                    cross).output();
            x = TransformerEncoderLayer.norm(c, p, prefix + "norm2.",
                    Elementwise.add(x, TransformerEncoderLayer.dropout(ca, drop, g)));
            x = TransformerEncoderLayer.norm(c, p, prefix + "norm3.",
                    Elementwise.add(x, TransformerEncoderLayer.feedForward(c, p, prefix, drop, g, x)));
        }
        return x;
    }

    @Override
    protected String extraRepr() {
        return "norm_first=" + config.normFirst() + ", activation=" + config.activation();
    }
}
