// ELU: the exponential linear unit as a layer (torch.nn.ELU).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/** {@code x} if {@code x > 0}, else {@code alpha * (exp(x) - 1)}. Shape: any, preserved. */
public class ELU extends Module {
    private final float alpha;

    /** ELU with alpha 1. */
    public ELU() {
        this(1f);
    }

    public ELU(float alpha) {
        this.alpha = alpha;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.elu(x, alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + Repr.num(alpha);
    }
}
