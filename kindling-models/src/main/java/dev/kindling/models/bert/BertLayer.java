// BertLayer: one post-norm BERT encoder block with Hugging Face's nesting, so state-dict keys match:
// attention.self.{query,key,value}, attention.output.{dense,LayerNorm}, intermediate.dense, output.{dense,LayerNorm}.
package dev.kindling.models.bert;

import dev.kindling.models.hf.HfLinear;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.LayerNorm;
import dev.kindling.nn.Module;
import dev.kindling.ops.Activations;
import dev.kindling.ops.Attention;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Encoder block: {@code h = LN(x + attn(x))}, {@code out = LN(h + W2 act(W1 h))}.
 *
 * <p>Shape: x {@code [B, T, H]}, keyMask bool {@code [B, 1, 1, T]} (true = attend) or null -> {@code [B, T, H]}.
 */
public final class BertLayer extends Module {
    private final AttentionBlock attention;
    private final Dense intermediate;
    private final DenseNorm output;
    private final String act;

    /** g null leaves zeros (LayerNorm ones/zeros) for loading; dropout draws from {@code dropoutGen}. */
    public BertLayer(BertConfig cfg, Generator g, Generator dropoutGen) {
        attention = registerModule("attention", new AttentionBlock(cfg, g, dropoutGen));
        intermediate = registerModule("intermediate", new Dense(cfg.hiddenSize(), cfg.intermediateSize(), cfg, g));
        output = registerModule("output", new DenseNorm(cfg.intermediateSize(), cfg, g, dropoutGen));
        act = cfg.hiddenAct();
    }

    public Tensor forward(Tensor x, Tensor keyMask) {
        Tensor h = attention.forward(x, keyMask);                                   // [B, T, H]
        return output.forward(activation(intermediate.forward(h)), h);             // [B, T, H]
    }

    private Tensor activation(Tensor x) {
        return switch (act) {
            case "gelu" -> Activations.gelu(x, "none");
            case "gelu_new", "gelu_pytorch_tanh" -> Activations.gelu(x, "tanh");
            case "relu" -> Activations.relu(x);
            default -> Activations.silu(x);
        };
    }

    /** {@code attention}: self-attention and its output projection + residual LayerNorm. */
    static final class AttentionBlock extends Module {
        private final SelfAttention self;
        private final DenseNorm output;

        AttentionBlock(BertConfig cfg, Generator g, Generator dropoutGen) {
            self = registerModule("self", new SelfAttention(cfg, g));
            output = registerModule("output", new DenseNorm(cfg.hiddenSize(), cfg, g, dropoutGen));
        }

        Tensor forward(Tensor x, Tensor keyMask) {
            return output.forward(self.forward(x, keyMask), x);
        }
    }

    /** {@code attention.self}: multi-head scaled dot-product attention over query/key/value projections. */
    static final class SelfAttention extends Module {
        private final HfLinear query, key, value;
        private final int heads, headDim;

        SelfAttention(BertConfig cfg, Generator g) {
            int h = cfg.hiddenSize();
            heads = cfg.numAttentionHeads();
            headDim = cfg.headDim();
            query = registerModule("query", new HfLinear(h, h, true, g, cfg.initializerRange()));
            key = registerModule("key", new HfLinear(h, h, true, g, cfg.initializerRange()));
            value = registerModule("value", new HfLinear(h, h, true, g, cfg.initializerRange()));
        }

        Tensor forward(Tensor x, Tensor keyMask) {
            int b = x.size(0), t = x.size(1);
            Tensor q = query.forward(x).view(b, t, heads, headDim).permute(0, 2, 1, 3);   // [B, nH, T, D]
            Tensor k = key.forward(x).view(b, t, heads, headDim).permute(0, 2, 1, 3);
            Tensor v = value.forward(x).view(b, t, heads, headDim).permute(0, 2, 1, 3);
            Tensor ctx = Attention.scaledDotProductAttention(q, k, v, keyMask, false, null);   // [B, nH, T, D]
            return ctx.permute(0, 2, 1, 3).reshape(b, t, heads * headDim);                   // [B, T, H]
        }
    }

    /** {@code intermediate}: {@code dense} to the MLP width (the activation is applied by the layer). */
    static final class Dense extends Module {
        private final HfLinear dense;

        Dense(int in, int out, BertConfig cfg, Generator g) {
            dense = registerModule("dense", new HfLinear(in, out, true, g, cfg.initializerRange()));
        }

        @Override
        public Tensor forward(Tensor x) {
            return dense.forward(x);
        }
    }

    /** {@code ...output}: {@code LayerNorm(dropout(dense(x)) + residual)}. */
    static final class DenseNorm extends Module {
        private final HfLinear dense;
        private final LayerNorm layerNorm;
        private final Dropout dropout;

        DenseNorm(int in, BertConfig cfg, Generator g, Generator dropoutGen) {
            dense = registerModule("dense", new HfLinear(in, cfg.hiddenSize(), true, g, cfg.initializerRange()));
            layerNorm = registerModule("LayerNorm", new LayerNorm(new int[] {cfg.hiddenSize()}, cfg.layerNormEps(),
                    true));
            dropout = registerModule("dropout", new Dropout(cfg.hiddenDropout(), dropoutGen));
        }

        Tensor forward(Tensor x, Tensor residual) {
            return layerNorm.forward(dropout.forward(dense.forward(x)).add(residual));
        }
    }
}
