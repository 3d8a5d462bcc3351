// Conv1d: 1-D convolution layer over [N, C, L] sequences (torch.nn.Conv1d) with stride, padding,
// dilation, groups and an optional bias, wrapping the functional Conv.conv1d.
package dev.kindling.nn;

import dev.kindling.ops.Conv;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * 1-D convolution. Parameters {@code weight [out, in/groups, k]} and {@code bias [out]} (optional), PyTorch's
 * default initialisation (see {@link ConvNd}). Options take one value each (the single-argument withers).
 *
 * <p>Shape: {@code [N, in, L]} (or {@code [in, L]}) {@code -> [N, out, (L + 2*padding - dilation*(k-1) - 1) / stride + 1]}.
 *
 * <p>Example: {@code new Conv1d(8, 16, 3, ConvOptions.DEFAULT.padding(1), g).forward(x); // [B, 8, 50] -> [B, 16, 50]}
 */
public class Conv1d extends ConvNd {
    /** A convolution with stride 1, no padding, with bias. */
    public Conv1d(int inChannels, int outChannels, int kernelSize, Generator g) {
        this(inChannels, outChannels, kernelSize, ConvOptions.DEFAULT, g);
    }

    /** A convolution with the given stride and padding, with bias. */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator g) {
        this(inChannels, outChannels, kernelSize, ConvOptions.DEFAULT.stride(stride).padding(padding), g);
    }

    /** A convolution with the given options. */
    public Conv1d(int inChannels, int outChannels, int kernelSize, ConvOptions options, Generator g) {
        super("Conv1d", inChannels, outChannels, new int[] {kernelSize}, checked(options), false, g);
    }

    private static ConvOptions checked(ConvOptions o) {
        if (o == null) return null;
        if (o.strideH() != o.strideW() || o.paddingH() != o.paddingW() || o.dilationH() != o.dilationW())
            throw new IllegalArgumentException("Conv1d: stride, padding and dilation take one value each (use the "
                    + "single-argument withers), got " + o);
        if (o.outputPaddingH() != 0 || o.outputPaddingW() != 0) throw new IllegalArgumentException(
                "Conv1d: outputPadding applies to ConvTranspose2d only, got " + o.outputPaddingW());
        return o;
    }

    @Override
    public Tensor forward(Tensor x) {
        ConvOptions o = options();
        return Conv.conv1d(x, weight(), bias(), o.strideW(), o.paddingW(), o.dilationW(), o.groups());   // [N, out, outL]
    }
}
