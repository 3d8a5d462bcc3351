// LeakyReLU: max(0, x) + slope * min(0, x) as a layer (torch.nn.LeakyReLU).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/** {@code max(0, x) + negativeSlope * min(0, x)}. Shape: any, preserved. */
public class LeakyReLU extends Module {
    private final float negativeSlope;

    /** Leaky ReLU with PyTorch's default slope 0.01. */
    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.leakyRelu(x, negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + Repr.num(negativeSlope);
    }
}
