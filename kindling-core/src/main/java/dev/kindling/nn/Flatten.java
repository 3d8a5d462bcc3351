// Flatten: merges a range of dims into one (torch.nn.Flatten), e.g. conv features into a vector per sample.
package dev.kindling.nn;

import dev.kindling.tensor.Tensor;

/**
 * Flattens dims {@code startDim..endDim} (inclusive, negative counts from the end) into one.
 *
 * <p>Shape: default {@code [N, *] -> [N, prod(*)]}. Example: {@code new Flatten().forward(x); // [B, 16, 5, 5] -> [B, 400]}
 */
public class Flatten extends Module {
    private final int startDim, endDim;

    /** Flattens all dims but the first. */
    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
