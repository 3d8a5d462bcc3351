// Conv2d: 2-D convolution layer over [N, C, H, W] images (torch.nn.Conv2d) with stride, padding,
// dilation, groups and an optional bias, wrapping the functional Conv.conv2d.
package dev.kindling.nn;

import dev.kindling.ops.Conv;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * 2-D convolution. Parameters {@code weight [out, in/groups, kH, kW]} and {@code bias [out]} (optional),
 * PyTorch's default initialisation (see {@link ConvNd}).
 *
 * <p>Shape: {@code [N, in, H, W]} (or {@code [in, H, W]}) {@code -> [N, out, outH, outW]} with
 * {@code outH = (H + 2*padH - dilH*(kH-1) - 1) / strideH + 1}.
 *
 * <p>Example: {@code new Conv2d(1, 6, 5, ConvOptions.DEFAULT.padding(2), g).forward(x); // [B, 1, 28, 28] -> [B, 6, 28, 28]}
 */
public class Conv2d extends ConvNd {
    /** A square-kernel convolution with stride 1, no padding, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, Generator g) {
        this(inChannels, outChannels, kernelSize, kernelSize, ConvOptions.DEFAULT, g);
    }

    /** A square-kernel convolution with the given stride and padding, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator g) {
        this(inChannels, outChannels, kernelSize, kernelSize, ConvOptions.DEFAULT.stride(stride).padding(padding), g);
    }

    /** A square-kernel convolution with the given options. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, ConvOptions options, Generator g) {
        this(inChannels, outChannels, kernelSize, kernelSize, options, g);
    }

    /** A {@code kernelH x kernelW} convolution with the given options. */
    public Conv2d(int inChannels, int outChannels, int kernelH, int kernelW, ConvOptions options, Generator g) {
        super("Conv2d", inChannels, outChannels, new int[] {kernelH, kernelW}, checked(options), false, g);
    }

    private static ConvOptions checked(ConvOptions o) {
        if (o != null && (o.outputPaddingH() != 0 || o.outputPaddingW() != 0)) throw new IllegalArgumentException(
                "Conv2d: outputPadding applies to ConvTranspose2d only, got (" + o.outputPaddingH() + ", "
                        + o.outputPaddingW() + ")");
        return o;
    }

    @Override
    public Tensor forward(Tensor x) {
        ConvOptions o = options();
        return Conv.conv2d(x, weight(), bias(), o.stride(), o.padding(), o.dilation(), o.groups());   // [N, out, oH, oW]
    }
}
