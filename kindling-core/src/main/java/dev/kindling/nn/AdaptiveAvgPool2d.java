// AdaptiveAvgPool2d: average pooling to a fixed output size whatever the input size
// (torch.nn.AdaptiveAvgPool2d); with output 1 it is the global average pooling before a classifier head.
package dev.kindling.nn;

import dev.kindling.ops.Pooling;
import dev.kindling.tensor.Tensor;

/**
 * Averages PyTorch's adaptive bins so the output is {@code outH x outW}. No parameters.
 *
 * <p>Shape: {@code [N, C, H, W]} (or {@code [C, H, W]}) {@code -> [N, C, outH, outW]}.
 *
 * <p>Example: {@code new AdaptiveAvgPool2d(1).forward(x); // [B, 64, 7, 7] -> [B, 64, 1, 1]}
 */
public class AdaptiveAvgPool2d extends Module {
    private final int outH, outW;

    /** A square {@code outputSize x outputSize} output. */
    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be >= 1, got ("
                + outH + ", " + outW + ")");
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);   // [N, C, outH, outW]
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + PoolArgs.str(new int[] {outH, outW});
    }
}
