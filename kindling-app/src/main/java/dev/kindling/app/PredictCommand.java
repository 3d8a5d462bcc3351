// PredictCommand: `kindling predict MODEL IMAGE`, classifies a user's picture with an image classifier saved by
// the vision examples (model.json + model.safetensors): the model's own preprocessing (MNIST-style digit
// centring, or grayscale on a dark background for clothes), its training normalisation, then the top classes.
package dev.kindling.app;

import dev.kindling.app.examples.SavedImageModel;
import dev.kindling.ops.Softmax;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Tensor;
import dev.kindling.vision.Images;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kindling predict MODEL IMAGE [--top K] [--save-input PNG]}. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Classify a picture with a model saved by `kindling example mnist` or `kindling example fashion-mnist`:",
            "prints the top classes with their probabilities, then a RESULT line.",
            "Example: ./kindling predict runs/mnist my-digit.png"
        })
public final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The run directory (holding model.json and "
            + "model.safetensors), model.json, or the .safetensors weights beside it.")
    Path model;

    @Parameters(index = "1", paramLabel = "IMAGE", description = "A PNG, JPEG, GIF or BMP picture of one digit "
            + "(MNIST models) or one piece of clothing (Fashion-MNIST models).")
    Path image;

    @Option(names = "--top", paramLabel = "K", description = "How many classes to list (default: ${DEFAULT-VALUE}).")
    int top = 3;

    @Option(names = "--save-input", paramLabel = "PNG", description = "Also write the prepared model input "
            + "(e.g. 28x28, before normalisation) to this image file, to see what the model sees.")
    Path saveInput;

    /** One class and its probability. */
    public record Ranked(int index, String name, double probability) {}

    /** The prepared input {@code [C, H, W]} (normalised) and the classes by decreasing probability. */
    public record Prediction(SavedImageModel model, Tensor input, List<Ranked> ranking) {
        public Ranked best() {
            return ranking.get(0);
        }
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        if (top < 1) {
            System.err.println("kindling predict: --top must be >= 1, got " + top);
            return CommandLine.ExitCode.USAGE;
        }
        try {
            run(out, model, image, top, saveInput);
            return CommandLine.ExitCode.OK;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("kindling predict: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** Loads the model, classifies {@code image} and prints the top {@code top} classes and the RESULT line. */
    public static Prediction run(PrintStream out, Path modelPath, Path image, int top, Path saveInput) throws IOException {
        SavedImageModel.Loaded loaded = SavedImageModel.load(modelPath);
        if (!Files.isRegularFile(image)) throw new IOException("no image file at " + image);
        Prediction p = predict(loaded, Images.read(image));
        SavedImageModel spec = loaded.spec();
        if (saveInput != null) Images.write(saveInput, unnormalise(spec, p.input()));
        Object dataset = spec.info().getOrDefault("dataset", spec.architecture());
        out.printf(Locale.ROOT, "Model: %s (%s, %d classes) from %s; input %s prepared as %dx%d %s%n",
                spec.architecture(), dataset, spec.numClasses(), loaded.json().getParent(), image.getFileName(),
                spec.height(), spec.width(), SavedImageModel.DIGIT.equals(spec.preprocess())
                        ? "(digit: grayscale, white on black, cropped, centred by mass)"
                        : "(grayscale, light background inverted, padded square, resized)");
        int k = Math.min(top, p.ranking().size());
        out.printf(Locale.ROOT, "Top %d:%n", k);
        for (int i = 0; i < k; i++) {
            Ranked r = p.ranking().get(i);
            out.printf(Locale.ROOT, "  %d. %-12s %6.2f%%%n", i + 1, r.name(), 100 * r.probability());
        }
        Ranked best = p.best();
        out.printf(Locale.ROOT, "RESULT predict class=%s probability=%.4f class_index=%d%n", quoted(best.name()),
                best.probability(), best.index());
        return p;
    }

    /** Classifies a picture ({@code [C, H, W]} in [0, 1]) with a loaded model. */
    public static Prediction predict(SavedImageModel.Loaded loaded, Tensor picture) {
        SavedImageModel spec = loaded.spec();
        Tensor x = spec.prepare(picture);   // [C, H, W], normalised
        float[] probs;
        try (var noGrad = Autograd.noGrad()) {
            Tensor logits = loaded.model().forward(x.unsqueeze(0));   // [1, K]
            probs = Softmax.softmax(logits, 1).contiguous().toFloatArray();
        }
        List<Ranked> ranking = new ArrayList<>();
        for (int i = 0; i < probs.length; i++) ranking.add(new Ranked(i, spec.classes().get(i), probs[i]));
        ranking.sort(Comparator.comparingDouble(Ranked::probability).reversed());
        return new Prediction(spec, x, List.copyOf(ranking));
    }

    /** The prepared input back in [0, 1] (undoing the normalisation), for --save-input. */
    private static Tensor unnormalise(SavedImageModel spec, Tensor x) {
        float[] v = x.contiguous().toFloatArray();
        int plane = v.length / x.size(0);
        for (int i = 0; i < v.length; i++) {
            int c = spec.mean().length == 1 ? 0 : i / plane;
            v[i] = Math.clamp(v[i] * spec.std()[c] + spec.mean()[c], 0f, 1f);
        }
        return Tensor.of(v, x.shape());
    }

    /** A class name as a RESULT value: quoted when it holds spaces ("Ankle boot"). */
    static String quoted(String name) {
        return name.chars().anyMatch(Character::isWhitespace) ? "\"" + name + "\"" : name;
    }
}
