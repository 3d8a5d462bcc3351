// BertEmbeddings: word + absolute position + token type embeddings, then LayerNorm and dropout (HF BertEmbeddings:
// word_embeddings, position_embeddings, token_type_embeddings, LayerNorm).
package dev.kindling.models.bert;

import dev.kindling.nn.Dropout;
import dev.kindling.nn.Embedding;
import dev.kindling.nn.Init;
import dev.kindling.nn.LayerNorm;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** Input embeddings. Shape: ids, token types int64 {@code [B, T]} -> {@code [B, T, H]}. */
public final class BertEmbeddings extends Module {
    private final Embedding wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings;
    private final LayerNorm layerNorm;
    private final Dropout dropout;

    /** g null leaves zeros (LayerNorm ones/zeros) for loading; dropout draws from {@code dropoutGen}. */
    public BertEmbeddings(BertConfig cfg, Generator g, Generator dropoutGen) {
        wordEmbeddings = registerModule("word_embeddings", table(cfg.vocabSize(), cfg, g));
        positionEmbeddings = registerModule("position_embeddings", table(cfg.maxPositionEmbeddings(), cfg, g));
        tokenTypeEmbeddings = registerModule("token_type_embeddings", table(cfg.typeVocabSize(), cfg, g));
        layerNorm = registerModule("LayerNorm", new LayerNorm(new int[] {cfg.hiddenSize()}, cfg.layerNormEps(), true));
        dropout = registerModule("dropout", new Dropout(cfg.hiddenDropout(), dropoutGen));
    }

    private static Embedding table(int rows, BertConfig cfg, Generator g) {
        Tensor w = Tensor.zeros(rows, cfg.hiddenSize());
        if (g != null) Init.normal_(w, 0, cfg.initializerRange(), g);
        return Embedding.fromPretrained(w, false);
    }

    /** The word embedding table {@code [V, H]}. */
    public Tensor wordEmbeddings() {
        return wordEmbeddings.weight();
    }

    /** Embeddings of ids at positions {@code 0 .. T-1}; tokenTypeIds null means all type 0. */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
        int b = inputIds.size(0), t = inputIds.size(1);
        int maxPos = positionEmbeddings.weight().size(0);
        if (t > maxPos) throw new IllegalArgumentException("BertEmbeddings: sequence length " + t
                + " exceeds max_position_embeddings " + maxPos);
        Tensor types = tokenTypeIds != null ? tokenTypeIds : Tensor.empty(dev.kindling.tensor.DType.INT64, b, t);
        Tensor x = wordEmbeddings.forward(inputIds)                                   // [B, T, H]
                .add(tokenTypeEmbeddings.forward(types))                              // [B, T, H]
                .add(positionEmbeddings.weight().narrow(0, 0, t));                    // [T, H] broadcast
        return dropout.forward(layerNorm.forward(x));
    }
}
