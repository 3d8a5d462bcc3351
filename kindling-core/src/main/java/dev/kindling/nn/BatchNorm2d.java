// BatchNorm2d: batch normalisation of [N, C, H, W] feature maps (torch.nn.BatchNorm2d), for conv nets.
package dev.kindling.nn;

import dev.kindling.tensor.Tensor;

/**
 * Batch norm over {@code [N, C, H, W]}, per channel (see {@link BatchNorm} for modes and buffers).
 *
 * <p>Example: {@code new BatchNorm2d(64).forward(featureMaps); // [B, 64, H, W]}
 */
public class BatchNorm2d extends BatchNorm {
    /** Batch norm with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, tracking running stats). */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, Options.DEFAULT);
    }

    /** Batch norm with the given options. */
    public BatchNorm2d(int numFeatures, Options options) {
        super(numFeatures, options);
    }

    @Override
    protected void checkInputDim(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException("BatchNorm2d: expected 4D input [N, C, H, W], got "
                + x.dim() + "D input of shape " + java.util.Arrays.toString(x.shape()));
    }
}
