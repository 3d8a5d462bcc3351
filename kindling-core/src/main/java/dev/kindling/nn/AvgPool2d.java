// AvgPool2d: 2-D average pooling layer (torch.nn.AvgPool2d), wrapping the functional Pooling.avgPool2d
// with PyTorch's divisor rules for padded windows.
package dev.kindling.nn;

import dev.kindling.ops.Pooling;
import dev.kindling.tensor.Tensor;

/**
 * Mean over {@code kernel} windows moved by {@code stride} (default: the kernel size), zero padding counted in
 * the divisor unless {@code countIncludePad} is false. No parameters.
 *
 * <p>Shape: as {@link MaxPool2d}. Example: {@code new AvgPool2d(2).forward(x); // [B, 6, 28, 28] -> [B, 6, 14, 14]}
 */
public class AvgPool2d extends Module {
    private final int[] kernel, stride, padding;   // {h, w} each
    private final boolean countIncludePad;

    /** Square {@code kernel} windows, stride = kernel, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** Square windows with the given stride and padding (padding counted in the divisor). */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, true);
    }

    /** {@code {h, w}} kernel, stride (null: the kernel) and padding; {@code countIncludePad} as PyTorch. */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        this.kernel = PoolArgs.pair("AvgPool2d", "kernel", kernel, 1);
        this.stride = stride == null ? this.kernel.clone() : PoolArgs.pair("AvgPool2d", "stride", stride, 1);
        this.padding = PoolArgs.pair("AvgPool2d", "padding", padding, 0);
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.avgPool2d(x, kernel, stride, padding, countIncludePad);   // [N, C, oH, oW]
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + PoolArgs.str(kernel) + ", stride=" + PoolArgs.str(stride) + ", padding="
                + PoolArgs.str(padding) + (countIncludePad ? "" : ", count_include_pad=false");
    }
}
