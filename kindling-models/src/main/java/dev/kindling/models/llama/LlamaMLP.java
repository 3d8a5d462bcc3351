// LlamaMLP: the SwiGLU feed-forward block of Llama, down_proj(silu(gate_proj(x)) * up_proj(x)), with Hugging Face's
// parameter names.
package dev.kindling.models.llama;

import dev.kindling.models.hf.HfLinear;
import dev.kindling.nn.Module;
import dev.kindling.ops.Activations;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** SwiGLU MLP. Shape: {@code [B, T, C] -> [B, T, C]} through an {@code intermediateSize} hidden layer. */
public final class LlamaMLP extends Module {
    private final HfLinear gateProj, upProj, downProj;

    /** g null leaves zeros for loading. */
    public LlamaMLP(LlamaConfig cfg, Generator g) {
        int c = cfg.hiddenSize(), h = cfg.intermediateSize();
        boolean bias = cfg.mlpBias();
        gateProj = registerModule("gate_proj", new HfLinear(c, h, bias, g, 0.02));
        upProj = registerModule("up_proj", new HfLinear(c, h, bias, g, 0.02));
        downProj = registerModule("down_proj", new HfLinear(h, c, bias, g, 0.02));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor hidden = Activations.silu(gateProj.forward(x)).mul(upProj.forward(x));   // [B, T, I]
        return downProj.forward(hidden);                                               // [B, T, C]
    }
}
