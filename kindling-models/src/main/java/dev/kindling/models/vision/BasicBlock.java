// BasicBlock: the two-convolution residual block of ResNet-18/34 and the CIFAR ResNets (torchvision's
// BasicBlock): conv3x3-BN-ReLU-conv3x3-BN plus a shortcut (identity, or 1x1 conv + BN when the shape
// changes), then ReLU. Parameter names match torchvision so checkpoints load without a mapping.
package dev.kindling.models.vision;

import dev.kindling.nn.BatchNorm2d;
import dev.kindling.nn.Conv2d;
import dev.kindling.nn.ConvOptions;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}. Keys: {@code conv1.weight}, {@code bn1.*},
 * {@code conv2.weight}, {@code bn2.*} and, with a projection shortcut, {@code downsample.0.weight} (1x1 conv)
 * and {@code downsample.1.*} (BN). Convolutions have no bias (the batch norm that follows has one).
 *
 * <p>Shape: {@code [N, in, H, W] -> [N, out, ceil(H / stride), ceil(W / stride)]}.
 */
public class BasicBlock extends Module {
    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final ReLU relu;
    private final Sequential downsample;   // null: identity shortcut

    /**
     * A block from {@code inChannels} to {@code outChannels}; the first conv has {@code stride}. A projection
     * shortcut is used when the stride is not 1 or the channel count changes.
     */
    public BasicBlock(int inChannels, int outChannels, int stride, Generator g) {
        conv1 = registerModule("conv1", conv3x3(inChannels, outChannels, stride, g));
        bn1 = registerModule("bn1", new BatchNorm2d(outChannels));
        relu = registerModule("relu", new ReLU());
        conv2 = registerModule("conv2", conv3x3(outChannels, outChannels, 1, g));
        bn2 = registerModule("bn2", new BatchNorm2d(outChannels));
        downsample = stride != 1 || inChannels != outChannels
                ? registerModule("downsample", new Sequential(
                        new Conv2d(inChannels, outChannels, 1, ConvOptions.DEFAULT.stride(stride).bias(false), g),
                        new BatchNorm2d(outChannels)))
                : null;
    }

    static Conv2d conv3x3(int in, int out, int stride, Generator g) {
        return new Conv2d(in, out, 3, ConvOptions.DEFAULT.stride(stride).padding(1).bias(false), g);
    }

    /** The second batch norm (zeroed by {@code zeroInitResidual} so each block starts as the identity). */
    public BatchNorm2d bn2() {
        return bn2;
    }

    /** True when the shortcut is a 1x1 convolution + batch norm. */
    public boolean hasProjection() {
        return downsample != null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = relu.forward(bn1.forward(conv1.forward(x)));   // [N, out, H/s, W/s]
        out = bn2.forward(conv2.forward(out));
        Tensor identity = downsample == null ? x : downsample.forward(x);
        return relu.forward(out.add(identity));
    }
}
