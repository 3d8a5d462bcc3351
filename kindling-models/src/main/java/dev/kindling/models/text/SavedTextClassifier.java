// SavedTextClassifier: the on-disk form of a trained text classifier, as the spam-rnn and sentiment examples write
// it and `kindling classify` reads it: model.safetensors (state dict), vocab.txt (token ids) and config.json
// (architecture, hyper-parameters, tokenizer, length cap, class names), enough to classify raw text again.
package dev.kindling.models.text;

import dev.kindling.io.AtomicFiles;
import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.nn.Module;
import dev.kindling.ops.Softmax;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.text.EmailTokenizer;
import dev.kindling.text.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained {@link TextCNN} or {@link BiLstmClassifier} with its vocabulary, tokenizer and classes.
 *
 * <p>config.json, e.g. for the spam model:
 * <pre>{@code
 * {"format":"kindling-text-classifier","version":1,"architecture":"textcnn",
 *  "config":{"vocab_size":20002,"embedding_dim":64,"kernel_sizes":[3,4,5],"num_filters":64,"num_classes":2,
 *            "dropout":0.5,"num_token_features":0},
 *  "tokenizer":"email","max_length":300,"classes":["ham","spam"],"vocabulary":"vocab.txt",
 *  "weights":"model.safetensors","info":{"dataset":"spamassassin","test_accuracy":0.99}}
 * }</pre>
 *
 * <p>Example:
 * <pre>{@code
 * SavedTextClassifier.save(Path.of("runs/spam-rnn"), model, vocab, "email", 300, List.of("ham", "spam"), info);
 * var clf = SavedTextClassifier.load(Path.of("runs/spam-rnn"));
 * clf.classify(List.of("Subject: cheap meds\n\nBuy now!")).get(0).label();   // "spam"
 * }</pre>
 */
public final class SavedTextClassifier {
    public static final String FORMAT = "kindling-text-classifier";
    public static final String CONFIG = "config.json", WEIGHTS = "model.safetensors", VOCABULARY = "vocab.txt";
    /** Architecture names in config.json. */
    public static final String TEXTCNN = "textcnn", BILSTM = "bilstm";
    /** Tokenizer names: raw e-mails with headers ({@link EmailTokenizer} defaults) and sentences. */
    public static final String EMAIL = "email", SENTENCE = "sentence";

    /** One text's result: the most probable class and every class's probability. */
    public record Prediction(int index, String label, double probability, double[] probabilities) {}

    private final Module model;
    private final String architecture;
    private final TokenVocabulary vocabulary;
    private final String tokenizerName;
    private final Tokenizer tokenizer;
    private final int maxLength;
    private final List<String> classes;
    private final Map<String, Object> info;

    private SavedTextClassifier(Module model, String architecture, TokenVocabulary vocabulary, String tokenizerName,
            int maxLength, List<String> classes, Map<String, Object> info) {
        this.model = model;
        this.architecture = architecture;
        this.vocabulary = vocabulary;
        this.tokenizerName = tokenizerName;
        this.tokenizer = tokenizer(tokenizerName);
        this.maxLength = maxLength;
        this.classes = List.copyOf(classes);
        this.info = new LinkedHashMap<>(info);
        model.eval();
    }

    /** The tokenizer called {@code name} ({@link #EMAIL} or {@link #SENTENCE}). */
    public static Tokenizer tokenizer(String name) {
        return switch (name) {
            case EMAIL -> EmailTokenizer.builder().build();
            case SENTENCE -> new SentenceTokenizer();
            default -> throw new IllegalArgumentException("SavedTextClassifier: unknown tokenizer '" + name
                    + "', expected " + EMAIL + " or " + SENTENCE);
        };
    }

    /**
     * Writes {@code dir/model.safetensors}, {@code vocab.txt} and, last, {@code config.json}, each atomically.
     *
     * @param tokenizerName {@link #EMAIL} or {@link #SENTENCE}: how raw text is split before {@code vocab}
     * @param maxLength tokens kept per text (the first ones)
     * @param info facts for the reader (dataset, scores...), JSON-writable values
     */
    public static void save(Path dir, Module model, TokenVocabulary vocab, String tokenizerName, int maxLength,
            List<String> classes, Map<String, Object> info) throws IOException {
        tokenizer(tokenizerName);   // validates the name
        LinkedHashMap<String, Object> cfg = new LinkedHashMap<>();
        String architecture;
        if (model instanceof TextCNN cnn) {
            TextCNN.Config c = cnn.config();
            architecture = TEXTCNN;
            cfg.put("vocab_size", c.vocabSize());
            cfg.put("embedding_dim", c.embeddingDim());
            cfg.put("kernel_sizes", c.kernelSizes());
            cfg.put("num_filters", c.numFilters());
            cfg.put("num_classes", c.numClasses());
            cfg.put("dropout", c.dropout());
            cfg.put("num_token_features", c.numTokenFeatures());
        } else if (model instanceof BiLstmClassifier rnn) {
            BiLstmClassifier.Config c = rnn.config();
            architecture = BILSTM;
            cfg.put("vocab_size", c.vocabSize());
            cfg.put("embedding_dim", c.embeddingDim());
            cfg.put("hidden_size", c.hiddenSize());
            cfg.put("num_layers", c.numLayers());
            cfg.put("num_classes", c.numClasses());
            cfg.put("dropout", c.dropout());
        } else {
            throw new IllegalArgumentException("SavedTextClassifier.save: can save a TextCNN or a BiLstmClassifier, "
                    + "got " + model.getClass().getSimpleName());
        }
        int numClasses = ((Number) cfg.get("num_classes")).intValue();
        int vocabSize = ((Number) cfg.get("vocab_size")).intValue();
        if (classes.size() != numClasses) throw new IllegalArgumentException("SavedTextClassifier.save: "
                + classes.size() + " class names for a model with " + numClasses + " classes");
        if (vocab.size() != vocabSize) throw new IllegalArgumentException("SavedTextClassifier.save: vocabulary "
                + "of " + vocab.size() + " tokens for a model with vocab_size " + vocabSize);
        Files.createDirectories(dir);
        Safetensors.save(dir.resolve(WEIGHTS), model.stateDict(), Map.of("format", "pt"));
        vocab.save(dir.resolve(VOCABULARY));
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", 1);
        m.put("architecture", architecture);
        m.put("config", cfg);
        m.put("tokenizer", tokenizerName);
        m.put("max_length", maxLength);
        m.put("classes", classes);
        m.put("vocabulary", VOCABULARY);
        m.put("weights", WEIGHTS);
        m.put("info", info);
        AtomicFiles.writeString(dir.resolve(CONFIG), Json.write(m) + "\n");
    }

    /** Loads a directory written by {@link #save} (or its config.json). */
    public static SavedTextClassifier load(Path path) throws IOException {
        Path json = Files.isDirectory(path) ? path.resolve(CONFIG) : path;
        if (!Files.isRegularFile(json)) throw new IOException("no " + CONFIG + " at " + json + ": expected a model "
                + "directory written by `kindling example spam-rnn` or `kindling example sentiment` (e.g. runs/spam-rnn)");
        Path dir = json.toAbsolutePath().getParent();
        try {
            Map<String, Object> m = Json.parseObject(Files.readString(json, StandardCharsets.UTF_8));
            if (!FORMAT.equals(m.get("format"))) throw new IOException(json + ": not a " + FORMAT + " description "
                    + "(format is " + m.get("format") + ")");
            String architecture = String.valueOf(m.get("architecture"));
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) m.get("config");
            if (c == null) throw new IOException(json + ": missing \"config\"");
            int vocabSize = (int) Json.getLong(c, "vocab_size", -1), numClasses = (int) Json.getLong(c, "num_classes", -1);
            int embeddingDim = (int) Json.getLong(c, "embedding_dim", -1);
            float dropout = (float) Json.getDouble(c, "dropout", 0);
            Module model = switch (architecture) {
                case TEXTCNN -> {
                    List<?> ks = (List<?>) c.get("kernel_sizes");
                    if (ks == null) throw new IOException(json + ": config lacks \"kernel_sizes\"");
                    int[] kernels = ks.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                    yield new TextCNN(new TextCNN.Config(vocabSize, embeddingDim, kernels,
                            (int) Json.getLong(c, "num_filters", -1), numClasses, dropout,
                            (int) Json.getLong(c, "num_token_features", 0)), new Generator(0));
                }
                case BILSTM -> new BiLstmClassifier(new BiLstmClassifier.Config(vocabSize, embeddingDim,
                        (int) Json.getLong(c, "hidden_size", -1), (int) Json.getLong(c, "num_layers", 1), numClasses,
                        dropout), new Generator(0));
                default -> throw new IOException(json + ": architecture '" + architecture + "' is not supported "
                        + "(expected " + TEXTCNN + " or " + BILSTM + ")");
            };
            List<String> classes = new ArrayList<>();
            for (Object o : (List<?>) m.get("classes")) classes.add(String.valueOf(o));
            TokenVocabulary vocab = TokenVocabulary.load(dir.resolve(Json.getString(m, "vocabulary", VOCABULARY)));
            if (vocab.size() != vocabSize) throw new IOException(json + ": vocab_size " + vocabSize
                    + " but the vocabulary file has " + vocab.size() + " tokens");
            Path weights = dir.resolve(Json.getString(m, "weights", WEIGHTS));
            var result = model.loadStateDict(Safetensors.load(weights));
            if (!result.isClean()) throw new IOException(weights + ": does not match " + json + " (missing "
                    + result.missingKeys() + ", unexpected " + result.unexpectedKeys() + ")");
            @SuppressWarnings("unchecked")
            Map<String, Object> info = m.get("info") instanceof Map<?, ?> i ? (Map<String, Object>) i : Map.of();
            return new SavedTextClassifier(model, architecture, vocab, Json.getString(m, "tokenizer", SENTENCE),
                    (int) Json.getLong(m, "max_length", 256), classes, info);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new IOException(json + ": invalid text classifier description: " + e.getMessage(), e);
        }
    }

    /** Classifies raw texts (tokenized, cut to the saved length cap, batched in groups of 64). */
    public List<Prediction> classify(List<String> texts) {
        List<Prediction> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += 64) {
            List<List<String>> tokens = new ArrayList<>();
            for (String t : texts.subList(from, Math.min(texts.size(), from + 64))) tokens.add(tokenizer.tokenize(t));
            float[] p;
            try (var noGrad = Autograd.noGrad()) {
                Tensor logits = model.forward(vocabulary.encodeBatch(tokens, maxLength));   // [b, K]
                p = Softmax.softmax(logits, 1).contiguous().toFloatArray();
            }
            int k = classes.size();
            for (int i = 0; i < tokens.size(); i++) {
                double[] probs = new double[k];
                int best = 0;
                for (int j = 0; j < k; j++) {
                    probs[j] = p[i * k + j];
                    if (probs[j] > probs[best]) best = j;
                }
                out.add(new Prediction(best, classes.get(best), probs[best], probs));
            }
        }
        return out;
    }

    /** The network: a {@link TextCNN} or a {@link BiLstmClassifier}. */
    public Module model() {
        return model;
    }

    /** {@link #TEXTCNN} or {@link #BILSTM}. */
    public String architecture() {
        return architecture;
    }

    public TokenVocabulary vocabulary() {
        return vocabulary;
    }

    public String tokenizerName() {
        return tokenizerName;
    }

    public int maxLength() {
        return maxLength;
    }

    public List<String> classes() {
        return classes;
    }

    /** Facts saved for the reader (dataset, scores...). */
    public Map<String, Object> info() {
        return info;
    }
}
