// ConvTranspose2d: 2-D transposed convolution layer (torch.nn.ConvTranspose2d), the learnable upsampling
// of decoders and segmentation heads, wrapping the functional Conv.convTranspose2d.
package dev.kindling.nn;

import dev.kindling.ops.Conv;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * 2-D transposed convolution. Parameters {@code weight [in, out/groups, kH, kW]} and {@code bias [out]}
 * (optional), PyTorch's default initialisation (see {@link ConvNd}).
 *
 * <p>Shape: {@code [N, in, H, W]} (or {@code [in, H, W]}) {@code -> [N, out, outH, outW]} with
 * {@code outH = (H-1)*strideH - 2*padH + dilH*(kH-1) + outputPadH + 1}.
 *
 * <p>Example: {@code new ConvTranspose2d(16, 8, 2, ConvOptions.DEFAULT.stride(2), g).forward(x); // [B, 16, 7, 7] -> [B, 8, 14, 14]}
 */
public class ConvTranspose2d extends ConvNd {
    /** A square-kernel transposed convolution with stride 1, no padding, with bias. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Generator g) {
        this(inChannels, outChannels, kernelSize, kernelSize, ConvOptions.DEFAULT, g);
    }

    /** A square-kernel transposed convolution with the given stride and padding, with bias. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator g) {
        this(inChannels, outChannels, kernelSize, kernelSize, ConvOptions.DEFAULT.stride(stride).padding(padding), g);
    }

    /** A square-kernel transposed convolution with the given options. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, ConvOptions options, Generator g) {
        this(inChannels, outChannels, kernelSize, kernelSize, options, g);
    }

    /** A {@code kernelH x kernelW} transposed convolution with the given options. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelH, int kernelW, ConvOptions options,
            Generator g) {
        super("ConvTranspose2d", inChannels, outChannels, new int[] {kernelH, kernelW}, options, true, g);
    }

    @Override
    public Tensor forward(Tensor x) {
        ConvOptions o = options();
        return Conv.convTranspose2d(x, weight(), bias(), o.stride(), o.padding(), o.outputPadding(), o.groups(),
                o.dilation());   // [N, out, outH, outW]
    }
}
