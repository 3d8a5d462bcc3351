// GELU: the Gaussian error linear unit, exact (erf) or tanh-approximated, as a layer (torch.nn.GELU).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/**
 * {@code x * Phi(x)}; {@code approximate = "tanh"} uses the tanh formula (GPT-2, BERT variants).
 * Shape: any, preserved.
 */
public class GELU extends Module {
    private final String approximate;

    /** Exact (erf) GELU. */
    public GELU() {
        this("none");
    }

    /** GELU with {@code approximate} "none" or "tanh". */
    public GELU(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) throw new IllegalArgumentException(
                "GELU: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        this.approximate = approximate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.gelu(x, approximate);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
