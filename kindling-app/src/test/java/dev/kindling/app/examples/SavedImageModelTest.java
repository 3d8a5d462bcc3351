package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.models.vision.LeNet5;
import dev.kindling.models.vision.ResNet;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.vision.Compose;
import dev.kindling.vision.Normalize;
import dev.kindling.vision.RandomRotation;
import dev.kindling.vision.RandomShift;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved-model format of the vision examples, its preprocessing, and the augmented dataset. */
class SavedImageModelTest {
    static final List<String> DIGITS = Mnist.CLASSES;

    static SavedImageModel spec(Module model, String preprocess) {
        var d = SavedImageModel.describe(model);
        return new SavedImageModel(d.getKey(), d.getValue(), 1, 28, 28, preprocess, new float[] {0.13f},
                new float[] {0.31f}, DIGITS, Map.of("dataset", "test"));
    }

    static float[] logits(Module m, Tensor x) {
        m.eval();
        try (var noGrad = Autograd.noGrad()) {
            return m.forward(x).toFloatArray();
        }
    }

    @Test
    void lenetAndResNetRoundTripWithIdenticalOutputs(@TempDir Path dir) throws IOException {
        Tensor x = Tensor.randn(new Generator(3), 2, 1, 28, 28);
        Module[] models = {new LeNet5(10, LeNet5.Activation.TANH, LeNet5.Pool.AVG, new Generator(1)),
            new ResNet(new ResNet.Config(1, 8, new int[] {8, 16}, new int[] {1, 2}, new int[] {1, 2}, 10, false),
                    new Generator(2))};
        for (Module m : models) {
            Path d = dir.resolve(m.getClass().getSimpleName());
            spec(m, SavedImageModel.DIGIT).save(d, m);
            SavedImageModel.Loaded loaded = SavedImageModel.load(d);
            assertThat(loaded.model().getClass()).isEqualTo(m.getClass());
            assertThat(loaded.model().isTraining()).isFalse();
            assertThat(loaded.spec().classes()).isEqualTo(DIGITS);
            assertThat(loaded.spec().mean()).containsExactly(0.13f);
            assertThat(loaded.spec().info()).containsEntry("dataset", "test");
            assertThat(logits(loaded.model(), x)).containsExactly(logits(m, x));
            // The weights file or model.json name the same model.
            assertThat(logits(SavedImageModel.load(d.resolve("model.safetensors")).model(), x)).containsExactly(logits(m, x));
            assertThat(logits(SavedImageModel.load(d.resolve("model.json")).model(), x)).containsExactly(logits(m, x));
        }
        assertThat(SavedImageModel.load(dir.resolve("ResNet")).spec().config()).containsEntry("blocks", List.of(1L, 2L));
    }

    @Test
    void loadErrorsSayWhatIsWrong(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> SavedImageModel.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("no model.json at");
        var m = new LeNet5(10, new Generator(0));
        spec(m, SavedImageModel.DIGIT).save(dir, m);
        String json = Files.readString(dir.resolve("model.json"));
        Files.writeString(dir.resolve("model.json"), json.replace("\"lenet5\"", "\"vgg\""));
        assertThatThrownBy(() -> SavedImageModel.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("unknown architecture 'vgg'");
        Files.writeString(dir.resolve("model.json"), json.replace("\"num_classes\":10", "\"num_classes\":9"));
        assertThatThrownBy(() -> SavedImageModel.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("does not fit the lenet5");
        Files.writeString(dir.resolve("model.json"), json);
        Files.delete(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> SavedImageModel.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("is missing");
    }

    @Test
    void grayscalePreparationInvertsALightBackgroundAndKeepsProportions() {
        // A 3-channel 20x40 picture: white background, a dark 10x10 square in the middle.
        float[] v = new float[3 * 20 * 40];
        java.util.Arrays.fill(v, 1f);
        for (int c = 0; c < 3; c++)
            for (int y = 5; y < 15; y++)
                for (int x = 15; x < 25; x++) v[c * 800 + y * 40 + x] = 0f;
        Tensor out = SavedImageModel.grayscaleOnDark(Tensor.of(v, 3, 20, 40), 28, 28);   // [1, 28, 28]
        assertThat(out.shape()).containsExactly(1, 28, 28);
        float[] o = out.toFloatArray();
        assertThat(o[14 * 28 + 14]).isGreaterThan(0.9f);   // the square, now light
        assertThat(o[0]).isLessThan(0.05f);                // background, now dark (also the padding)
        assertThat(o[27 * 28 + 14]).isLessThan(0.05f);
        // prepare() normalises on top.
        var spec = spec(new LeNet5(10, new Generator(0)), SavedImageModel.GRAYSCALE);
        assertThat(spec.prepare(Tensor.of(v, 3, 20, 40)).toFloatArray()[0]).isCloseTo((o[0] - 0.13f) / 0.31f,
                org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void augmentedDatasetIsReproducibleAndDrawsFreshTransformsEachTime() {
        Tensor x = Tensor.rand(new Generator(0), 4, 1, 28, 28);
        var split = new ImageData.Split(x, Tensor.ofLongs(new long[] {0, 1, 2, 3}, 4));
        java.util.function.Supplier<ImageData.Augmented> make = () -> {
            var g = new Generator(9);
            return new ImageData.Augmented(split, new Compose(new RandomRotation(10, g), new RandomShift(2, g),
                    new Normalize(0.5f, 0.25f)));
        };
        ImageData.Augmented a = make.get(), b = make.get();
        Tensor[] first = a.get(2);
        assertThat(first[0].shape()).containsExactly(1, 28, 28);
        assertThat(first[1].toLongArray()).containsExactly(2L);
        assertThat(b.get(2)[0].toFloatArray()).containsExactly(first[0].toFloatArray());
        assertThat(a.get(2)[0].toFloatArray()).isNotEqualTo(first[0].toFloatArray());   // a new draw
        assertThatThrownBy(() -> a.get(4)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index 4");
    }

    @Test
    void statisticsAndSubsets() {
        var s = new ImageData.Split(Tensor.of(new float[] {0, 1, 0, 1}, 4, 1, 1, 1), Tensor.ofLongs(new long[] {0, 1, 0, 1}, 4));
        assertThat(ImageData.meanStd(s.x())).containsExactly(0.5f, 0.5f);
        assertThat(s.limit(0, 1).size()).isEqualTo(4);
        var two = s.limit(2, 1);
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.x().shape()).containsExactly(2, 1, 1, 1);
        assertThat(s.select(new int[] {3, 0}).labels()).containsExactly(1, 0);
    }
}
