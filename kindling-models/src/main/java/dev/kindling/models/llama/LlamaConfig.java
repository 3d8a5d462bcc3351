// LlamaConfig: the hyper-parameters of a Llama decoder, read from a Hugging Face config.json (both the
// transformers 5 "rope_parameters" spelling and the older top-level rope_theta + "rope_scaling").
package dev.kindling.models.llama;

import dev.kindling.models.hf.HfConfig;
import dev.kindling.ops.Rotary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Llama configuration.
 *
 * <p>Args: vocabSize; hiddenSize — model width; intermediateSize — SwiGLU hidden size; numHiddenLayers;
 * numAttentionHeads; numKeyValueHeads — fewer than the query heads for grouped-query attention (must divide
 * them); headDim — per-head size (HF default hiddenSize / heads); maxPositionEmbeddings; rmsNormEps; ropeTheta;
 * ropeScaling — null or {@link Rotary.Scaling} ("linear", "llama3"); tieWordEmbeddings — lm_head shares
 * {@code model.embed_tokens.weight}; attentionBias — biases on q/k/v/o; mlpBias — biases on the MLP projections;
 * bosTokenId / eosTokenId — -1 when absent.
 *
 * <p>Example: {@code LlamaConfig cfg = LlamaConfig.fromJson(Path.of("models/llama/config.json"));}
 */
public record LlamaConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                          int numAttentionHeads, int numKeyValueHeads, int headDim, int maxPositionEmbeddings,
                          float rmsNormEps, double ropeTheta, Rotary.Scaling ropeScaling, boolean tieWordEmbeddings,
                          boolean attentionBias, boolean mlpBias, int bosTokenId, int eosTokenId) {
    public LlamaConfig {
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numHiddenLayers <= 0
                || numAttentionHeads <= 0 || numKeyValueHeads <= 0 || headDim <= 0 || maxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException("LlamaConfig: sizes must be positive, got vocab_size=" + vocabSize
                    + ", hidden_size=" + hiddenSize + ", intermediate_size=" + intermediateSize + ", num_hidden_layers="
                    + numHiddenLayers + ", num_attention_heads=" + numAttentionHeads + ", num_key_value_heads="
                    + numKeyValueHeads + ", head_dim=" + headDim + ", max_position_embeddings=" + maxPositionEmbeddings);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) throw new IllegalArgumentException("LlamaConfig: "
                + "num_attention_heads " + numAttentionHeads + " must be a multiple of num_key_value_heads "
                + numKeyValueHeads);
        if (headDim % 2 != 0) throw new IllegalArgumentException("LlamaConfig: head_dim " + headDim
                + " must be even for rotary embeddings");
    }

    /** Query heads per key/value head. */
    public int groups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Reads a Hugging Face {@code config.json} (the file or its folder). */
    public static LlamaConfig fromJson(Path configJson) throws IOException {
        return from(HfConfig.read(configJson));
    }

    /** Builds the config from a parsed config.json (model_type "llama"; HF defaults for absent keys). */
    public static LlamaConfig from(HfConfig c) {
        String type = c.modelType();
        if (!type.equals("llama") && !type.isEmpty()) throw c.error("model_type is '" + type + "', expected 'llama'");
        String act = c.getString("hidden_act", "silu");
        if (!act.equals("silu") && !act.equals("swish")) throw c.error("hidden_act '" + act + "' is not supported "
                + "(Llama's SwiGLU uses silu)");
        int hidden = c.getInt("hidden_size", 4096);
        int heads = c.getInt("num_attention_heads", 32);
        int headDim = c.getInt("head_dim", hidden / heads);
        // transformers >= 5 nests rope settings in rope_parameters; older files use rope_theta + rope_scaling.
        Map<String, Object> rope = c.getObject("rope_parameters");
        double theta = rope != null && rope.get("rope_theta") instanceof Number n ? n.doubleValue()
                : c.getDouble("rope_theta", 10000.0);
        Map<String, Object> scalingMap = rope != null ? rope : c.getObject("rope_scaling");
        return new LlamaConfig(c.getInt("vocab_size", 32000), hidden, c.getInt("intermediate_size", 11008),
                c.getInt("num_hidden_layers", 32), heads, c.getInt("num_key_value_heads", heads), headDim,
                c.getInt("max_position_embeddings", 2048), (float) c.getDouble("rms_norm_eps", 1e-6), theta,
                scaling(c, scalingMap), c.getBoolean("tie_word_embeddings", false),
                c.getBoolean("attention_bias", false), c.getBoolean("mlp_bias", false), tokenId(c, "bos_token_id"),
                tokenId(c, "eos_token_id"));
    }

    private static Rotary.Scaling scaling(HfConfig c, Map<String, Object> m) {
        if (m == null) return null;
        Object t = m.get("rope_type") != null ? m.get("rope_type") : m.get("type");
        String type = t == null ? "default" : t.toString();
        try {
            return switch (type) {
                case "default" -> null;
                case "linear" -> Rotary.Scaling.linear(num(m, "factor", Double.NaN));
                case "llama3" -> Rotary.Scaling.llama3(num(m, "factor", Double.NaN), num(m, "low_freq_factor", 1),
                        num(m, "high_freq_factor", 4), (int) num(m, "original_max_position_embeddings", 8192));
                default -> throw new IllegalArgumentException("rope type '" + type + "' is not supported (supported: "
                        + "default, linear, llama3)");
            };
        } catch (IllegalArgumentException e) {
            throw c.error(e.getMessage());
        }
    }

    private static double num(Map<String, Object> m, String key, double dflt) {
        Object v = m.get(key);
        if (v == null) {
            if (Double.isNaN(dflt)) throw new IllegalArgumentException("rope scaling lacks \"" + key + "\"");
            return dflt;
        }
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("rope scaling \"" + key + "\" must be a number, got " + v);
    }

    /** A token id; a list (several eos ids) gives its first element; absent gives -1. */
    private static int tokenId(HfConfig c, String key) {
        Object v = c.map().get(key);
        if (v instanceof java.util.List<?> l) v = l.isEmpty() ? null : l.getFirst();
        if (v == null) return -1;
        if (v instanceof Long l) return (int) (long) l;
        throw c.error("\"" + key + "\" must be an integer or a list of integers, got " + v);
    }
}
