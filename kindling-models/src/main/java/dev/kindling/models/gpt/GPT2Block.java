// GPT2Block: one pre-LayerNorm transformer decoder block, x + attn(ln_1(x)) then x + mlp(ln_2(x)).
package dev.kindling.models.gpt;

import dev.kindling.models.generation.KVCache;
import dev.kindling.nn.LayerNorm;
import dev.kindling.nn.Module;
import dev.kindling.ops.Norms;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** GPT-2 block with HF names {@code ln_1}, {@code attn}, {@code ln_2}, {@code mlp}. Shape: {@code [B, T, C]}. */
public class GPT2Block extends Module {
    private final Tensor ln1w, ln1b, ln2w, ln2b;
    private final GPT2Attention attn;
    private final GPT2MLP mlp;
    private final int[] normShape;
    private final float eps;

    public GPT2Block(GPT2Config cfg, Generator g) {
        normShape = new int[] {cfg.nEmbd()};
        eps = cfg.layerNormEps();
        LayerNorm ln1 = registerModule("ln_1", new LayerNorm(normShape, eps, true));
        attn = registerModule("attn", new GPT2Attention(cfg, g));
        LayerNorm ln2 = registerModule("ln_2", new LayerNorm(normShape, eps, true));
        mlp = registerModule("mlp", new GPT2MLP(cfg, g));
        ln1w = ln1.weight();
        ln1b = ln1.bias();
        ln2w = ln2.weight();
        ln2b = ln2.bias();
    }

    /** Shape: x {@code [B, T, C]} -> {@code [B, T, C]}; cache null for a full causal pass. */
    public Tensor forward(Tensor x, KVCache cache, int layer) {
        Tensor h = x.add(attn.forward(Norms.layerNorm(x, normShape, ln1w, ln1b, eps), cache, layer));
        return h.add(mlp.forward(Norms.layerNorm(h, normShape, ln2w, ln2b, eps)));
    }
}
