// Softmax: normalises to probabilities along one dim, as a layer (torch.nn.Softmax).
package dev.kindling.nn;

import dev.kindling.tensor.Tensor;

/** {@code exp(x) / sum(exp(x))} along {@code dim}. Shape: any, preserved. Example: {@code new Softmax(-1)}. */
public class Softmax extends Module {
    private final int dim;

    /** Softmax along {@code dim} (negative counts from the end). */
    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return dev.kindling.ops.Softmax.softmax(x, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
