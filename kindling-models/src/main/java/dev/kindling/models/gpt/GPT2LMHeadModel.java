// GPT2LMHeadModel: GPT-2 with its language-modelling head (HF GPT2LMHeadModel). Loads Hugging Face checkpoints
// by name (Conv1D layout, lm_head tied to wte) and implements CausalLM so the generation code can drive it with a
// KV cache. Also the model Kindling trains from scratch (char-level SOTU, the tiny-GPT benchmark).
package dev.kindling.models.gpt;

import dev.kindling.io.Safetensors;
import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.generation.KVCache;
import dev.kindling.nn.Init;
import dev.kindling.nn.Module;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Losses;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-2 language model. State dict keys as Hugging Face: {@code transformer.wte.weight},
 * {@code transformer.wpe.weight}, {@code transformer.h.N.ln_1.*}, {@code transformer.h.N.attn.c_attn.*} (Conv1D
 * {@code [in, out]}), {@code ...attn.c_proj.*}, {@code ln_2}, {@code mlp.c_fc}, {@code mlp.c_proj},
 * {@code transformer.ln_f.*}, {@code lm_head.weight} (the wte tensor itself when tied).
 *
 * <p>Shape: ids int64 {@code [B, T]} -> logits {@code [B, T, V]}.
 *
 * <p>Example:
 * <pre>{@code
 * var model = GPT2LMHeadModel.fromPretrained(Path.of("models/gpt2"));
 * Tensor logits = model.forward(ids, null);                   // [B, T, V]
 * var model2 = new GPT2LMHeadModel(GPT2Config.small(65, 64, 4, 4, 128), new Generator(0));
 * Tensor loss = model2.loss(x, y);                            // mean cross-entropy over [B, T]
 * }</pre>
 */
public class GPT2LMHeadModel extends Module implements CausalLM {
    private final GPT2Config cfg;
    private final GPT2Model transformer;
    private final Tensor lmHead;   // [V, C]

    /** The {@code lm_head} layer: a bias-free linear map to the vocabulary whose weight may be the wte tensor. */
    private static final class LMHead extends Module {
        final Tensor weight;

        LMHead(Tensor weight) {
            this.weight = registerParameter("weight", weight);
        }
    }

    /** A randomly initialised model (HF's init, drawn from g); g null gives zeros, to be loaded. */
    public GPT2LMHeadModel(GPT2Config cfg, Generator g) {
        this.cfg = cfg;
        transformer = registerModule("transformer", new GPT2Model(cfg, g));
        Tensor w;
        if (cfg.tieWordEmbeddings()) {
            w = transformer.wte();
        } else {
            w = Tensor.zeros(cfg.vocabSize(), cfg.nEmbd());
            if (g != null) Init.normal_(w, 0, cfg.initializerRange(), g);
        }
        lmHead = registerModule("lm_head", new LMHead(w)).weight;
    }

    /**
     * Loads {@code config.json} + {@code model.safetensors} from a Hugging Face GPT-2 folder (a single file; the
     * generic loader with sharding and memory mapping is {@code dev.kindling.models.hf.HfModels}).
     */
    public static GPT2LMHeadModel fromPretrained(Path dir) throws IOException {
        GPT2Config cfg = GPT2Config.fromJson(dir.resolve("config.json"));
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) throw new IOException("GPT2LMHeadModel: " + weights + " not found");
        GPT2LMHeadModel m = new GPT2LMHeadModel(cfg, null);
        m.loadStateDict(Safetensors.load(weights));
        m.eval();
        return m;
    }

    public GPT2Config config() {
        return cfg;
    }

    public GPT2Model transformer() {
        return transformer;
    }

    /**
     * Also accepts the key spellings of Hugging Face files: original GPT-2 uploads without the {@code transformer.}
     * prefix, the non-persistent {@code attn.bias}/{@code attn.masked_bias} buffers of old exports (dropped), and a
     * missing {@code lm_head.weight} when the head is tied.
     */
    @Override
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (var e : state.entrySet()) {
            String k = e.getKey();
            if (k.endsWith(".attn.bias") || k.endsWith(".attn.masked_bias")) continue;
            if (!k.startsWith("transformer.") && !k.startsWith("lm_head.")) k = "transformer." + k;
            s.put(k, e.getValue());
        }
        if (cfg.tieWordEmbeddings() && !s.containsKey("lm_head.weight") && s.containsKey("transformer.wte.weight"))
            s.put("lm_head.weight", s.get("transformer.wte.weight"));
        return super.loadStateDict(s, strict);
    }

    /** Logits for ids following the cache's positions (see {@link CausalLM#forward}). Shape: {@code [B, T, V]}. */
    @Override
    public Tensor forward(Tensor ids, KVCache cache) {
        return Linalg.linear(transformer.forward(ids, cache), lmHead, null);   // [B, T, V]
    }

    @Override
    public Tensor forward(Tensor ids) {
        return forward(ids, null);
    }

    /**
     * Mean next-token cross-entropy (nats): logits of {@code ids} against {@code targets}.
     *
     * <p>Shape: ids, targets int64 {@code [B, T]} -> scalar. Targets equal to -100 are ignored (PyTorch's default).
     */
    public Tensor loss(Tensor ids, Tensor targets) {
        Tensor logits = forward(ids, null);                                   // [B, T, V]
        int n = ids.size(0) * ids.size(1);
        return Losses.crossEntropy(logits.reshape(n, cfg.vocabSize()), targets.reshape(n));
    }

    @Override
    public KVCache newCache(int batch, int capacity) {
        return new KVCache(cfg.nLayer(), batch, cfg.nHead(), cfg.headDim(), Math.min(capacity, cfg.nPositions()));
    }

    @Override
    public int vocabSize() {
        return cfg.vocabSize();
    }

    @Override
    public int maxPositions() {
        return cfg.nPositions();
    }
}
