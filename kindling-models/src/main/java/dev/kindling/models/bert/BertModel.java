// BertModel: the BERT encoder with pooler (HF BertModel: embeddings, encoder.layer.N, pooler.dense), for
// sentence embeddings and fine-tuning. Padding is an attention mask on keys; every op records gradients.
package dev.kindling.models.bert;

import dev.kindling.models.hf.HfLinear;
import dev.kindling.nn.Module;
import dev.kindling.nn.ModuleList;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * BERT encoder with Hugging Face state-dict names ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.0.attention.self.query.weight}, ..., {@code pooler.dense.weight}).
 *
 * <p>Shape: inputIds int64 {@code [B, T]}, attentionMask {@code [B, T]} (1 = token, 0 = padding; int64, bool or
 * float) or null, tokenTypeIds int64 {@code [B, T]} or null -> {@code lastHiddenState [B, T, H]},
 * {@code poolerOutput [B, H]} (null without a pooler).
 *
 * <p>Example:
 * <pre>{@code
 * BertModel bert = HfModels.loadBert(Path.of("models/bert"));
 * BertModel.Output out = bert.forward(ids, mask, null);
 * Tensor cls = out.poolerOutput();              // [B, H]
 * }</pre>
 */
public final class BertModel extends Module {
    /** The encoder's outputs. */
    public record Output(Tensor lastHiddenState, Tensor poolerOutput) {}

    private final BertConfig cfg;
    private final BertEmbeddings embeddings;
    private final Encoder encoder;
    private final Pooler pooler;

    /**
     * A model with HF's random init drawn from g (normal(0, initializer_range)), or zeros to be loaded when g is null.
     * Dropout (training mode only) draws from g, or from a fixed seed when g is null.
     */
    public BertModel(BertConfig cfg, Generator g) {
        this.cfg = cfg;
        Generator dropoutGen = g != null ? g : new Generator(0);
        embeddings = registerModule("embeddings", new BertEmbeddings(cfg, g, dropoutGen));
        encoder = registerModule("encoder", new Encoder(cfg, g, dropoutGen));
        pooler = cfg.addPoolingLayer() ? registerModule("pooler", new Pooler(cfg, g)) : null;
    }

    public BertConfig config() {
        return cfg;
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }

    /** Encodes a batch; see the class comment for shapes. */
    public Output forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        inputIds.requireDType("BertModel", DType.INT64);
        if (inputIds.dim() != 2) throw new IllegalArgumentException("BertModel: inputIds must be [B, T], got "
                + Shape.str(inputIds.shape()));
        for (Tensor t : new Tensor[] {attentionMask, tokenTypeIds}) {
            if (t != null && !Shape.same(t.shape(), inputIds.shape())) throw new IllegalArgumentException("BertModel: "
                    + "attentionMask and tokenTypeIds must have the shape of inputIds " + Shape.str(inputIds.shape())
                    + ", got " + Shape.str(t.shape()));
        }
        Tensor keyMask = keyMask(attentionMask);                                // [B, 1, 1, T] or null
        Tensor x = embeddings.forward(inputIds, tokenTypeIds);                  // [B, T, H]
        for (BertLayer layer : encoder.layer) x = layer.forward(x, keyMask);
        return new Output(x, pooler == null ? null : pooler.forward(x));
    }

    /** Encodes unpadded sequences of token type 0: {@code forward(inputIds, null, null)}. */
    public Output encode(Tensor inputIds) {
        return forward(inputIds, null, null);
    }

    /** The padding mask as a bool "may attend" mask over keys, or null when nothing is masked. */
    private static Tensor keyMask(Tensor mask) {
        if (mask == null) return null;
        int b = mask.size(0), t = mask.size(1);
        boolean[] keep = new boolean[b * t];
        boolean all = true;
        switch (mask.dtype()) {
            case INT64 -> {
                long[] m = mask.toLongArray();
                for (int i = 0; i < keep.length; i++) all &= keep[i] = m[i] != 0;
            }
            case BOOL -> {
                boolean[] m = mask.toBoolArray();
                for (int i = 0; i < keep.length; i++) all &= keep[i] = m[i];
            }
            case FLOAT32 -> {
                float[] m = mask.toFloatArray();
                for (int i = 0; i < keep.length; i++) all &= keep[i] = m[i] != 0;
            }
        }
        return all ? null : Tensor.ofBools(keep, b, 1, 1, t);
    }

    /** {@code encoder}: the stack of layers under {@code encoder.layer.N}. */
    static final class Encoder extends Module {
        final ModuleList<BertLayer> layer;

        Encoder(BertConfig cfg, Generator g, Generator dropoutGen) {
            layer = registerModule("layer", new ModuleList<>());
            for (int i = 0; i < cfg.numHiddenLayers(); i++) layer.add(new BertLayer(cfg, g, dropoutGen));
        }
    }

    /** {@code pooler}: {@code tanh(dense(hidden[:, 0]))}. */
    static final class Pooler extends Module {
        private final HfLinear dense;

        Pooler(BertConfig cfg, Generator g) {
            dense = registerModule("dense", new HfLinear(cfg.hiddenSize(), cfg.hiddenSize(), true, g,
                    cfg.initializerRange()));
        }

        @Override
        public Tensor forward(Tensor hidden) {
            return dense.forward(hidden.select(1, 0)).tanh();   // [B, T, H] -> [B, H]
        }
    }
}
