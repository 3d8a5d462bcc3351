// GPT2Config: the hyper-parameters of a GPT-2 style decoder, named after Hugging Face's GPT2Config so that a
// checkpoint's config.json maps field by field (n_embd, n_layer, n_head, n_positions, activation_function, ...).
package dev.kindling.models.gpt;

import dev.kindling.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * GPT-2 configuration.
 *
 * <p>Args: vocabSize — output classes; nPositions — learned position table (max context); nEmbd — model width;
 * nLayer — blocks; nHead — attention heads (must divide nEmbd); nInner — MLP hidden size (HF: null = 4 * nEmbd);
 * activation — "gelu_new" (tanh GELU, GPT-2's), "gelu", "relu" or "silu"; layerNormEps; dropout — embedding,
 * residual and attention dropout (HF's embd/resid/attn_pdrop, one value here); tieWordEmbeddings — lm_head shares
 * {@code transformer.wte.weight}; initializerRange — std of the normal initialisation.
 *
 * <p>Example: {@code var cfg = GPT2Config.small(65, 64, 4, 4, 128); // the tiny char GPT}
 */
public record GPT2Config(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, int nInner,
                         String activation, float layerNormEps, float dropout, boolean tieWordEmbeddings,
                         float initializerRange) {
    public GPT2Config {
        if (vocabSize <= 0 || nPositions <= 0 || nEmbd <= 0 || nLayer <= 0 || nHead <= 0 || nInner <= 0)
            throw new IllegalArgumentException("GPT2Config: vocab_size, n_positions, n_embd, n_layer, n_head and "
                    + "n_inner must be positive, got " + vocabSize + ", " + nPositions + ", " + nEmbd + ", " + nLayer
                    + ", " + nHead + ", " + nInner);
        if (nEmbd % nHead != 0) throw new IllegalArgumentException("GPT2Config: n_embd " + nEmbd
                + " must be divisible by n_head " + nHead);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("GPT2Config: dropout must be in [0, 1), "
                + "got " + dropout);
        switch (activation) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "relu", "silu", "swish" -> { }
            default -> throw new IllegalArgumentException("GPT2Config: unsupported activation_function '" + activation
                    + "' (expected gelu_new, gelu_pytorch_tanh, gelu, relu or silu)");
        }
    }

    /** A GPT-2 layout with HF defaults (gelu_new, eps 1e-5, no dropout, tied head, init std 0.02). */
    public static GPT2Config small(int vocabSize, int nPositions, int nLayer, int nHead, int nEmbd) {
        return new GPT2Config(vocabSize, nPositions, nEmbd, nLayer, nHead, 4 * nEmbd, "gelu_new", 1e-5f, 0f, true,
                0.02f);
    }

    /** Per-head size {@code nEmbd / nHead}. */
    public int headDim() {
        return nEmbd / nHead;
    }

    /** This config with another dropout. */
    public GPT2Config withDropout(float p) {
        return new GPT2Config(vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, activation, layerNormEps, p,
                tieWordEmbeddings, initializerRange);
    }

    /** This config with a separate (untied) or shared lm_head. */
    public GPT2Config withTiedEmbeddings(boolean tie) {
        return new GPT2Config(vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, activation, layerNormEps, dropout,
                tie, initializerRange);
    }

    /** Reads a Hugging Face {@code config.json} (model_type gpt2). */
    public static GPT2Config fromJson(Path configJson) throws IOException {
        String text = Files.readString(configJson, StandardCharsets.UTF_8);
        try {
            return fromMap(Json.parseObject(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GPT2Config: " + configJson + ": " + e.getMessage(), e);
        }
    }

    /** Builds the config from a parsed config.json object. */
    public static GPT2Config fromMap(Map<String, Object> m) {
        String type = Json.getString(m, "model_type", "gpt2");
        if (!type.equals("gpt2")) throw new IllegalArgumentException("GPT2Config: model_type is '" + type
                + "', expected 'gpt2'");
        if (Json.getBoolean(m, "add_cross_attention", false)) throw new IllegalArgumentException("GPT2Config: "
                + "add_cross_attention=true is not supported");
        if (Json.getBoolean(m, "scale_attn_by_inverse_layer_idx", false) || Json.getBoolean(m, "reorder_and_upcast_attn",
                false) || !Json.getBoolean(m, "scale_attn_weights", true)) throw new IllegalArgumentException(
                "GPT2Config: only the default attention scaling (1/sqrt(head_dim)) is supported");
        int nEmbd = (int) Json.getLong(m, "n_embd", 768);
        int nInner = (int) Json.getLong(m, "n_inner", 4L * nEmbd);
        float drop = (float) Math.max(Json.getDouble(m, "resid_pdrop", 0.1), Math.max(Json.getDouble(m, "embd_pdrop",
                0.1), Json.getDouble(m, "attn_pdrop", 0.1)));
        return new GPT2Config((int) Json.getLong(m, "vocab_size", 50257), (int) Json.getLong(m, "n_positions", 1024),
                nEmbd, (int) Json.getLong(m, "n_layer", 12), (int) Json.getLong(m, "n_head", 12), nInner,
                Json.getString(m, "activation_function", "gelu_new"), (float) Json.getDouble(m, "layer_norm_epsilon",
                1e-5), drop, Json.getBoolean(m, "tie_word_embeddings", true),
                (float) Json.getDouble(m, "initializer_range", 0.02));
    }

    /** The config as Hugging Face config.json entries (for saving a trained model next to its weights). */
    public Map<String, Object> toMap() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("model_type", "gpt2");
        m.put("architectures", java.util.List.of("GPT2LMHeadModel"));
        m.put("vocab_size", vocabSize);
        m.put("n_positions", nPositions);
        m.put("n_embd", nEmbd);
        m.put("n_layer", nLayer);
        m.put("n_head", nHead);
        m.put("n_inner", nInner);
        m.put("activation_function", activation);
        m.put("layer_norm_epsilon", (double) layerNormEps);
        m.put("resid_pdrop", (double) dropout);
        m.put("embd_pdrop", (double) dropout);
        m.put("attn_pdrop", (double) dropout);
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("initializer_range", (double) initializerRange);
        return m;
    }
}
