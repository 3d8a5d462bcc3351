package dev.kindling.models.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Module;
import dev.kindling.optim.Adam;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LeNet-5 and the small ResNet: shapes, parameter counts, state dict keys, gradients, a few training steps. */
class VisionModelsTest {
    static Tensor labels(long... v) {
        return Tensor.ofLongs(v, v.length);
    }

    /** Loss before and after {@code steps} Adam steps on one fixed batch. */
    static float[] trainSteps(Module model, Tensor x, Tensor y, int steps, double lr) {
        var loss = new CrossEntropyLoss();
        var opt = new Adam(model.parameters(), lr);
        float first = Float.NaN, last = Float.NaN;
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            Tensor l = loss.forward(model.forward(x), y);
            if (i == 0) first = l.item();
            l.backward();
            opt.step();
        }
        model.eval();
        last = loss.forward(model.forward(x), y).item();
        model.train();
        return new float[] {first, last};
    }

    // ---------------------------------------------------------------- LeNet-5

    @Test
    void leNetShapesKeysAndParameterCount() {
        var net = new LeNet5(10, new Generator(0));
        assertThat(net.stateDict().keySet()).containsExactly("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
        assertThat(net.stateDict().get("conv1.weight").shape()).containsExactly(6, 1, 5, 5);
        assertThat(net.stateDict().get("fc1.weight").shape()).containsExactly(120, 400);
        assertThat(net.numParameters()).isEqualTo(156 + 2416 + 48120 + 10164 + 850);   // 61,706
        assertThat(net.forward(Tensor.zeros(3, 1, 28, 28)).shape()).containsExactly(3, 10);
        var classic = new LeNet5(3, 7, LeNet5.Activation.TANH, LeNet5.Pool.AVG, new Generator(0));
        assertThat(classic.forward(Tensor.zeros(2, 3, 28, 28)).shape()).containsExactly(2, 7);
        assertThat(classic.toString()).contains("(act): Tanh()").contains("(pool): AvgPool2d(kernel_size=2");
        assertThatThrownBy(() -> net.forward(Tensor.zeros(1, 1, 32, 32))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LeNet5").hasMessageContaining("[1, 1, 32, 32]");
    }

    @Test
    void leNetBackwardAndTraining() {
        var g = new Generator(1);
        var net = new LeNet5(10, g);
        Tensor x = Tensor.randn(g, 8, 1, 28, 28);
        Tensor y = labels(0, 1, 2, 3, 4, 5, 6, 7);
        new CrossEntropyLoss().forward(net.forward(x), y).backward();
        for (var e : net.namedParameters().entrySet()) {
            assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
            assertThat(e.getValue().grad().shape()).as(e.getKey()).containsExactly(e.getValue().shape());
        }
        net.zeroGrad();
        float[] losses = trainSteps(net, x, y, 15, 3e-3);
        assertThat(losses[1]).isLessThan(losses[0] * 0.5f);
    }

    // ---------------------------------------------------------------- ResNet

    @Test
    void resNetKeysShapesAndParameterCount() {
        ResNet net = ResNet.small(10, new Generator(0));
        Map<String, Tensor> sd = net.stateDict();
        assertThat(List.copyOf(sd.keySet()).subList(0, 6)).containsExactly("conv1.weight", "bn1.weight", "bn1.bias",
                "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked");
        assertThat(sd).containsKeys("layer1.0.conv1.weight", "layer1.1.bn2.running_var", "layer2.0.downsample.0.weight",
                "layer2.0.downsample.1.running_mean", "layer3.1.conv2.weight", "fc.weight", "fc.bias");
        assertThat(sd).doesNotContainKeys("layer1.0.downsample.0.weight", "layer2.1.downsample.0.weight",
                "conv1.bias", "layer1.0.conv1.bias");
        assertThat(List.copyOf(sd.keySet()).subList(sd.size() - 2, sd.size())).containsExactly("fc.weight", "fc.bias");
        assertThat(sd.get("layer2.0.conv1.weight").shape()).containsExactly(32, 16, 3, 3);
        assertThat(sd.get("layer2.0.downsample.0.weight").shape()).containsExactly(32, 16, 1, 1);
        assertThat(sd.get("fc.weight").shape()).containsExactly(10, 64);
        // Independent count: convs (no bias), BN (2 per channel), projections, head.
        long expected = 9 * 16                                           // stem conv
                + 2 * 16                                                 // stem bn
                + 2 * (2 * 9 * 16 * 16 + 2 * 2 * 16)                     // layer1: 2 identity blocks
                + (9 * 16 * 32 + 9 * 32 * 32 + 2 * 2 * 32 + 16 * 32 + 2 * 32) + (2 * 9 * 32 * 32 + 2 * 2 * 32)
                + (9 * 32 * 64 + 9 * 64 * 64 + 2 * 2 * 64 + 32 * 64 + 2 * 64) + (2 * 9 * 64 * 64 + 2 * 2 * 64)
                + 64 * 10 + 10;
        assertThat(net.numParameters()).isEqualTo(expected).isEqualTo(174_970);
        assertThat(net.forward(Tensor.zeros(2, 1, 28, 28)).shape()).containsExactly(2, 10);
        assertThat(net.features(Tensor.zeros(2, 1, 9, 9)).shape()).containsExactly(2, 64);
        assertThat(ResNet.small(3, 100, new Generator(0)).forward(Tensor.zeros(1, 3, 32, 32)).shape())
                .containsExactly(1, 100);
        assertThatThrownBy(() -> net.forward(Tensor.zeros(1, 3, 28, 28))).hasMessageContaining("ResNet");
        assertThatThrownBy(() -> new ResNet.Config(1, 16, new int[] {16}, new int[] {2, 2}, new int[] {1}, 10, false))
                .hasMessageContaining("equal length");
    }

    @Test
    void resNetInitialisationIsTorchvisions() {
        var cfg = new ResNet.Config(1, 16, new int[] {64}, new int[] {1}, new int[] {1}, 10, false);
        ResNet net = new ResNet(cfg, new Generator(0));
        // Kaiming normal, fan_out, relu: std = sqrt(2 / (out * 3 * 3)).
        float[] w = net.stateDict().get("layer1.0.conv2.weight").toFloatArray();   // [64, 64, 3, 3]
        double sum = 0, sq = 0;
        for (float v : w) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / w.length, std = Math.sqrt(sq / w.length - mean * mean);
        assertThat(std).isCloseTo(Math.sqrt(2.0 / (64 * 9)), org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(net.stateDict().get("layer1.0.bn1.weight").toFloatArray()).containsOnly(1f);
        assertThat(net.stateDict().get("layer1.0.bn1.bias").toFloatArray()).containsOnly(0f);
        ResNet zero = new ResNet(cfg.zeroInitResidual(true), new Generator(0));
        assertThat(zero.stateDict().get("layer1.0.bn2.weight").toFloatArray()).containsOnly(0f);
        assertThat(zero.stateDict().get("bn1.weight").toFloatArray()).containsOnly(1f);
        // Same seed, same model.
        assertThat(new ResNet(cfg, new Generator(0)).stateDict().get("fc.weight").toFloatArray())
                .containsExactly(net.stateDict().get("fc.weight").toFloatArray());
    }

    @Test
    void resNetBackwardTrainingAndStateDictRoundTrip() {
        var g = new Generator(2);
        var cfg = new ResNet.Config(1, 8, new int[] {8, 16}, new int[] {1, 1}, new int[] {1, 2}, 4, false);
        ResNet net = new ResNet(cfg, g);
        Tensor x = Tensor.randn(g, 8, 1, 12, 12);
        Tensor y = labels(0, 1, 2, 3, 0, 1, 2, 3);
        new CrossEntropyLoss().forward(net.forward(x), y).backward();
        for (var e : net.namedParameters().entrySet())
            assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
        assertThat(net.stateDict().get("bn1.num_batches_tracked").getLong()).isEqualTo(1);
        net.zeroGrad();
        float[] losses = trainSteps(net, x, y, 25, 1e-2);
        assertThat(losses[1]).isLessThan(losses[0] * 0.5f);
        // A second model loads the trained state and gives the same eval logits.
        ResNet copy = new ResNet(cfg, new Generator(99));
        assertThat(copy.loadStateDict(net.stateDict()).isClean()).isTrue();
        net.eval();
        copy.eval();
        assertThat(copy.forward(x).toFloatArray()).containsExactly(net.forward(x).toFloatArray());
    }
}
