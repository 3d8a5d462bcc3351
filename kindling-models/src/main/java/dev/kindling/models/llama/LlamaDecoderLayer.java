// LlamaDecoderLayer: one pre-norm Llama block: x + attn(rmsnorm(x)), then h + mlp(rmsnorm(h)), with Hugging Face's
// names (input_layernorm, self_attn, post_attention_layernorm, mlp).
package dev.kindling.models.llama;

import dev.kindling.models.generation.KVCache;
import dev.kindling.nn.Module;
import dev.kindling.nn.RMSNorm;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** One decoder block. Shape: {@code [B, T, C] -> [B, T, C]}. */
public final class LlamaDecoderLayer extends Module {
    private final RMSNorm inputLayernorm, postAttentionLayernorm;
    private final LlamaAttention selfAttn;
    private final LlamaMLP mlp;

    /** Layer {@code index}; g null leaves zeros (norm weights ones) for loading. */
    public LlamaDecoderLayer(LlamaConfig cfg, int index, Generator g) {
        selfAttn = registerModule("self_attn", new LlamaAttention(cfg, index, g));
        mlp = registerModule("mlp", new LlamaMLP(cfg, g));
        inputLayernorm = registerModule("input_layernorm", new RMSNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
        postAttentionLayernorm = registerModule("post_attention_layernorm",
                new RMSNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
    }

    /** The block's output; cos/sin {@code [T, D]} are the rotary tables of this step's positions. */
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KVCache cache) {
        Tensor h = x.add(selfAttn.forward(inputLayernorm.forward(x), cos, sin, cache));   // [B, T, C]
        return h.add(mlp.forward(postAttentionLayernorm.forward(h)));                      // [B, T, C]
    }
}
