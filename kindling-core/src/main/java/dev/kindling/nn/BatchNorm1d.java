// BatchNorm1d: batch normalisation of [N, C] features or [N, C, L] sequences (torch.nn.BatchNorm1d).
package dev.kindling.nn;

import dev.kindling.tensor.Tensor;

/**
 * Batch norm over {@code [N, C]} or {@code [N, C, L]} (see {@link BatchNorm} for modes and buffers).
 *
 * <p>Example: {@code new Sequential(new Linear(16, 32, g), new BatchNorm1d(32), new ReLU())}
 */
public class BatchNorm1d extends BatchNorm {
    /** Batch norm with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, tracking running stats). */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, Options.DEFAULT);
    }

    /** Batch norm with the given options, e.g. {@code Options.DEFAULT.affine(false)}. */
    public BatchNorm1d(int numFeatures, Options options) {
        super(numFeatures, options);
    }

    /** Batch norm with every option spelled out; {@code momentum} null is a cumulative moving average. */
    public BatchNorm1d(int numFeatures, float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        this(numFeatures, new Options(eps, momentum, affine, trackRunningStats));
    }

    @Override
    protected void checkInputDim(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3) throw new IllegalArgumentException("BatchNorm1d: expected 2D or 3D input "
                + "([N, C] or [N, C, L]), got " + x.dim() + "D input of shape " + java.util.Arrays.toString(x.shape()));
    }
}
