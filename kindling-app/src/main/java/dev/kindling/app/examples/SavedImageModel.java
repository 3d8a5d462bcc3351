// SavedImageModel: the on-disk form of a trained image classifier, as the vision examples write it and
// `kindling predict` reads it: model.safetensors (the state dict) beside model.json (architecture, input size,
// preprocessing, normalisation and class names), enough to rebuild the network without the training code.
package dev.kindling.app.examples;

import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.models.vision.LeNet5;
import dev.kindling.models.vision.ResNet;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.vision.Images;
import dev.kindling.vision.Normalize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained image classifier's description. {@link #save} writes {@code model.json} and {@code model.safetensors}
 * into a directory; {@link #load} reads them back and {@link #build} recreates the network with those weights.
 *
 * <p>model.json, e.g. for LeNet-5 on MNIST:
 * <pre>{@code
 * {"format":"kindling-image-classifier","version":1,"architecture":"lenet5",
 *  "config":{"in_channels":1,"num_classes":10,"activation":"relu","pool":"max"},"weights":"model.safetensors",
 *  "input":{"channels":1,"height":28,"width":28},"preprocess":"digit",
 *  "normalize":{"mean":[0.1309],"std":[0.3084]},"classes":["0","1",...,"9"],"dataset":"mnist",...}
 * }</pre>
 *
 * @param architecture {@code lenet5} or {@code resnet}
 * @param config the constructor arguments of that architecture (see {@link #describe(Module)})
 * @param preprocess how predict turns a picture into the input: {@link #DIGIT} or {@link #GRAYSCALE}
 * @param mean per-channel normalisation mean (training statistics)
 * @param std per-channel normalisation standard deviation
 * @param classes class names, index = class id
 * @param info extra facts written for the reader (dataset, test accuracy, epochs...), not needed to rebuild
 */
public record SavedImageModel(String architecture, Map<String, Object> config, int channels, int height, int width,
        String preprocess, float[] mean, float[] std, List<String> classes, Map<String, Object> info) {
    public static final String FORMAT = "kindling-image-classifier";
    public static final String JSON = "model.json", WEIGHTS = "model.safetensors";
    /** Preprocessing of MNIST models: {@code Images.prepareDigit} (invert, crop, scale to 20 px, centre by mass). */
    public static final String DIGIT = "digit";
    /** Preprocessing of Fashion-MNIST models: grayscale, light background inverted, padded square, resized. */
    public static final String GRAYSCALE = "grayscale";

    public SavedImageModel {
        config = new LinkedHashMap<>(config);
        classes = List.copyOf(classes);
        info = new LinkedHashMap<>(info);
        mean = mean.clone();
        std = std.clone();
        if (mean.length != std.length || (mean.length != 1 && mean.length != channels))
            throw new IllegalArgumentException("SavedImageModel: normalisation needs 1 or " + channels + " values, got "
                    + mean.length + " means and " + std.length + " stds");
    }

    /**
     * The architecture name and config of {@code model} ({@link LeNet5} or {@link ResNet}).
     *
     * @throws IllegalArgumentException for other modules (they cannot be rebuilt by {@link #build})
     */
    public static Map.Entry<String, Map<String, Object>> describe(Module model) {
        LinkedHashMap<String, Object> c = new LinkedHashMap<>();
        if (model instanceof LeNet5 lenet) {
            Map<String, Tensor> p = lenet.namedParameters();
            c.put("in_channels", p.get("conv1.weight").size(1));
            c.put("num_classes", lenet.numClasses());
            c.put("activation", lenet.namedChildren().get("act") instanceof dev.kindling.nn.Tanh ? "tanh" : "relu");
            c.put("pool", lenet.namedChildren().get("pool") instanceof dev.kindling.nn.AvgPool2d ? "avg" : "max");
            return Map.entry("lenet5", c);
        }
        if (model instanceof ResNet resnet) {
            ResNet.Config rc = resnet.config();
            c.put("in_channels", rc.inChannels());
            c.put("stem_width", rc.stemWidth());
            c.put("widths", rc.widths());
            c.put("blocks", rc.blocks());
            c.put("strides", rc.strides());
            c.put("num_classes", rc.numClasses());
            return Map.entry("resnet", c);
        }
        throw new IllegalArgumentException("SavedImageModel: cannot describe a " + model.getClass().getSimpleName()
                + "; supported: LeNet5, ResNet");
    }

    /** A new, randomly initialised network of this architecture (load the weights with {@link #load}). */
    public Module newModel() {
        Generator g = new Generator(0);
        return switch (architecture) {
            case "lenet5" -> new LeNet5(intOf("in_channels"), intOf("num_classes"),
                    "tanh".equals(config.get("activation")) ? LeNet5.Activation.TANH : LeNet5.Activation.RELU,
                    "avg".equals(config.get("pool")) ? LeNet5.Pool.AVG : LeNet5.Pool.MAX, g);
            case "resnet" -> new ResNet(new ResNet.Config(intOf("in_channels"), intOf("stem_width"), intsOf("widths"),
                    intsOf("blocks"), intsOf("strides"), intOf("num_classes"), false), g);
            default -> throw new IllegalArgumentException("SavedImageModel: unknown architecture '" + architecture
                    + "' (expected lenet5 or resnet)");
        };
    }

    /**
     * A picture ({@code [C, H, W]} in [0, 1], as {@code Images.read} gives) prepared as this model's input: the
     * model's preprocessing (see {@link #DIGIT}, {@link #GRAYSCALE}), then the training normalisation.
     *
     * <p>Shape: {@code [C, H, W] -> [channels, height, width]}.
     */
    public Tensor prepare(Tensor image) {
        if (channels != 1) throw new IllegalArgumentException("SavedImageModel.prepare: only 1-channel models are "
                + "supported, this one takes " + channels);
        Tensor x = switch (preprocess) {
            case DIGIT -> {
                if (height != width) throw new IllegalArgumentException("SavedImageModel.prepare: digit preprocessing "
                        + "needs a square input, the model takes " + height + "x" + width);
                yield Images.prepareDigit(image, height);
            }
            case GRAYSCALE -> grayscaleOnDark(image, height, width);
            default -> throw new IllegalArgumentException("SavedImageModel.prepare: unknown preprocessing '"
                    + preprocess + "' (expected " + DIGIT + " or " + GRAYSCALE + ")");
        };
        return new Normalize(mean, std).apply(x);
    }

    /**
     * Fashion-MNIST style: grayscale; inverted when the background (the mean of the border pixels) is light,
     * since the data set shows light objects on black; padded with background to a square so the object keeps its
     * proportions; resized (bilinear) to {@code h x w}.
     *
     * <p>Shape: {@code [C, H, W] -> [1, h, w]}.
     */
    public static Tensor grayscaleOnDark(Tensor image, int h, int w) {
        Tensor gray = Images.toGrayscale(image);   // [1, H, W]
        int ih = gray.size(1), iw = gray.size(2);
        float[] v = gray.detach().contiguous().toFloatArray();
        double border = 0;
        int count = 0;
        for (int y = 0; y < ih; y++)
            for (int x = 0; x < iw; x++)
                if (y == 0 || x == 0 || y == ih - 1 || x == iw - 1) {
                    border += v[y * iw + x];
                    count++;
                }
        float bg = (float) (border / count);
        if (bg > 0.5f) {
            for (int i = 0; i < v.length; i++) v[i] = 1 - v[i];
            bg = 1 - bg;
        }
        int side = Math.max(ih, iw), top = (side - ih) / 2, left = (side - iw) / 2;
        float[] square = new float[side * side];
        java.util.Arrays.fill(square, bg);
        for (int y = 0; y < ih; y++) System.arraycopy(v, y * iw, square, (top + y) * side + left, iw);
        return Images.resize(Tensor.of(square, 1, side, side), h, w);   // [1, h, w]
    }

    /** Number of classes. */
    public int numClasses() {
        return classes.size();
    }

    // ---------------------------------------------------------------- files

    /** Writes {@code model.json} and {@code model.safetensors} (the state dict of {@code model}) into {@code dir}. */
    public void save(Path dir, Module model) throws IOException {
        Files.createDirectories(dir);
        Safetensors.save(dir.resolve(WEIGHTS), model.stateDict(), Map.of("format", FORMAT, "architecture", architecture));
        LinkedHashMap<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", 1);
        json.put("architecture", architecture);
        json.put("config", config);
        json.put("weights", WEIGHTS);
        json.put("input", ordered("channels", channels, "height", height, "width", width));
        json.put("preprocess", preprocess);
        json.put("normalize", ordered("mean", mean, "std", std));
        json.put("classes", classes);
        json.putAll(info);
        writeAtomically(dir.resolve(JSON), Json.write(json) + "\n");
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    /** A loaded description and its network, in eval mode with the saved weights. */
    public record Loaded(SavedImageModel spec, Module model, Path json, Path weights) {}

    /**
     * Reads a saved model from {@code path}: a directory holding model.json, the model.json itself, or the
     * safetensors file (model.json is then looked for beside it).
     *
     * @throws IOException when the files are missing or do not describe a model this version can rebuild
     */
    public static Loaded load(Path path) throws IOException {
        Path json;
        if (Files.isDirectory(path)) json = path.resolve(JSON);
        else if (path.getFileName().toString().endsWith(".json")) json = path;
        else json = path.toAbsolutePath().resolveSibling(JSON);
        if (!Files.isRegularFile(json)) throw new IOException("no " + JSON + " at " + json + ": expected a model "
                + "directory written by `kindling example mnist` or `kindling example fashion-mnist` (e.g. runs/mnist)");
        SavedImageModel spec;
        Path weights;
        try {
            Map<String, Object> m = Json.parseObject(Files.readString(json, StandardCharsets.UTF_8));
            if (!FORMAT.equals(m.get("format"))) throw new IOException(json + ": not a " + FORMAT + " description "
                    + "(format is " + m.get("format") + ")");
            Map<String, Object> input = obj(m, "input"), norm = obj(m, "normalize");
            LinkedHashMap<String, Object> info = new LinkedHashMap<>(m);
            for (String k : List.of("format", "version", "architecture", "config", "weights", "input", "preprocess",
                    "normalize", "classes")) info.remove(k);
            List<String> classes = new ArrayList<>();
            for (Object o : list(m, "classes")) classes.add(String.valueOf(o));
            spec = new SavedImageModel(string(m, "architecture"), obj(m, "config"),
                    (int) Json.getLong(input, "channels", 1), (int) Json.getLong(input, "height", 28),
                    (int) Json.getLong(input, "width", 28), string(m, "preprocess"), floats(norm, "mean"),
                    floats(norm, "std"), classes, info);
            weights = path.toFile().isFile() && !path.equals(json) ? path
                    : json.toAbsolutePath().resolveSibling(Json.getString(m, "weights", WEIGHTS));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(json + ": " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(weights)) throw new IOException("weights file " + weights + " (named in " + json
                + ") is missing");
        Module model;
        try {
            model = spec.newModel();
        } catch (IllegalArgumentException e) {
            throw new IOException(json + ": " + e.getMessage(), e);
        }
        Map<String, Tensor> state = Safetensors.load(weights);
        Module.LoadResult result;
        try {
            result = model.loadStateDict(state, false);
        } catch (IllegalArgumentException e) {   // a shape mismatch
            throw new IOException(weights + " does not fit the " + spec.architecture() + " described in " + json + ": "
                    + e.getMessage(), e);
        }
        if (!result.isClean()) throw new IOException(weights + " does not fit the " + spec.architecture()
                + " described in " + json + ": missing " + result.missingKeys() + ", unexpected " + result.unexpectedKeys());
        if (spec.numClasses() != outputs(spec)) throw new IOException(json + ": " + spec.numClasses()
                + " class names for a model with " + outputs(spec) + " outputs");
        model.eval();
        return new Loaded(spec, model, json, weights);
    }

    private static int outputs(SavedImageModel spec) {
        return spec.intOf("num_classes");
    }

    private int intOf(String key) {
        Object v = config.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("config." + key + " must be a number, got " + v);
        return n.intValue();
    }

    private int[] intsOf(String key) {
        Object v = config.get(key);
        if (v instanceof int[] a) return a.clone();
        if (!(v instanceof List<?> l)) throw new IllegalArgumentException("config." + key + " must be an array, got " + v);
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).intValue();
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Map<?, ?> o)) throw new IllegalArgumentException("'" + key + "' must be an object");
        return (Map<String, Object>) o;
    }

    private static List<?> list(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof List<?> l)) throw new IllegalArgumentException("'" + key + "' must be an array");
        return l;
    }

    private static String string(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof String s)) throw new IllegalArgumentException("'" + key + "' must be a string");
        return s;
    }

    private static float[] floats(Map<String, Object> m, String key) {
        List<?> l = list(m, key);
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).floatValue();
        return out;
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
