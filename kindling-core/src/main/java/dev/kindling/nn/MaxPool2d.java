// MaxPool2d: 2-D max pooling layer (torch.nn.MaxPool2d), wrapping the functional Pooling.maxPool2d;
// the usual downsampling step of a conv net.
package dev.kindling.nn;

import dev.kindling.ops.Pooling;
import dev.kindling.tensor.Tensor;

/**
 * Max over {@code kernel} windows moved by {@code stride} (default: the kernel size), with {@code -inf} padding.
 * No parameters.
 *
 * <p>Shape: {@code [N, C, H, W]} (or {@code [C, H, W]}) {@code -> [N, C, (H + 2p - k) / s + 1, (W + 2p - k) / s + 1]}.
 *
 * <p>Example: {@code new MaxPool2d(2).forward(x); // [B, 6, 28, 28] -> [B, 6, 14, 14]}
 */
public class MaxPool2d extends Module {
    private final int[] kernel, stride, padding;   // {h, w} each

    /** Square {@code kernel} windows, stride = kernel, no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** Square windows with the given stride and padding. */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    /** {@code {h, w}} kernel, stride (null: the kernel) and padding. */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        this.kernel = PoolArgs.pair("MaxPool2d", "kernel", kernel, 1);
        this.stride = stride == null ? this.kernel.clone() : PoolArgs.pair("MaxPool2d", "stride", stride, 1);
        this.padding = PoolArgs.pair("MaxPool2d", "padding", padding, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.maxPool2d(x, kernel, stride, padding);   // [N, C, oH, oW]
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + PoolArgs.str(kernel) + ", stride=" + PoolArgs.str(stride) + ", padding="
                + PoolArgs.str(padding) + ", dilation=1, ceil_mode=false";
    }
}
