// Softplus: log(1 + exp(beta x)) / beta as a layer (torch.nn.Softplus; linear above beta x > 20).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/** {@code log(1 + exp(beta * x)) / beta}, linear where {@code beta * x > 20}. Shape: any, preserved. */
public class Softplus extends Module {
    private final float beta;

    /** Softplus with beta 1. */
    public Softplus() {
        this(1f);
    }

    public Softplus(float beta) {
        this.beta = beta;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.softplus(x, beta);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + Repr.num(beta) + ", threshold=20.0";
    }
}
