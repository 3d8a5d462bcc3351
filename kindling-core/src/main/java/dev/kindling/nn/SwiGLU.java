// SwiGLU: the gated feed-forward block of Llama / Mistral (LlamaMLP): down_proj(silu(gate_proj(x)) * up_proj(x)),
// with Hugging Face's parameter names so a Llama MLP's weights load as they are.
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Elementwise;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * {@code down_proj(silu(gate_proj(x)) * up_proj(x))}.
 *
 * <p>Parameters: {@code gate_proj.weight}, {@code up_proj.weight} {@code [intermediate, hidden]},
 * {@code down_proj.weight} {@code [hidden, intermediate]} (biases only with {@code bias}; Llama has none).
 * Shape: {@code [..., hidden] -> [..., hidden]}.
 *
 * <p>Example: {@code var mlp = new SwiGLU(4096, 11008, false, g); y = mlp.forward(x);}
 */
public class SwiGLU extends Module {
    private final Linear gateProj, upProj, downProj;

    /** Projections initialised as nn.Linear, drawn from {@code g} in the order gate, up, down. */
    public SwiGLU(int hiddenSize, int intermediateSize, boolean bias, Generator g) {
        if (hiddenSize <= 0 || intermediateSize <= 0) throw new IllegalArgumentException("SwiGLU: hidden_size and "
                + "intermediate_size must be positive, got " + hiddenSize + " and " + intermediateSize);
        gateProj = registerModule("gate_proj", new Linear(hiddenSize, intermediateSize, bias, g));
        upProj = registerModule("up_proj", new Linear(hiddenSize, intermediateSize, bias, g));
        downProj = registerModule("down_proj", new Linear(intermediateSize, hiddenSize, bias, g));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor gated = Elementwise.mul(Activations.silu(gateProj.forward(x)), upProj.forward(x));   // [..., inter]
        return downProj.forward(gated);                                                              // [..., hidden]
    }
}
