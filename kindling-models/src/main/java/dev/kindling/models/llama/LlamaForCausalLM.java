// LlamaForCausalLM: Llama with its language-modelling head (HF LlamaForCausalLM: model.* + lm_head, tied to
// model.embed_tokens when tie_word_embeddings). Implements CausalLM so the generator drives it with a KV cache.
package dev.kindling.models.llama;

import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.generation.KVCache;
import dev.kindling.models.hf.HfLinear;
import dev.kindling.nn.Init;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Llama language model with Hugging Face state-dict names ({@code model.embed_tokens.weight},
 * {@code model.layers.N.self_attn.q_proj.weight}, {@code ...mlp.gate_proj.weight}, {@code model.norm.weight},
 * {@code lm_head.weight}).
 *
 * <p>Shape: ids int64 {@code [B, T]} -> logits {@code [B, T, V]}.
 *
 * <p>Example:
 * <pre>{@code
 * var model = (LlamaForCausalLM) HfModels.loadCausalLM(Path.of("models/llama"));
 * KVCache cache = model.newCache(1, 256);
 * Tensor logits = model.forward(promptIds, cache);   // [1, T, V]
 * }</pre>
 */
public final class LlamaForCausalLM extends Module implements CausalLM {
    private final LlamaConfig cfg;
    private final LlamaModel model;
    private final Tensor lmHead;   // [V, C]

    /** The {@code lm_head} layer: a bias-free projection whose weight may be the embedding table itself. */
    private static final class LMHead extends Module {
        final Tensor weight;

        LMHead(Tensor weight) {
            this.weight = registerParameter("weight", weight);
        }
    }

    /** A model with HF's random init drawn from g, or zeros (norm weights ones) to be loaded when g is null. */
    public LlamaForCausalLM(LlamaConfig cfg, Generator g) {
        this.cfg = cfg;
        model = registerModule("model", new LlamaModel(cfg, g));
        Tensor w = model.embedTokens();
        if (!cfg.tieWordEmbeddings()) {
            w = Tensor.zeros(cfg.vocabSize(), cfg.hiddenSize());
            if (g != null) Init.normal_(w, 0, 0.02, g);
        }
        lmHead = registerModule("lm_head", new LMHead(w)).weight;
    }

    public LlamaConfig config() {
        return cfg;
    }

    /** The decoder without its head. */
    public LlamaModel model() {
        return model;
    }

    /**
     * Logits for ids following the cache's positions (see {@link CausalLM#forward}); with a cache the step runs
     * without recording gradients (a cache is for inference).
     */
    @Override
    public Tensor forward(Tensor ids, KVCache cache) {
        if (cache == null) return HfLinear.apply(model.forward(ids, null), lmHead, null);   // [B, T, V]
        try (var ng = Autograd.noGrad()) {
            return HfLinear.apply(model.forward(ids, cache), lmHead, null);
        }
    }

    @Override
    public Tensor forward(Tensor ids) {
        return forward(ids, null);
    }

    @Override
    public KVCache newCache(int batch, int capacity) {
        return new KVCache(cfg.numHiddenLayers(), batch, cfg.numKeyValueHeads(), cfg.headDim(),
                Math.min(capacity, cfg.maxPositionEmbeddings()));
    }

    @Override
    public int vocabSize() {
        return cfg.vocabSize();
    }

    @Override
    public int maxPositions() {
        return cfg.maxPositionEmbeddings();
    }
}
