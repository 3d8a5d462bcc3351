// ResNet: a residual network of BasicBlocks for small images (MNIST, Fashion-MNIST, CIFAR): a 3x3 stem
// (no max pool), stages of configurable width, depth and stride, global average pooling and a linear head.
// Names and initialisation follow torchvision's ResNet, so its state_dict keys and statistics carry over.
package dev.kindling.models.vision;

import dev.kindling.nn.AdaptiveAvgPool2d;
import dev.kindling.nn.BatchNorm;
import dev.kindling.nn.BatchNorm2d;
import dev.kindling.nn.Conv2d;
import dev.kindling.nn.ConvNd;
import dev.kindling.nn.Init;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * ResNet with {@link BasicBlock}s. Keys as torchvision: {@code conv1.weight}, {@code bn1.*},
 * {@code layer1.0.conv1.weight}, {@code layer2.0.downsample.0.weight}, ..., {@code fc.weight}, {@code fc.bias}.
 *
 * <p>Initialisation as torchvision: every conv weight Kaiming-normal (fan_out, relu), every batch norm weight 1
 * and bias 0 (with {@code zeroInitResidual}, each block's {@code bn2.weight} 0), the head PyTorch's Linear default.
 *
 * <p>Shape: {@code [N, inChannels, H, W] -> [N, numClasses]} (logits), any H, W >= 1.
 *
 * <p>Example:
 * <pre>{@code
 * var net = ResNet.small(10, new Generator(0));   // stem 16 -> [16, 32, 64] x 2 blocks, strides [1, 2, 2]
 * Tensor logits = net.forward(images);            // [B, 1, 28, 28] -> [B, 10]
 * }</pre>
 */
public class ResNet extends Module {
    /**
     * The architecture: input channels, stem width, per-stage widths, block counts and first-block strides (the
     * three arrays of equal length), classes, and whether each block's last BN starts at 0.
     */
    public record Config(int inChannels, int stemWidth, int[] widths, int[] blocks, int[] strides, int numClasses,
            boolean zeroInitResidual) {
        public Config {
            if (inChannels < 1 || stemWidth < 1 || numClasses < 1) throw new IllegalArgumentException("ResNet.Config: "
                    + "inChannels, stemWidth and numClasses must be >= 1, got " + inChannels + ", " + stemWidth + ", "
                    + numClasses);
            if (widths == null || blocks == null || strides == null || widths.length == 0
                    || widths.length != blocks.length || widths.length != strides.length)
                throw new IllegalArgumentException("ResNet.Config: widths, blocks and strides must be non-empty and of "
                        + "equal length, got " + Arrays.toString(widths) + ", " + Arrays.toString(blocks) + ", "
                        + Arrays.toString(strides));
            for (int i = 0; i < widths.length; i++)
                if (widths[i] < 1 || blocks[i] < 1 || strides[i] < 1) throw new IllegalArgumentException("ResNet.Config: "
                        + "stage " + (i + 1) + " needs width, blocks and stride >= 1, got " + widths[i] + ", " + blocks[i]
                        + ", " + strides[i]);
            widths = widths.clone();
            blocks = blocks.clone();
            strides = strides.clone();
        }

        /** The small ResNet: stem 16, stages [16, 32, 64] x 2 blocks, strides [1, 2, 2] (ResNet-14 of He et al.'s CIFAR family). */
        public static Config small(int inChannels, int numClasses) {
            return new Config(inChannels, 16, new int[] {16, 32, 64}, new int[] {2, 2, 2}, new int[] {1, 2, 2},
                    numClasses, false);
        }

        public Config zeroInitResidual(boolean z) {
            return new Config(inChannels, stemWidth, widths, blocks, strides, numClasses, z);
        }

        @Override
        public int[] widths() {
            return widths.clone();
        }

        @Override
        public int[] blocks() {
            return blocks.clone();
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }
    }

    private final Config config;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final ReLU relu;
    private final Sequential[] layers;
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    /** {@link Config#small} for 1-channel images (MNIST, Fashion-MNIST). */
    public static ResNet small(int numClasses, Generator g) {
        return new ResNet(Config.small(1, numClasses), g);
    }

    /** {@link Config#small} for {@code inChannels}-channel images (3 for CIFAR). */
    public static ResNet small(int inChannels, int numClasses, Generator g) {
        return new ResNet(Config.small(inChannels, numClasses), g);
    }

    /** A ResNet of the given architecture; parameters drawn from {@code g}. */
    public ResNet(Config config, Generator g) {
        this.config = config;
        conv1 = registerModule("conv1", BasicBlock.conv3x3(config.inChannels(), config.stemWidth(), 1, g));
        bn1 = registerModule("bn1", new BatchNorm2d(config.stemWidth()));
        relu = registerModule("relu", new ReLU());
        int[] widths = config.widths(), blocks = config.blocks(), strides = config.strides();
        layers = new Sequential[widths.length];
        int in = config.stemWidth();
        for (int s = 0; s < widths.length; s++) {
            Sequential stage = new Sequential();
            for (int b = 0; b < blocks[s]; b++) {
                stage.add(new BasicBlock(in, widths[s], b == 0 ? strides[s] : 1, g));
                in = widths[s];
            }
            layers[s] = registerModule("layer" + (s + 1), stage);
        }
        avgpool = registerModule("avgpool", new AdaptiveAvgPool2d(1));
        fc = registerModule("fc", new Linear(in, config.numClasses(), g));
        initialise(g);
    }

    /** torchvision's re-initialisation, visiting modules in its order (pre-order, registration order). */
    private void initialise(Generator g) {
        for (Module m : namedModules().values()) {
            if (m instanceof ConvNd conv) {
                Init.kaimingNormal_(conv.weight(), 0, "fan_out", "relu", g);
            } else if (m instanceof BatchNorm bn) {
                Init.ones_(bn.weight());
                Init.zeros_(bn.bias());
            }
        }
        if (config.zeroInitResidual())
            for (Module m : namedModules().values()) if (m instanceof BasicBlock block) Init.zeros_(block.bn2().weight());
    }

    public Config config() {
        return config;
    }

    /** The classifier head. */
    public Linear fc() {
        return fc;
    }

    /** Features before the head: {@code [N, inChannels, H, W] -> [N, lastWidth]}. */
    public Tensor features(Tensor x) {
        if (x.dim() != 4 || x.size(1) != config.inChannels()) throw new IllegalArgumentException("ResNet: expected "
                + "input [N, " + config.inChannels() + ", H, W], got shape " + Shape.str(x.shape()));
        x = relu.forward(bn1.forward(conv1.forward(x)));   // [N, stem, H, W]
        for (Sequential stage : layers) x = stage.forward(x);
        return avgpool.forward(x).flatten(1, -1);          // [N, lastWidth]
    }

    @Override
    public Tensor forward(Tensor x) {
        return fc.forward(features(x));                    // [N, numClasses]
    }
}
