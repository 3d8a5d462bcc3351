// SpamRnn: spam vs ham on SpamAssassin with a neural sequence model, a TextCNN (or, --arch bilstm, a BiLSTM) over
// the first few hundred word ids of each mail, trained on the SAME stratified split as the TF-IDF + MLP baseline
// (text-classification), which is run first; both are scored on the same held-out mails and printed side by side.
// Saves the model for `classify`.
package dev.kindling.app.examples;

import dev.kindling.app.Home;
import dev.kindling.data.DataLoader;
import dev.kindling.data.TensorDataset;
import dev.kindling.io.AtomicFiles;
import dev.kindling.metrics.Accuracy;
import dev.kindling.metrics.ConfusionMatrix;
import dev.kindling.models.text.BiLstmClassifier;
import dev.kindling.models.text.SavedTextClassifier;
import dev.kindling.models.text.TextCNN;
import dev.kindling.models.text.TokenVocabulary;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Module;
import dev.kindling.optim.Adam;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.text.Tokenizer;
import dev.kindling.train.EarlyStopping;
import dev.kindling.train.History;
import dev.kindling.train.MonitorMode;
import dev.kindling.train.ProgressBar;
import dev.kindling.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/** {@code kindling example spam-rnn}. */
@Command(
        name = "spam-rnn",
        mixinStandardHelpOptions = true,
        description = "Spam vs ham with a neural sequence model (TextCNN over word ids) beside the TF-IDF + MLP "
                + "baseline on the same split; saves runs/spam-rnn for `kindling classify`.")
public final class SpamRnn implements Callable<Integer> {
    static final String BASELINE_DIR = "baseline", BASELINE_LOG = "baseline.log";

    /** Every knob, with the defaults {@code kindling example spam-rnn} runs; annotated fields are options. */
    public static final class Config {
        @Option(names = "--data", paramLabel = "CSV", description = "Corpus CSV with columns label,text "
                + "(default: data/spam/spam.csv.gz of the checkout).")
        public Path data = Home.resolve("data/spam/spam.csv.gz");

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory: the saved model, with the "
                + "baseline's run under DIR/baseline (default: ${DEFAULT-VALUE}).")
        public Path outDir = Path.of("runs", "spam-rnn");

        @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the split, initialisation, dropout and "
                + "shuffling (default: ${DEFAULT-VALUE}).")
        public long seed = 42;

        @Option(names = "--max-length", paramLabel = "N", description = "Word ids read per mail, from its start "
                + "(default: ${DEFAULT-VALUE}).")
        public int maxLength = 300;

        @Option(names = "--max-vocab", paramLabel = "V", description = "Vocabulary: the most frequent words of the "
                + "training mails found in at least 2 of them (default: ${DEFAULT-VALUE}).")
        public int maxVocab = 20_000;

        @Option(names = "--embedding-dim", paramLabel = "E", description = "Word embedding width "
                + "(default: ${DEFAULT-VALUE}).")
        public int embeddingDim = 48;

        @Option(names = "--filters", paramLabel = "F", description = "Filters per convolution width "
                + "(default: ${DEFAULT-VALUE}).")
        public int numFilters = 48;

        /** Convolution widths (words per window). */
        public int[] kernelSizes = {3, 4, 5};

        @Option(names = "--arch", paramLabel = "NAME", description = "textcnn or bilstm (default: ${DEFAULT-VALUE}).")
        public String arch = SavedTextClassifier.TEXTCNN;

        @Option(names = "--hidden", paramLabel = "H", description = "BiLSTM hidden size per direction "
                + "(default: ${DEFAULT-VALUE}).")
        public int hidden = 48;

        @Option(names = "--dropout", paramLabel = "P", description = "Dropout before the classifier "
                + "(default: ${DEFAULT-VALUE}).")
        public float dropout = 0.5f;

        @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
        public double lr = 2e-3;

        @Option(names = "--batch-size", paramLabel = "B", description = "Training batch size (default: ${DEFAULT-VALUE}).")
        public int batchSize = 32;

        @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs; early stopping on val_loss "
                + "usually ends sooner (default: ${DEFAULT-VALUE}).")
        public int maxEpochs = 8;

        @Option(names = "--patience", paramLabel = "N", description = "Epochs without a better val_loss before "
                + "stopping (default: ${DEFAULT-VALUE}).")
        public int patience = 2;

        @Option(names = "--limit", paramLabel = "N", description = "Use a seeded random sample of N mails "
                + "(default: all).")
        public int limit = 0;

        /** How mails are split into words ({@link SavedTextClassifier#EMAIL}: headers kept, as the baseline). */
        public String tokenizer = SavedTextClassifier.EMAIL;

        /**
         * The baseline's settings (its data, seed, limit and output directory are taken from this config); tests
         * shrink it.
         */
        public TextClassification.Config baseline = new TextClassification.Config();

        /** Redraw the progress bar in place (a terminal) rather than one line per epoch. */
        public boolean interactive = ProgressBar.isTerminal();
    }

    @Mixin
    Config config = new Config();

    @Override
    public Integer call() throws IOException {
        run(System.out, config);
        return 0;
    }

    /** Test-set scores of one model (spam = positive). */
    public record Scores(double accuracy, double precision, double recall, double f1, long[][] confusion) {
        static Scores of(ConfusionMatrix cm) {
            return new Scores(cm.accuracy(), cm.precision(1), cm.recall(1), cm.f1(1), cm.counts());
        }
    }

    /** The sequence model's and the baseline's held-out scores, on the same test mails. */
    public record Result(Scores model, Scores baseline, int epochs, int vocabularySize, int testSize,
            double trainSeconds, double baselineSeconds, double seconds, Path outDir) {}

    /** Runs the baseline, then the TextCNN; prints the comparison and ends with the RESULT line. */
    public static Result run(PrintStream out, Config c) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(c.outDir);

        // 1. The MLP baseline, exactly as `kindling example text-classification` runs it, on the same data and seed.
        TextClassification.Config bc = c.baseline;
        bc.data = c.data;
        bc.seed = c.seed;
        bc.limit = c.limit;
        bc.outDir = c.outDir.resolve(BASELINE_DIR);
        bc.interactive = false;
        out.printf(Locale.ROOT, "spam-rnn: 1/2 baseline (TF-IDF + MLP, text-classification) on seed %d; its log goes "
                + "to %s%n", c.seed, c.outDir.resolve(BASELINE_LOG));
        var log = new ByteArrayOutputStream();
        TextClassification.Result base;
        try (var logStream = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            base = TextClassification.run(logStream, bc);
        }
        AtomicFiles.writeString(c.outDir.resolve(BASELINE_LOG), log.toString(StandardCharsets.UTF_8));
        out.printf(Locale.ROOT, "  baseline: test accuracy %.4f, F1 %.4f (%d epochs, %.1f s)%n", base.accuracy(),
                base.f1(), base.epochs(), base.seconds());

        // 2. The sequence model on the same split: the corpus is loaded the same way, so indices match.
        TextClassification.Corpus corpus = TextClassification.load(bc);
        int[][] parts = TextClassification.split(corpus.labels(), c.seed);
        long t0 = System.nanoTime();
        Tokenizer tokenizer = SavedTextClassifier.tokenizer(c.tokenizer);
        List<List<String>> tokens = new ArrayList<>(corpus.texts().size());
        for (String t : corpus.texts()) tokens.add(tokenizer.tokenize(t));
        TokenVocabulary vocab = TokenVocabulary.build(TextClassification.pick(tokens, parts[0]), 2, c.maxVocab);
        Tensor[] x = new Tensor[3], y = new Tensor[3];
        for (int p = 0; p < 3; p++) {
            x[p] = vocab.encodeBatch(TextClassification.pick(tokens, parts[p]), c.maxLength);   // [N_p, L]
            long[] yp = new long[parts[p].length];
            for (int i = 0; i < yp.length; i++) yp[i] = corpus.labels()[parts[p][i]];
            y[p] = Tensor.ofLongs(yp, yp.length);                                               // [N_p]
        }
        double meanTokens = tokens.stream().mapToInt(d -> Math.min(d.size(), c.maxLength)).average().orElse(0);
        out.printf(Locale.ROOT, "spam-rnn: 2/2 sequence model. Split %d train / %d validation / %d test (the baseline's). "
                + "Vocabulary %d words (%s tokenizer, fitted on train); first %d words per mail (mean %.0f); "
                + "tokenise + encode %.1f s%n", parts[0].length, parts[1].length, parts[2].length, vocab.size(),
                c.tokenizer, c.maxLength, meanTokens, (System.nanoTime() - t0) / 1e9);

        Generator g = new Generator(c.seed);
        boolean bilstm = Sentiment.checkedArch(c.arch).equals(SavedTextClassifier.BILSTM);
        String name = bilstm ? "BiLSTM" : "TextCNN";
        Module model = bilstm
                ? new BiLstmClassifier(new BiLstmClassifier.Config(vocab.size(), c.embeddingDim, c.hidden, 1, 2,
                        c.dropout), g)
                : new TextCNN(new TextCNN.Config(vocab.size(), c.embeddingDim, c.kernelSizes, c.numFilters, 2,
                        c.dropout, 0), g);
        out.printf(Locale.ROOT, "%s: embedding %d, %s, dropout %.1f, linear: %,d parameters; Adam lr %s, batch %d, up "
                + "to %d epochs, early stopping on val_loss (patience %d, best weights restored)%n", name,
                c.embeddingDim, bilstm ? "bidirectional LSTM of " + c.hidden + " per direction run to each mail's "
                        + "length, final states" : "convolutions of widths " + Arrays.toString(c.kernelSizes) + " x "
                        + c.numFilters + " filters, max over time", c.dropout, model.numParameters(), c.lr,
                c.batchSize, c.maxEpochs, c.patience);
        var early = new EarlyStopping("val_loss", MonitorMode.MIN, c.patience, 0, true);
        var trainer = Trainer.builder()
                .model(model)
                .optimizer(new Adam(model.parameters(), c.lr))
                .loss(new CrossEntropyLoss())
                .epochs(c.maxEpochs)
                .metrics(new Accuracy())
                .callbacks(new ProgressBar(out, c.interactive), early)
                .generators(g)
                .build();
        long t1 = System.nanoTime();
        History history;
        try (var train = loader(x[0], y[0], c.batchSize, true, c.seed); var val = loader(x[1], y[1], 128, false, 0)) {
            history = trainer.fit(train, val);
        }
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        out.printf(Locale.ROOT, "Trained %d epochs in %.1f s (best val_loss %.4f at epoch %d; its weights restored).%n",
                history.size(), trainSeconds, early.best(), early.bestEpoch() + 1);
        Tensor logits;   // [N_test, 2]
        try (var test = loader(x[2], y[2], 128, false, 0)) {
            logits = trainer.predict(test);
        }
        var cm = ConfusionMatrix.of(logits, y[2], 2, TextClassification.CLASSES);
        Scores ours = Scores.of(cm), theirs = new Scores(base.accuracy(), base.precision(), base.recall(), base.f1(),
                base.confusion());

        var info = new LinkedHashMap<String, Object>();
        info.put("dataset", "spamassassin");
        info.put("split", "stratified 70/15/15, seed " + c.seed);
        info.put("test_accuracy", ours.accuracy());
        info.put("test_f1", ours.f1());
        info.put("epochs", history.size());
        SavedTextClassifier.save(c.outDir, model, vocab, c.tokenizer, c.maxLength, TextClassification.CLASSES, info);

        double seconds = (System.nanoTime() - start) / 1e9;
        var r = new Result(ours, theirs, history.size(), vocab.size(), parts[2].length, trainSeconds, base.seconds(),
                seconds, c.outDir);
        out.printf(Locale.ROOT, "%nHeld-out test set, the same %d mails for both (spam = positive):%n", parts[2].length);
        out.printf(Locale.ROOT, "  %-22s %9s %10s %8s %8s   %s%n", "model", "accuracy", "precision", "recall", "F1",
                "confusion [[ham->ham, ham->spam], [spam->ham, spam->spam]]");
        row(out, (bilstm ? "BiLSTM" : "TextCNN") + " (word ids)", ours);
        row(out, "TF-IDF + MLP baseline", theirs);
        out.println(cm.toText());
        out.println("Wrote to " + c.outDir.toAbsolutePath().normalize() + ": " + SavedTextClassifier.CONFIG + ", "
                + SavedTextClassifier.WEIGHTS + ", " + SavedTextClassifier.VOCABULARY + " (try: ./kindling classify "
                + "--model " + c.outDir + " \"text...\"), " + BASELINE_LOG + ", " + BASELINE_DIR + "/");
        out.printf(Locale.ROOT, "RESULT spam-rnn test_accuracy=%.4f precision=%.4f recall=%.4f f1=%.4f "
                + "baseline_accuracy=%.4f baseline_f1=%.4f epochs=%d seconds=%.1f%n", ours.accuracy(), ours.precision(),
                ours.recall(), ours.f1(), theirs.accuracy(), theirs.f1(), r.epochs(), seconds);
        return r;
    }

    private static void row(PrintStream out, String name, Scores s) {
        out.printf(Locale.ROOT, "  %-22s %9.4f %10.4f %8.4f %8.4f   %s%n", name, s.accuracy(), s.precision(), s.recall(),
                s.f1(), Arrays.deepToString(s.confusion()));
    }

    static DataLoader loader(Tensor x, Tensor y, int batch, boolean shuffle, long seed) {
        return new DataLoader(new TensorDataset(x, y),
                DataLoader.Options.builder().batchSize(batch).shuffle(shuffle).seed(seed).build());
    }
}
