// Sentiment: positive / negative on the UCI labelled sentences (3,000 reviews from Amazon, IMDB and Yelp), a TextCNN
// (or a BiLSTM) trained from scratch (no pretrained weights), its words carrying AFINN / Liu lexicon features, scored by
// stratified 10-fold cross-validation: every sentence is predicted once by the model that did not train on it, and
// accuracy is reported overall and per source. A final model trained on all sentences is saved for `classify`.
package dev.kindling.app.examples;

import dev.kindling.app.Home;
import dev.kindling.data.Csv;
import dev.kindling.data.DataLoader;
import dev.kindling.data.Splits;
import dev.kindling.data.TensorDataset;
import dev.kindling.models.text.BiLstmClassifier;
import dev.kindling.models.text.Lexicon;
import dev.kindling.models.text.SavedTextClassifier;
import dev.kindling.models.text.SentenceTokenizer;
import dev.kindling.models.text.TextCNN;
import dev.kindling.models.text.TokenVocabulary;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Module;
import dev.kindling.ops.Reductions;
import dev.kindling.optim.AdamW;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kindling example sentiment}. */
@Command(
        name = "sentiment",
        mixinStandardHelpOptions = true,
        description = "Sentiment of short reviews (UCI: Amazon, IMDB, Yelp): TextCNN from scratch with lexicon "
                + "features, stratified 10-fold cross-validation, accuracy per source; saves runs/sentiment.")
public final class Sentiment implements Callable<Integer> {
    static final List<String> CLASSES = List.of("negative", "positive");
    static final List<String> SOURCES = List.of("amazon", "imdb", "yelp");

    /** Every knob, with the defaults {@code kindling example sentiment} runs; annotated fields are options. */
    public static final class Config {
        @Option(names = "--data", paramLabel = "TSV", description = "Sentences as TSV source<TAB>label<TAB>text with "
                + "a header (default: data/sentiment/uci_labelled_sentences.tsv.gz of the checkout).")
        public Path data = Home.resolve("data/sentiment/uci_labelled_sentences.tsv.gz");

        @Option(names = "--lexicon", paramLabel = "DIR", description = "Directory with afinn111.csv, liu_positive.txt "
                + "and liu_negative.txt (default: data/lexicons of the checkout).")
        public Path lexicon = Home.resolve("data/lexicons");

        @Option(names = "--no-lexicon", description = "Learn from the words alone, without lexicon features.")
        public boolean noLexicon;

        @Option(names = "--arch", paramLabel = "NAME", description = "textcnn or bilstm (words only: the lexicon "
                + "features are TextCNN's) (default: ${DEFAULT-VALUE}).")
        public String arch = SavedTextClassifier.TEXTCNN;

        @Option(names = "--hidden", paramLabel = "H", description = "BiLSTM hidden size per direction "
                + "(default: ${DEFAULT-VALUE}).")
        public int hidden = 64;

        @Option(names = "--out", paramLabel = "DIR", description = "Where the final model (trained on every "
                + "sentence) is saved (default: ${DEFAULT-VALUE}).")
        public Path outDir = Path.of("runs", "sentiment");

        @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the folds, initialisation, dropout and "
                + "shuffling (default: ${DEFAULT-VALUE}).")
        public long seed = 42;

        @Option(names = "--folds", paramLabel = "K", description = "Cross-validation folds (default: ${DEFAULT-VALUE}).")
        public int folds = 10;

        @Option(names = "--epochs", paramLabel = "N", description = "Epochs per model (default: ${DEFAULT-VALUE}).")
        public int epochs = 10;

        @Option(names = "--embedding-dim", paramLabel = "E", description = "Word embedding width "
                + "(default: ${DEFAULT-VALUE}).")
        public int embeddingDim = 32;

        @Option(names = "--filters", paramLabel = "F", description = "Filters per convolution width "
                + "(default: ${DEFAULT-VALUE}).")
        public int numFilters = 32;

        /** Convolution widths (words per window). */
        public int[] kernelSizes = {1, 2, 3};

        @Option(names = "--dropout", paramLabel = "P", description = "Dropout before the classifier "
                + "(default: ${DEFAULT-VALUE}).")
        public float dropout = 0.5f;

        @Option(names = "--lr", paramLabel = "LR", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
        public double lr = 2e-3;

        /** AdamW's decoupled weight decay. */
        public double weightDecay = 1e-2;

        @Option(names = "--batch-size", paramLabel = "B", description = "Training batch size (default: ${DEFAULT-VALUE}).")
        public int batchSize = 32;

        /** Words read per sentence (the longest has 71 words). */
        public int maxLength = 100;

        @Option(names = "--no-final", description = "Skip training and saving the final model on all sentences.")
        public boolean noFinal;
    }

    @Mixin
    Config config = new Config();

    @Override
    public Integer call() throws IOException {
        run(System.out, config);
        return 0;
    }

    /** Cross-validated accuracy overall and per source ({@link #SOURCES} order), per fold, and timings. */
    public record Result(double accuracy, double[] perSource, double[] perFold, int sentences, double seconds,
            Path savedTo) {}

    /** The sentences, their source index and label (0 negative, 1 positive). */
    record Corpus(List<String> texts, int[] source, long[] labels) {}

    /** Runs the cross-validation, trains and saves the final model, and ends with the RESULT line. */
    public static Result run(PrintStream out, Config c) throws IOException {
        long start = System.nanoTime();
        Corpus corpus = load(c.data);
        int n = corpus.texts().size();
        var tokenizer = new SentenceTokenizer();
        List<List<String>> tokens = new ArrayList<>(n);
        for (String t : corpus.texts()) tokens.add(tokenizer.tokenize(t));
        boolean bilstm = checkedArch(c.arch).equals(SavedTextClassifier.BILSTM);
        Lexicon lexicon = c.noLexicon || bilstm ? null : Lexicon.load(c.lexicon.resolve("afinn111.csv"),
                c.lexicon.resolve("liu_positive.txt"), c.lexicon.resolve("liu_negative.txt"));
        out.printf(Locale.ROOT, "sentiment: %d sentences from %s (%s), %s tokenizer%n", n, c.data.getFileName(),
                String.join(" / ", SOURCES), SavedTextClassifier.SENTENCE);
        out.printf(Locale.ROOT, "Model: %s trained from scratch (%s, dropout %.1f), AdamW lr %s wd %s, batch %d, %d "
                + "epochs; %s%n", bilstm ? "BiLSTM" : "TextCNN", bilstm
                        ? String.format(Locale.ROOT, "random embeddings %d, hidden %d per direction", c.embeddingDim,
                                c.hidden)
                        : String.format(Locale.ROOT, "random embeddings %d, widths %s x %d filters", c.embeddingDim,
                                Arrays.toString(c.kernelSizes), c.numFilters),
                c.dropout, c.lr, c.weightDecay, c.batchSize, c.epochs,
                lexicon == null ? "no lexicon features" : String.format(Locale.ROOT, "each word also carries fixed "
                        + "lexicon features (AFINN-111 valence: %d words; Liu opinion lexicon: %d positive / %d "
                        + "negative)", lexicon.sizes()[0], lexicon.sizes()[1], lexicon.sizes()[2]));
        int[] fold = folds(corpus, c.folds, c.seed);
        out.printf(Locale.ROOT, "Evaluation: stratified %d-fold cross-validation (strata: source x label; seed %d); "
                + "each fold's vocabulary is built from its training sentences only.%n", c.folds, c.seed);

        long[] predicted = new long[n];
        double[] perFold = new double[c.folds];
        for (int f = 0; f < c.folds; f++) {
            long t0 = System.nanoTime();
            List<Integer> trainIdx = new ArrayList<>(), testIdx = new ArrayList<>();
            for (int i = 0; i < n; i++) (fold[i] == f ? testIdx : trainIdx).add(i);
            var fitted = fit(c, lexicon, tokens, corpus.labels(), trainIdx, c.seed + 1 + f);
            long[] p = fitted.predict(pick(tokens, testIdx), c.maxLength);
            int right = 0;
            for (int j = 0; j < p.length; j++) {
                predicted[testIdx.get(j)] = p[j];
                if (p[j] == corpus.labels()[testIdx.get(j)]) right++;
            }
            perFold[f] = (double) right / p.length;
            out.printf(Locale.ROOT, "  fold %2d/%d: %4d train / %3d test, vocabulary %5d, accuracy %.4f (%.1f s)%n",
                    f + 1, c.folds, trainIdx.size(), testIdx.size(), fitted.vocab().size(), perFold[f],
                    (System.nanoTime() - t0) / 1e9);
        }
        int[] right = new int[SOURCES.size()], total = new int[SOURCES.size()];
        for (int i = 0; i < n; i++) {
            total[corpus.source()[i]]++;
            if (predicted[i] == corpus.labels()[i]) right[corpus.source()[i]]++;
        }
        double[] perSource = new double[SOURCES.size()];
        int allRight = 0;
        for (int s = 0; s < perSource.length; s++) {
            perSource[s] = (double) right[s] / total[s];
            allRight += right[s];
        }
        double accuracy = (double) allRight / n;
        double mean = Arrays.stream(perFold).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(perFold).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, c.folds - 1));
        out.printf(Locale.ROOT, "%nCross-validated accuracy (every sentence predicted by the model that did not see "
                + "it): %.4f (folds: mean %.4f, sd %.4f)%n", accuracy, mean, sd);
        for (int s = 0; s < perSource.length; s++)
            out.printf(Locale.ROOT, "  %-7s %.4f (%d / %d)%n", SOURCES.get(s), perSource[s], right[s], total[s]);

        Path saved = null;
        if (!c.noFinal) {
            long t0 = System.nanoTime();
            List<Integer> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) all.add(i);
            var fitted = fit(c, lexicon, tokens, corpus.labels(), all, c.seed);
            var info = new LinkedHashMap<String, Object>();
            info.put("dataset", "uci-sentiment-labelled-sentences");
            info.put("trained_on", "all " + n + " sentences");
            info.put("cv_folds", c.folds);
            info.put("cv_accuracy", accuracy);
            info.put("lexicon", lexicon == null ? "none" : "AFINN-111 + Liu opinion lexicon (data/lexicons)");
            SavedTextClassifier.save(c.outDir, fitted.model(), fitted.vocab(), SavedTextClassifier.SENTENCE,
                    c.maxLength, CLASSES, info);
            saved = c.outDir;
            out.printf(Locale.ROOT, "Final model trained on all %d sentences in %.1f s, saved to %s (try: ./kindling "
                    + "classify --model %s \"The food was great!\")%n", n, (System.nanoTime() - t0) / 1e9,
                    c.outDir.toAbsolutePath().normalize(), c.outDir);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "RESULT sentiment accuracy=%.4f amazon=%.4f imdb=%.4f yelp=%.4f folds=%d model=%s "
                + "lexicon=%s seconds=%.1f%n", accuracy, perSource[0], perSource[1], perSource[2], c.folds, c.arch,
                lexicon != null, seconds);
        return new Result(accuracy, perSource, perFold, n, seconds, saved);
    }

    /** A trained model with the vocabulary of its training sentences. */
    record Fitted(Module model, TokenVocabulary vocab) {
        long[] predict(List<List<String>> docs, int maxLength) {
            model.eval();
            try (var noGrad = dev.kindling.tensor.Autograd.noGrad()) {
                return Reductions.argmax(model.forward(vocab.encodeBatch(docs, maxLength)), 1, false).toLongArray();
            }
        }
    }

    /** Builds the vocabulary of {@code idx}'s sentences and trains a fresh model ({@code c.arch}) on them. */
    static Fitted fit(Config c, Lexicon lexicon, List<List<String>> tokens, long[] labels, List<Integer> idx,
            long seed) {
        List<List<String>> docs = pick(tokens, idx);
        TokenVocabulary vocab = TokenVocabulary.build(docs, 1, 50_000);
        Generator g = new Generator(seed);
        Module model = checkedArch(c.arch).equals(SavedTextClassifier.BILSTM)
                ? new BiLstmClassifier(new BiLstmClassifier.Config(vocab.size(), c.embeddingDim, c.hidden, 1, 2,
                        c.dropout), g)
                : new TextCNN(new TextCNN.Config(vocab.size(), c.embeddingDim, c.kernelSizes, c.numFilters, 2,
                        c.dropout, lexicon == null ? 0 : Lexicon.NUM_FEATURES),
                        lexicon == null ? null : lexicon.tokenFeatures(vocab), g);
        long[] y = new long[idx.size()];
        for (int i = 0; i < y.length; i++) y[i] = labels[idx.get(i)];
        var trainer = Trainer.builder()
                .model(model)
                .optimizer(new AdamW(model.parameters(), AdamW.Options.builder().lr(c.lr).weightDecay(c.weightDecay)
                        .build()))
                .loss(new CrossEntropyLoss())
                .epochs(c.epochs)
                .generators(g)
                .build();
        try (var loader = new DataLoader(new TensorDataset(vocab.encodeBatch(docs, c.maxLength),
                Tensor.ofLongs(y, y.length)), DataLoader.Options.builder().batchSize(c.batchSize).shuffle(true)
                .seed(seed).build())) {
            trainer.fit(loader, null);
        }
        return new Fitted(model, vocab);
    }

    static String checkedArch(String arch) {
        if (!arch.equals(SavedTextClassifier.TEXTCNN) && !arch.equals(SavedTextClassifier.BILSTM))
            throw new IllegalArgumentException("sentiment: --arch must be " + SavedTextClassifier.TEXTCNN + " or "
                    + SavedTextClassifier.BILSTM + ", got '" + arch + "'");
        return arch;
    }

    /** Reads the TSV (header source, label, text; labels 0/1; sources amazon, imdb, yelp). */
    static Corpus load(Path file) throws IOException {
        Csv.Table t = Csv.read(file, Csv.Options.builder().delimiter('\t').quoting(false).build());
        List<String> src, lab, text;
        try {
            src = t.column("source");
            lab = t.column("label");
            text = t.column("text");
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": expected the header 'source<TAB>label<TAB>text' (" + e.getMessage() + ")");
        }
        int n = t.numRows();
        int[] source = new int[n];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            source[i] = SOURCES.indexOf(src.get(i));
            if (source[i] < 0) throw new IOException(file + ": line " + t.line(i) + " has source '" + src.get(i)
                    + "', expected one of " + SOURCES);
            String l = lab.get(i);
            if (!l.equals("0") && !l.equals("1")) throw new IOException(file + ": line " + t.line(i) + " has label '"
                    + l + "', expected 0 (negative) or 1 (positive)");
            labels[i] = l.charAt(0) - '0';
        }
        return new Corpus(text, source, labels);
    }

    /**
     * Fold of each sentence: within each (source, label) stratum the sentences are shuffled with {@code seed} and
     * dealt round-robin, so every fold holds the same mix of sources and labels.
     */
    static int[] folds(Corpus corpus, int k, long seed) {
        int n = corpus.labels().length;
        if (k < 2 || k > n) throw new IllegalArgumentException("sentiment: folds must be in [2, " + n + "], got " + k);
        int[] fold = new int[n];
        int dealt = 0;
        for (int s = 0; s < SOURCES.size(); s++) {
            for (long label = 0; label < 2; label++) {
                List<Integer> stratum = new ArrayList<>();
                for (int i = 0; i < n; i++) if (corpus.source()[i] == s && corpus.labels()[i] == label) stratum.add(i);
                int[] perm = Splits.randomSplit(stratum.size(), new int[] {stratum.size()}, seed + 31L * dealt)[0];
                // Continue the round-robin across strata, so small strata do not all start at fold 0.
                for (int j = 0; j < perm.length; j++) fold[stratum.get(perm[j])] = (dealt + j) % k;
                dealt += perm.length;
            }
        }
        return fold;
    }

    static <T> List<T> pick(List<T> all, List<Integer> ids) {
        List<T> out = new ArrayList<>(ids.size());
        for (int i : ids) out.add(all.get(i));
        return out;
    }
}
