package dev.kindling.nn;

import static dev.kindling.nn.LayersTest.assertClose;
import static dev.kindling.nn.LayersTest.assertKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.ops.Conv;
import dev.kindling.ops.Pooling;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vision layers: parameters and default init, forward against the functional ops, repr, and the tiny_cnn golden model. */
class VisionLayersTest {
    // ---------------------------------------------------------------- convolutions

    @Test
    void conv2dParametersInitForwardAndRepr() {
        var conv = new Conv2d(3, 8, 3, ConvOptions.DEFAULT.stride(2).padding(1), new Generator(0));
        assertKeys(conv, "weight", new int[] {8, 3, 3, 3}, "bias", new int[] {8});
        assertThat(conv.numParameters()).isEqualTo(8 * 27 + 8);
        double bound = 1 / Math.sqrt(27);   // kaiming_uniform(a=sqrt(5)) and the bias share 1/sqrt(fan_in)
        for (float w : conv.weight().toFloatArray()) assertThat(Math.abs(w)).isLessThanOrEqualTo((float) bound);
        for (float b : conv.bias().toFloatArray()) assertThat(Math.abs(b)).isLessThanOrEqualTo((float) bound);
        Tensor x = Tensor.randn(new Generator(1), 2, 3, 9, 9);
        Tensor y = conv.forward(x);
        assertThat(y.shape()).containsExactly(2, 8, 5, 5);
        assertClose(y, Conv.conv2d(x, conv.weight(), conv.bias(), 2, 1), 0f);
        assertThat(conv).hasToString("Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))");
        y.sum().backward();
        assertThat(conv.weight().grad().shape()).containsExactly(8, 3, 3, 3);
        assertThat(conv.bias().grad().toFloatArray()).containsOnly(2f * 25);
    }

    @Test
    void conv2dDefaultInitSpreadsOverTheWholeBound() {
        var conv = new Conv2d(16, 32, 3, new Generator(3));
        float bound = (float) (1 / Math.sqrt(16 * 9)), max = 0;
        for (float w : conv.weight().toFloatArray()) max = Math.max(max, Math.abs(w));
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.95f * bound);
        // Same seed, same weights (weight drawn first, then bias, as PyTorch).
        assertThat(new Conv2d(16, 32, 3, new Generator(3)).weight().toFloatArray())
                .containsExactly(conv.weight().toFloatArray());
    }

    @Test
    void conv2dGroupsDilationRectangularKernelNoBias() {
        var o = ConvOptions.DEFAULT.padding(1, 2).dilation(2).groups(2).bias(false);
        var conv = new Conv2d(4, 6, 3, 5, o, new Generator(0));
        assertKeys(conv, "weight", new int[] {6, 2, 3, 5});
        Tensor x = Tensor.randn(new Generator(1), 1, 4, 8, 10);
        assertClose(conv.forward(x), Conv.conv2d(x, conv.weight(), null, new int[] {1, 1}, new int[] {1, 2},
                new int[] {2, 2}, 2), 0f);
        assertThat(conv).hasToString("Conv2d(4, 6, kernel_size=(3, 5), stride=(1, 1), padding=(1, 2), dilation=(2, 2), "
                + "groups=2, bias=false)");
        // Unbatched input, as PyTorch.
        assertThat(conv.forward(x.squeeze(0)).shape()).containsExactly(6, 6, 6);
    }

    @Test
    void convErrorsNameTheLayer() {
        var g = new Generator(0);
        assertThatThrownBy(() -> new Conv2d(3, 8, 3, ConvOptions.DEFAULT.groups(2), g))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d").hasMessageContaining("groups");
        assertThatThrownBy(() -> new Conv2d(3, 8, 0, g)).hasMessageContaining("kernel size");
        assertThatThrownBy(() -> ConvOptions.DEFAULT.stride(0)).hasMessageContaining("stride");
        assertThatThrownBy(() -> new Conv2d(3, 8, 3, ConvOptions.DEFAULT.outputPadding(1), g))
                .hasMessageContaining("ConvTranspose2d only");
        assertThatThrownBy(() -> new Conv1d(3, 8, 3, ConvOptions.DEFAULT.stride(1, 2), g))
                .hasMessageContaining("Conv1d");
        assertThatThrownBy(() -> new Conv2d(3, 8, 3, g).forward(Tensor.zeros(1, 4, 5, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d");
    }

    @Test
    void conv1dWrapsTheFunctionalOp() {
        var conv = new Conv1d(4, 6, 3, ConvOptions.DEFAULT.stride(2).padding(1).dilation(2), new Generator(0));
        assertKeys(conv, "weight", new int[] {6, 4, 3}, "bias", new int[] {6});
        Tensor x = Tensor.randn(new Generator(1), 2, 4, 11);
        assertClose(conv.forward(x), Conv.conv1d(x, conv.weight(), conv.bias(), 2, 1, 2, 1), 0f);
        assertThat(conv.forward(x).shape()).containsExactly(2, 6, 5);
        assertThat(conv).hasToString("Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,))");
    }

    @Test
    void convTranspose2dShapesInitAndForward() {
        var up = new ConvTranspose2d(4, 6, 3, ConvOptions.DEFAULT.stride(2).padding(1).outputPadding(1),
                new Generator(0));
        assertKeys(up, "weight", new int[] {4, 6, 3, 3}, "bias", new int[] {6});
        double bound = 1 / Math.sqrt(6 * 9);   // PyTorch's fan_in of a transposed weight is weight.size(1) * k*k
        for (float w : up.weight().toFloatArray()) assertThat(Math.abs(w)).isLessThanOrEqualTo((float) bound);
        Tensor x = Tensor.randn(new Generator(1), 2, 4, 5, 5);
        Tensor y = up.forward(x);
        assertThat(y.shape()).containsExactly(2, 6, 10, 10);
        assertClose(y, Conv.convTranspose2d(x, up.weight(), up.bias(), 2, 1, 1), 0f);
        assertThat(up).hasToString("ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
                + "output_padding=(1, 1))");
    }

    // ---------------------------------------------------------------- pooling, dropout, upsampling

    @Test
    void poolingLayers() {
        Tensor x = Tensor.randn(new Generator(2), 2, 3, 8, 8);
        assertClose(new MaxPool2d(2).forward(x), Pooling.maxPool2d(x, 2, 2, 0), 0f);
        assertClose(new MaxPool2d(3, 2, 1).forward(x), Pooling.maxPool2d(x, 3, 2, 1), 0f);
        assertClose(new AvgPool2d(2).forward(x), Pooling.avgPool2d(x, 2, 2, 0), 0f);
        assertClose(new AvgPool2d(new int[] {3}, new int[] {2}, new int[] {1}, false).forward(x),
                Pooling.avgPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, false), 0f);
        assertClose(new AdaptiveAvgPool2d(1).forward(x), x.mean(3, true).mean(2, true), 1e-6f);
        assertThat(new AdaptiveAvgPool2d(3, 2).forward(x).shape()).containsExactly(2, 3, 3, 2);
        assertThat(new MaxPool2d(2).stateDict()).isEmpty();
        assertThat(new MaxPool2d(2)).hasToString("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=false)");
        assertThat(new AvgPool2d(2)).hasToString("AvgPool2d(kernel_size=2, stride=2, padding=0)");
        assertThat(new AdaptiveAvgPool2d(1)).hasToString("AdaptiveAvgPool2d(output_size=1)");
        assertThat(new AdaptiveAvgPool2d(3, 2)).hasToString("AdaptiveAvgPool2d(output_size=(3, 2))");
        assertThatThrownBy(() -> new MaxPool2d(0)).hasMessageContaining("MaxPool2d").hasMessageContaining("kernel");
    }

    @Test
    void dropout2dZeroesWholeChannelsReproducibly() {
        Tensor x = Tensor.ones(4, 16, 3, 3);
        var drop = new Dropout2d(0.5f, new Generator(7));
        Tensor y = drop.forward(x);
        float[] v = y.toFloatArray();
        int zeroed = 0;
        for (int plane = 0; plane < 64; plane++) {
            float first = v[plane * 9];
            assertThat(first).isIn(0f, 2f);
            for (int i = 0; i < 9; i++) assertThat(v[plane * 9 + i]).isEqualTo(first);   // one decision per channel
            if (first == 0) zeroed++;
        }
        assertThat(zeroed).isBetween(16, 48);
        assertThat(new Dropout2d(0.5f, new Generator(7)).forward(x).toFloatArray()).containsExactly(v);
        drop.eval();
        assertThat(drop.forward(x)).isSameAs(x);
        assertThat(drop).hasToString("Dropout2d(p=0.5)");
        // The gradient is the mask.
        drop.train();
        Tensor leaf = Tensor.ones(1, 8, 2, 2).requiresGrad(true);
        Tensor out = drop.forward(leaf);
        out.sum().backward();
        assertThat(leaf.grad().toFloatArray()).containsExactly(out.detach().toFloatArray());
        assertThatThrownBy(() -> new Dropout2d(1f, new Generator(0))).hasMessageContaining("Dropout2d");
    }

    @Test
    void upsampleNearest() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertThat(new Upsample(2).forward(x).toFloatArray())
                .containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
        assertThat(Upsample.ofSize(3, 4).forward(x).shape()).containsExactly(1, 1, 3, 4);
        assertThat(new Upsample(2)).hasToString("Upsample(scale_factor=2.0, mode='nearest')");
        assertThat(Upsample.ofSize(3, 4)).hasToString("Upsample(size=(3, 4), mode='nearest')");
        assertThatThrownBy(() -> new Upsample(0)).hasMessageContaining("Upsample");
    }

    // ---------------------------------------------------------------- golden model

    /** The network of golden/models/tiny_cnn/expected.json, with its PyTorch attribute names. */
    static final class TinyCnn extends Module {
        final Conv2d conv1, conv2;
        final BatchNorm2d bn1, bn2;
        final MaxPool2d pool = new MaxPool2d(2);
        final Linear fc;

        TinyCnn(Generator g) {
            conv1 = registerModule("conv1", new Conv2d(1, 4, 3, 1, 1, g));
            bn1 = registerModule("bn1", new BatchNorm2d(4));
            conv2 = registerModule("conv2", new Conv2d(4, 8, 3, 1, 1, g));
            bn2 = registerModule("bn2", new BatchNorm2d(8));
            fc = registerModule("fc", new Linear(392, 10, g));
        }

        @Override
        public Tensor forward(Tensor x) {
            x = pool.forward(bn1.forward(conv1.forward(x)).relu());   // [N, 4, 14, 14]
            x = pool.forward(bn2.forward(conv2.forward(x)).relu());   // [N, 8, 7, 7]
            return fc.forward(x.flatten(1, -1));                      // [N, 10]
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(VisionLayersTest.class.getResource("/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    /** Flattens nested JSON number lists into floats, recording the shape. */
    static float[] flatten(Object nested, List<Integer> shape, int depth) {
        List<Float> out = new ArrayList<>();
        collect(nested, shape, depth, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) f[i] = out.get(i);
        return f;
    }

    private static void collect(Object o, List<Integer> shape, int depth, List<Float> out) {
        if (o instanceof List<?> list) {
            if (shape.size() == depth) shape.add(list.size());
            for (Object e : list) collect(e, shape, depth + 1, out);
        } else {
            out.add(((Number) o).floatValue());
        }
    }

    static Tensor tensorFromJson(Object nested) {
        List<Integer> shape = new ArrayList<>();
        float[] data = flatten(nested, shape, 0);
        return Tensor.of(data, shape.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void tinyCnnGoldenLogits() throws Exception {
        Map<String, Object> expected;
        try (InputStream in = VisionLayersTest.class.getResourceAsStream("/golden/models/tiny_cnn/expected.json")) {
            expected = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        var model = new TinyCnn(new Generator(0));
        var result = model.loadStateDict(Safetensors.load(resource("golden/models/tiny_cnn/model.safetensors")));
        assertThat(result.isClean()).isTrue();
        assertThat(model.bn1.runningMean().toFloatArray()).doesNotContain(0f);   // non-trivial statistics loaded
        model.eval();
        Tensor x = tensorFromJson(expected.get("input"));      // [3, 1, 28, 28]
        Tensor want = tensorFromJson(expected.get("logits"));  // [3, 10]
        Tensor got = model.forward(x);
        assertThat(got.shape()).containsExactly(3, 10);
        float[] a = got.toFloatArray(), b = want.toFloatArray();
        double maxErr = 0;
        for (int i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
        System.out.println("tiny_cnn max |logit error| = " + maxErr);
        assertThat(maxErr).isLessThan(1e-4);
        // Eval mode must not touch the running statistics.
        assertThat(model.stateDict().get("bn2.running_var").toFloatArray()).containsExactly(
                Safetensors.load(resource("golden/models/tiny_cnn/model.safetensors")).get("bn2.running_var").toFloatArray());
    }
}
