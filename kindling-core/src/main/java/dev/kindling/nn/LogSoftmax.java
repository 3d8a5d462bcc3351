// LogSoftmax: log-probabilities along one dim, as a layer (torch.nn.LogSoftmax); pairs with NLLLoss.
package dev.kindling.nn;

import dev.kindling.tensor.Tensor;

/** {@code x - logsumexp(x)} along {@code dim}. Shape: any, preserved. */
public class LogSoftmax extends Module {
    private final int dim;

    /** Log-softmax along {@code dim} (negative counts from the end). */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return dev.kindling.ops.Softmax.logSoftmax(x, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
