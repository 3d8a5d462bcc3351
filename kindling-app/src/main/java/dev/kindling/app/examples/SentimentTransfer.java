// SentimentTransfer: transfer learning from the pretrained MiniLM sentence encoder to sentiment on the UCI labelled
// sentences (3,000 reviews). (1) Nearest-neighbour check: do a sentence's 5 closest sentences share its label?
// (2) Frozen: logistic regression and a small MLP on the fixed embeddings. (3) Fine-tuning: the whole encoder plus
// a linear head, trained end to end. One fixed stratified split (source x label): 70% train, 10% val, 20% test.
package dev.kindling.app.examples;

import dev.kindling.app.Home;
import dev.kindling.app.MinilmPackage;
import dev.kindling.data.Splits;
import dev.kindling.models.embeddings.SemanticIndex;
import dev.kindling.models.embeddings.SentenceEncoder;
import dev.kindling.models.tokenizers.BatchEncoding;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.ops.Indexing;
import dev.kindling.ops.Reductions;
import dev.kindling.optim.AdamW;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kindling example sentiment-transfer}. */
@Command(
        name = "sentiment-transfer",
        mixinStandardHelpOptions = true,
        description = "Pretrained MiniLM for sentiment (UCI sentences): nearest-neighbour precision@5, frozen-embedding "
                + "heads, full fine-tuning.")
public final class SentimentTransfer implements Callable<Integer> {

    /** Every knob, with the defaults {@code kindling example sentiment-transfer} runs. */
    public static final class Config {
        @Option(names = "--data", paramLabel = "TSV", description = "UCI sentences TSV (default: "
                + "data/sentiment/uci_labelled_sentences.tsv.gz of the checkout).")
        public Path data = Home.resolve("data/sentiment/uci_labelled_sentences.tsv.gz");

        @Option(names = "--dir", paramLabel = "DIR", description = "MiniLM files (default: data/minilm; fetched when missing).")
        public Path dir = MinilmPackage.defaultDir();

        @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the split, heads and shuffling "
                + "(default: ${DEFAULT-VALUE}).")
        public long seed = 42;

        @Option(names = "--epochs", paramLabel = "N", description = "Fine-tuning epochs over the training part "
                + "(0: frozen only) (default: ${DEFAULT-VALUE}).")
        public int finetuneEpochs = 2;

        @Option(names = "--batch-size", paramLabel = "B", description = "Fine-tuning batch size (default: ${DEFAULT-VALUE}).")
        public int batchSize = 16;

        @Option(names = "--lr", paramLabel = "LR", description = "Fine-tuning peak learning rate (AdamW, linear decay) "
                + "(default: ${DEFAULT-VALUE}).")
        public double lr = 3e-5;

        @Option(names = "--limit", paramLabel = "N", description = "Use a seeded stratified sample of N sentences "
                + "(default: all 3,000).")
        public int limit = 0;
    }

    @Mixin
    Config config = new Config();

    @Override
    public Integer call() throws IOException {
        run(System.out, config);
        return 0;
    }

    /** Held-out test accuracies, the nearest-neighbour precision@5, and timings. */
    public record Result(double accuracy, double frozenAccuracy, double logisticAccuracy, double mlpAccuracy,
            double finetuneAccuracy, double precisionAt5, double chancePrecision, double seconds) {}


    public static Result run(PrintStream out, Config c) throws IOException {
        long start = System.nanoTime();
        Sentiment.Corpus corpus = Sentiment.load(c.data);
        if (c.limit > 0 && c.limit < corpus.texts().size()) corpus = sample(corpus, c.limit, c.seed);
        int n = corpus.texts().size();
        long[] strata = new long[n];
        for (int i = 0; i < n; i++) strata[i] = corpus.source()[i] * 2L + corpus.labels()[i];
        int[][] parts = Splits.stratifiedSplit(strata, new double[] {0.7, 0.1, 0.2}, c.seed);
        out.printf(Locale.ROOT, "sentiment-transfer: %,d UCI sentences (amazon / imdb / yelp, half positive); fixed "
                + "stratified split (strata source x label, seed %d): %d train / %d val / %d test%n", n, c.seed,
                parts[0].length, parts[1].length, parts[2].length);

        long t0 = System.nanoTime();
        SentenceEncoder enc = MinilmPackage.loadEncoder(c.dir, MinilmPackage.Variant.FLOAT, out);
        Tensor emb = enc.encode(corpus.texts());                  // [N, 384], unit rows
        double embedSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "Embedded %,d sentences with all-MiniLM-L6-v2 (frozen) in %.1f s (%.1f sentences/s)%n", n,
                embedSeconds, n / embedSeconds);

        // ---- (1) nearest neighbours: labels of the 5 most similar other sentences
        double[] p5 = precisionAt5(emb, corpus.labels());
        out.printf(Locale.ROOT, "Nearest neighbours (all %,d sentences, cosine, self excluded): precision@5 of the "
                + "label = %.4f (chance %.4f)%n", n, p5[0], p5[1]);

        // ---- (2) frozen embeddings + heads
        Tensor[] x = new Tensor[3], y = new Tensor[3];
        for (int p = 0; p < 3; p++) {
            x[p] = Indexing.indexSelect(emb, 0, Tensor.ofLongs(toLongs(parts[p]), parts[p].length));
            y[p] = Tensor.ofLongs(pick(corpus.labels(), parts[p]), parts[p].length);
        }
        Generator g = new Generator(c.seed);
        Linear logistic = new Linear(enc.dimension(), 2, g);
        double[] logVal = fitHead(logistic, x, y, 1e-2, 0, parts[0].length, 300, c.seed);   // full batch
        Module mlp = new Sequential(new Linear(enc.dimension(), 256, g), new ReLU(), new Dropout(0.2f, g),
                new Linear(256, 2, g));
        double[] mlpVal = fitHead(mlp, x, y, 1e-3, 1e-2, 64, 60, c.seed + 1);
        double logTest = accuracy(logistic, x[2], y[2]), mlpTest = accuracy(mlp, x[2], y[2]);
        out.printf(Locale.ROOT, "Frozen + logistic regression: val %.4f (epoch %d), test %.4f%n", logVal[0], (int) logVal[1],
                logTest);
        out.printf(Locale.ROOT, "Frozen + MLP 384-256-2 (ReLU, dropout 0.2): val %.4f (epoch %d), test %.4f%n", mlpVal[0],
                (int) mlpVal[1], mlpTest);
        boolean mlpBetter = mlpVal[0] > logVal[0];
        double frozenTest = mlpBetter ? mlpTest : logTest, frozenVal = Math.max(mlpVal[0], logVal[0]);
        out.printf(Locale.ROOT, "Frozen head chosen on validation: %s -> test accuracy %.4f%n",
                mlpBetter ? "MLP" : "logistic", frozenTest);

        // ---- (3) fine-tuning the whole encoder
        double ftTest = Double.NaN, ftVal = Double.NaN;
        if (c.finetuneEpochs > 0) {
            double[] ft = fineTune(out, c, enc, logistic, corpus, parts);
            ftVal = ft[0];
            ftTest = ft[1];
        }
        boolean useFt = !Double.isNaN(ftVal) && ftVal >= frozenVal;
        double acc = useFt ? ftTest : frozenTest;
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "%nHeld-out test (%d sentences): frozen %.4f, fine-tuned %.4f; reported (chosen on "
                + "validation): %s %.4f. From scratch, the text issue's TextCNN: `./kindling example sentiment`.%n",
                parts[2].length, frozenTest, ftTest, useFt ? "fine-tuned" : "frozen", acc);
        out.printf(Locale.ROOT, "RESULT sentiment-transfer accuracy=%.4f frozen_accuracy=%.4f finetune_accuracy=%.4f "
                + "logistic_accuracy=%.4f mlp_accuracy=%.4f precision_at_5=%.4f chance=%.4f test=%d seconds=%.1f%n", acc,
                frozenTest, ftTest, logTest, mlpTest, p5[0], p5[1], parts[2].length, seconds);
        return new Result(acc, frozenTest, logTest, mlpTest, ftTest, p5[0], p5[1], seconds);
    }

    /**
     * {precision@5, chance}: for every sentence, the fraction of its 5 nearest other sentences with the same label,
     * averaged; chance is the same fraction for 5 random other sentences.
     */
    static double[] precisionAt5(Tensor emb, long[] labels) {
        int n = labels.length;
        SemanticIndex index = new SemanticIndex(emb.size(1), "");
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) ids.add(Integer.toString(i));
        index.addAll(ids, emb);
        double hits = 0, chance = 0;
        long[] perLabel = new long[2];
        for (long l : labels) perLabel[(int) l]++;
        int chunk = 256;
        for (int s = 0; s < n; s += chunk) {
            int e = Math.min(n, s + chunk);
            List<List<SemanticIndex.Hit>> res = index.query(emb.narrow(0, s, e - s), 6, i -> true);
            for (int i = s; i < e; i++) {
                int taken = 0;
                for (SemanticIndex.Hit h : res.get(i - s)) {
                    if (h.index() == i || taken == 5) continue;
                    taken++;
                    if (labels[h.index()] == labels[i]) hits++;
                }
                chance += (perLabel[(int) labels[i]] - 1.0) / (n - 1);
            }
        }
        return new double[] {hits / (5.0 * n), chance / n};
    }

    /**
     * Trains a head on frozen features with AdamW and cross-entropy; keeps the weights of the epoch with the best
     * validation accuracy. Returns {best val accuracy, its epoch}.
     */
    static double[] fitHead(Module head, Tensor[] x, Tensor[] y, double lr, double weightDecay, int batch, int epochs,
            long seed) {
        var opt = new AdamW(head.parameters(), AdamW.Options.builder().lr(lr).weightDecay(weightDecay).build());
        var loss = new CrossEntropyLoss();
        int n = x[0].size(0);
        Random rnd = new Random(seed);
        double best = -1;
        int bestEpoch = 0;
        Map<String, Tensor> bestState = null;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            head.train();
            int[] order = permutation(n, rnd);
            for (int s = 0; s < n; s += batch) {
                int e = Math.min(n, s + batch);
                Tensor idx = Tensor.ofLongs(toLongs(java.util.Arrays.copyOfRange(order, s, e)), e - s);
                opt.zeroGrad();
                Tensor l = loss.forward(head.forward(Indexing.indexSelect(x[0], 0, idx)), Indexing.indexSelect(y[0], 0, idx));
                l.backward();
                opt.step();
            }
            double val = accuracy(head, x[1], y[1]);
            if (val > best) {
                best = val;
                bestEpoch = epoch;
                bestState = copyState(head);
            }
        }
        head.loadStateDict(bestState);
        head.eval();
        return new double[] {best, bestEpoch};
    }

    /**
     * Fine-tunes encoder + linear head (initialised from the frozen logistic head) end to end; evaluates on the
     * validation part after each epoch and keeps the best. Returns {best val accuracy, its test accuracy}.
     */
    static double[] fineTune(PrintStream out, Config c, SentenceEncoder enc, Linear frozenHead,
            Sentiment.Corpus corpus, int[][] parts) {
        Generator g = new Generator(c.seed + 7);
        Linear head = new Linear(enc.dimension(), 2, g);
        head.loadStateDict(frozenHead.stateDict());
        Module bert = enc.model();
        List<Tensor> params = new ArrayList<>(bert.parameters());
        params.addAll(head.parameters());
        var opt = new AdamW(params, AdamW.Options.builder().lr(c.lr).weightDecay(0.01).build());
        var loss = new CrossEntropyLoss();
        int[] train = parts[0];
        int stepsPerEpoch = (train.length + c.batchSize - 1) / c.batchSize, total = stepsPerEpoch * c.finetuneEpochs;
        int warmup = Math.max(1, total / 10);
        out.printf(Locale.ROOT, "Fine-tuning all %,d encoder parameters + head: AdamW lr %.0e (warm-up %d steps, then "
                + "linear decay), weight decay 0.01, batch %d, %d epoch(s) = %d steps, dropout 0.1%n",
                bert.numParameters(), c.lr, warmup, c.batchSize, c.finetuneEpochs, total);
        Random rnd = new Random(c.seed + 11);
        double best = -1, bestTest = Double.NaN;
        int step = 0;
        Map<String, Tensor> bestBert = null, bestHead = null;
        for (int epoch = 1; epoch <= c.finetuneEpochs; epoch++) {
            long t0 = System.nanoTime();
            bert.train();
            int[] order = permutation(train.length, rnd);
            double lossSum = 0;
            for (int s = 0; s < train.length; s += c.batchSize) {
                int e = Math.min(train.length, s + c.batchSize);
                List<String> texts = new ArrayList<>(e - s);
                long[] labels = new long[e - s];
                for (int k = s; k < e; k++) {
                    texts.add(corpus.texts().get(train[order[k]]));
                    labels[k - s] = corpus.labels()[train[order[k]]];
                }
                step++;
                opt.setLr(c.lr * (step <= warmup ? (double) step / warmup
                        : Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup))));
                opt.zeroGrad();
                BatchEncoding batch = enc.tokenize(texts);
                Tensor l = loss.forward(head.forward(enc.embed(batch)), Tensor.ofLongs(labels, labels.length));
                l.backward();
                opt.step();
                lossSum += l.item() * (e - s);
                if (step % 20 == 0) out.printf(Locale.ROOT, "\r  epoch %d: %d / %d sentences, loss %.4f, %.1f sentences/s",
                        epoch, e, train.length, lossSum / e, e / ((System.nanoTime() - t0) / 1e9));
            }
            bert.eval();
            double val = evalAccuracy(enc, head, corpus, parts[1]);
            out.printf(Locale.ROOT, "\r  epoch %d: train loss %.4f, val accuracy %.4f (%.0f s)                          %n",
                    epoch, lossSum / train.length, val, (System.nanoTime() - t0) / 1e9);
            if (val > best) {
                best = val;
                bestBert = epoch < c.finetuneEpochs ? copyState(bert) : null;
                bestHead = copyState(head);
                bestTest = Double.NaN;
                if (epoch == c.finetuneEpochs) bestTest = evalAccuracy(enc, head, corpus, parts[2]);
            }
        }
        if (Double.isNaN(bestTest)) {        // an earlier epoch was better: restore it
            bert.loadStateDict(bestBert);
            head.loadStateDict(bestHead);
            bestTest = evalAccuracy(enc, head, corpus, parts[2]);
        }
        bert.eval();
        out.printf(Locale.ROOT, "Fine-tuned: best val %.4f, test %.4f%n", best, bestTest);
        return new double[] {best, bestTest};
    }

    static double evalAccuracy(SentenceEncoder enc, Linear head, Sentiment.Corpus corpus, int[] part) {
        List<String> texts = new ArrayList<>(part.length);
        for (int i : part) texts.add(corpus.texts().get(i));
        Tensor e = enc.encode(texts);
        return accuracy(head, e, Tensor.ofLongs(pick(corpus.labels(), part), part.length));
    }

    static double accuracy(Module head, Tensor x, Tensor y) {
        boolean training = head.isTraining();
        head.eval();
        try (var g = Autograd.noGrad()) {
            long[] pred = Reductions.argmax(head.forward(x), 1, false).toLongArray();
            long[] want = y.toLongArray();
            int right = 0;
            for (int i = 0; i < pred.length; i++) if (pred[i] == want[i]) right++;
            return (double) right / pred.length;
        } finally {
            head.train(training);
        }
    }

    /** A seeded stratified sample of {@code n} sentences. */
    static Sentiment.Corpus sample(Sentiment.Corpus c, int n, long seed) {
        long[] strata = new long[c.labels().length];
        for (int i = 0; i < strata.length; i++) strata[i] = c.source()[i] * 2L + c.labels()[i];
        double f = (double) n / strata.length;
        int[] keep = Splits.stratifiedSplit(strata, new double[] {f, 1 - f}, seed)[0];
        List<String> texts = new ArrayList<>();
        for (int i : keep) texts.add(c.texts().get(i));
        int[] sources = new int[keep.length];
        for (int i = 0; i < keep.length; i++) sources[i] = c.source()[keep[i]];
        return new Sentiment.Corpus(texts, sources, pick(c.labels(), keep));
    }

    static Map<String, Tensor> copyState(Module m) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        for (var e : m.stateDict().entrySet()) copy.put(e.getKey(), e.getValue().detach().clone());
        return copy;
    }

    static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static long[] pick(long[] all, int[] idx) {
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = all[idx[i]];
        return out;
    }

    static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
