// LlamaModel: the Llama decoder stack without its head (HF LlamaModel: embed_tokens, layers, norm). Computes the
// rotary tables once per forward for the positions that follow the cache.
package dev.kindling.models.llama;

import dev.kindling.models.generation.KVCache;
import dev.kindling.nn.Embedding;
import dev.kindling.nn.Init;
import dev.kindling.nn.Module;
import dev.kindling.nn.ModuleList;
import dev.kindling.nn.RMSNorm;
import dev.kindling.ops.Rotary;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Llama decoder. Shape: ids int64 {@code [B, T]} -> hidden states {@code [B, T, C]} (after the final norm). */
public final class LlamaModel extends Module {
    private final LlamaConfig cfg;
    private final Embedding embedTokens;
    private final ModuleList<LlamaDecoderLayer> layers;
    private final RMSNorm norm;

    /** g null leaves zeros (norm weights ones) for loading; else HF's init (normal(0, 0.02)). */
    public LlamaModel(LlamaConfig cfg, Generator g) {
        this.cfg = cfg;
        Tensor table = Tensor.zeros(cfg.vocabSize(), cfg.hiddenSize());   // [V, C]
        if (g != null) Init.normal_(table, 0, 0.02, g);
        embedTokens = registerModule("embed_tokens", Embedding.fromPretrained(table, false));
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < cfg.numHiddenLayers(); i++) layers.add(new LlamaDecoderLayer(cfg, i, g));
        norm = registerModule("norm", new RMSNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
    }

    /** The token embedding table {@code [V, C]}. */
    public Tensor embedTokens() {
        return embedTokens.weight();
    }

    /** Hidden states for ids following the cache's positions; advances the cache by T. */
    public Tensor forward(Tensor ids, KVCache cache) {
        ids.requireDType("LlamaModel", DType.INT64);
        if (ids.dim() != 2) throw new IllegalArgumentException("LlamaModel: ids must be [B, T], got "
                + Shape.str(ids.shape()));
        int t = ids.size(1), past = cache == null ? 0 : cache.length();
        if (past + t > cfg.maxPositionEmbeddings()) throw new IllegalArgumentException("LlamaModel: " + past + " cached"
                + " + " + t + " new positions exceed max_position_embeddings " + cfg.maxPositionEmbeddings());
        Tensor[] cs = Rotary.cosSin(past, t, cfg.headDim(), cfg.ropeTheta(), cfg.ropeScaling());   // [T, D] each
        Tensor x = embedTokens.forward(ids);                                                      // [B, T, C]
        for (LlamaDecoderLayer layer : layers) x = layer.forward(x, cs[0], cs[1], cache);
        if (cache != null) cache.advance(t);
        return norm.forward(x);
    }
}
