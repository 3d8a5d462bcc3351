// BertConfig: the hyper-parameters of a BERT encoder, named after Hugging Face's BertConfig so a checkpoint's
// config.json maps field by field (hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, ...).
package dev.kindling.models.bert;

import dev.kindling.models.hf.HfConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * BERT configuration.
 *
 * <p>Args: vocabSize; hiddenSize; numHiddenLayers; numAttentionHeads (must divide hiddenSize); intermediateSize;
 * hiddenAct — "gelu" (exact erf), "gelu_new"/"gelu_pytorch_tanh" (tanh approximation), "relu" or "silu";
 * maxPositionEmbeddings; typeVocabSize; layerNormEps; hiddenDropout — dropout on embeddings and residual branches
 * in training mode; initializerRange — std of the normal init; addPoolingLayer — whether the model has
 * {@code pooler.dense}.
 *
 * <p>Example: {@code BertConfig cfg = BertConfig.fromJson(Path.of("models/bert/config.json"));}
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                         int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize,
                         float layerNormEps, float hiddenDropout, float initializerRange, boolean addPoolingLayer) {
    public BertConfig {
        if (vocabSize <= 0 || hiddenSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0
                || intermediateSize <= 0 || maxPositionEmbeddings <= 0 || typeVocabSize <= 0) {
            throw new IllegalArgumentException("BertConfig: sizes must be positive, got vocab_size=" + vocabSize
                    + ", hidden_size=" + hiddenSize + ", num_hidden_layers=" + numHiddenLayers
                    + ", num_attention_heads=" + numAttentionHeads + ", intermediate_size=" + intermediateSize
                    + ", max_position_embeddings=" + maxPositionEmbeddings + ", type_vocab_size=" + typeVocabSize);
        }
        if (hiddenSize % numAttentionHeads != 0) throw new IllegalArgumentException("BertConfig: hidden_size "
                + hiddenSize + " must be divisible by num_attention_heads " + numAttentionHeads);
        switch (hiddenAct) {
            case "gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swish" -> { }
            default -> throw new IllegalArgumentException("BertConfig: unsupported hidden_act '" + hiddenAct
                    + "' (expected gelu, gelu_new, gelu_pytorch_tanh, relu or silu)");
        }
        if (!(hiddenDropout >= 0 && hiddenDropout < 1)) throw new IllegalArgumentException("BertConfig: "
                + "hidden_dropout_prob must be in [0, 1), got " + hiddenDropout);
    }

    /** Per-head size. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** This config with or without the pooler. */
    public BertConfig withPoolingLayer(boolean pool) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropout, initializerRange, pool);
    }

    /** Reads a Hugging Face {@code config.json} (the file or its folder). */
    public static BertConfig fromJson(Path configJson) throws IOException {
        return from(HfConfig.read(configJson));
    }

    /** Builds the config from a parsed config.json (HF defaults for absent keys; the pooler is included). */
    public static BertConfig from(HfConfig c) {
        String type = c.modelType();
        if (!type.equals("bert") && !type.isEmpty()) throw c.error("model_type is '" + type + "', expected 'bert'");
        String pos = c.getString("position_embedding_type", "absolute");
        if (!pos.equals("absolute")) throw c.error("position_embedding_type '" + pos + "' is not supported "
                + "(only absolute)");
        if (c.getBoolean("is_decoder", false)) throw c.error("is_decoder=true is not supported (BertModel encoder only)");
        try {
            return new BertConfig(c.getInt("vocab_size", 30522), c.getInt("hidden_size", 768),
                    c.getInt("num_hidden_layers", 12), c.getInt("num_attention_heads", 12),
                    c.getInt("intermediate_size", 3072), c.getString("hidden_act", "gelu"),
                    c.getInt("max_position_embeddings", 512), c.getInt("type_vocab_size", 2),
                    (float) c.getDouble("layer_norm_eps", 1e-12), (float) c.getDouble("hidden_dropout_prob", 0.1),
                    (float) c.getDouble("initializer_range", 0.02), true);
        } catch (IllegalArgumentException e) {
            throw c.error(e.getMessage());
        }
    }
}
