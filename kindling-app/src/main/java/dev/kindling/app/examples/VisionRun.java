// VisionRun: the training and reporting part the image-classification examples (mnist, fashion-mnist) share:
// Trainer with progress, early stopping on the validation split (best weights restored), history, curves and a
// best checkpoint; then the held-out test set, its confusion matrix (text + PNG) and the saved model for predict.
package dev.kindling.app.examples;

import dev.kindling.data.DataLoader;
import dev.kindling.data.Dataset;
import dev.kindling.metrics.Accuracy;
import dev.kindling.metrics.ConfusionMatrix;
import dev.kindling.nn.Loss;
import dev.kindling.nn.Module;
import dev.kindling.optim.LRScheduler;
import dev.kindling.optim.Optimizer;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.train.CurvePlotter;
import dev.kindling.train.EarlyStopping;
import dev.kindling.train.History;
import dev.kindling.train.HistoryLogger;
import dev.kindling.train.ModelCheckpoint;
import dev.kindling.train.MonitorMode;
import dev.kindling.train.ProgressBar;
import dev.kindling.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Trains, tests and saves an image classifier (the common half of the vision examples). */
final class VisionRun {
    static final String BEST = "best.safetensors", CONFUSION_TXT = "confusion.txt", CONFUSION_PNG = "confusion.png";

    private VisionRun() {}

    /**
     * What to train and how.
     *
     * @param scheduler null for a constant learning rate; stepped per batch when {@code schedulerPerBatch}
     * @param patience epochs without a better val_loss before stopping early
     * @param generators every generator the run draws from (initialisation, augmentation), saved in checkpoints
     * @param spec the saved model's description, without the weights (test facts are added to its info)
     */
    record Plan(Module model, Optimizer optimizer, LRScheduler scheduler, boolean schedulerPerBatch, Loss loss,
            int epochs, int patience, int batchSize, long seed, Dataset train, Dataset val, Dataset test, Tensor testLabels,
            Generator[] generators, SavedImageModel spec, Path outDir, boolean interactive) {}

    /** The outcome: test confusion matrix, history, best epoch (1-based), training time and throughput. */
    record Outcome(ConfusionMatrix confusion, History history, int bestEpoch, double trainSeconds,
            double samplesPerSecond) {
        double accuracy() {
            return confusion.accuracy();
        }

        int epochs() {
            return history.size();
        }
    }

    static Outcome run(PrintStream out, Plan p) throws IOException {
        Files.createDirectories(p.outDir());
        var early = new EarlyStopping("val_loss", MonitorMode.MIN, p.patience(), 0, true);
        Trainer trainer = Trainer.builder()
                .model(p.model())
                .optimizer(p.optimizer())
                .scheduler(p.scheduler())
                .schedulerPerBatch(p.schedulerPerBatch())
                .loss(p.loss())
                .epochs(p.epochs())
                .metrics(new Accuracy())
                .callbacks(new ProgressBar(out, p.interactive()), early,
                        new ModelCheckpoint(p.outDir().resolve(BEST), "val_loss", MonitorMode.MIN),
                        new HistoryLogger(), new CurvePlotter())
                .outputDir(p.outDir())
                .generators(p.generators())
                .build();
        long t0 = System.nanoTime();
        History history;
        // One prefetch thread prepares (augments) the next batches while the model trains on this one.
        var trainOpts = DataLoader.Options.builder().batchSize(p.batchSize()).shuffle(true).seed(p.seed()).prefetch(2)
                .build();
        try (DataLoader train = new DataLoader(p.train(), trainOpts); DataLoader val = evalLoader(p.val())) {
            history = trainer.fit(train, val);
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double samplesPerSecond = (double) p.train().size() * history.size() / trainSeconds;
        out.printf(Locale.ROOT, "Trained %d epochs in %.1f s (%.0f samples/s incl. validation); best val_loss %.4f at "
                + "epoch %d, its weights restored.%n", history.size(), trainSeconds, samplesPerSecond, early.best(),
                early.bestEpoch() + 1);

        Tensor logits;   // [N_test, classes]
        try (DataLoader test = evalLoader(p.test())) {
            logits = trainer.predict(test);
        }
        List<String> classes = p.spec().classes();
        var cm = ConfusionMatrix.of(logits, p.testLabels(), classes.size(), classes);
        Files.writeString(p.outDir().resolve(CONFUSION_TXT), cm.toText(), StandardCharsets.UTF_8);
        cm.writePng(p.outDir().resolve(CONFUSION_PNG));
        var o = new Outcome(cm, history, early.bestEpoch() + 1, trainSeconds, samplesPerSecond);
        SavedImageModel spec = p.spec();
        spec.info().put("test_accuracy", Math.round(o.accuracy() * 1e4) / 1e4);
        spec.info().put("epochs", o.epochs());
        spec.info().put("best_epoch", o.bestEpoch());
        spec.save(p.outDir(), p.model());
        return o;
    }

    static DataLoader evalLoader(Dataset d) {
        return new DataLoader(d, DataLoader.Options.builder().batchSize(500).build());
    }

    /** {@code v} without exponent or trailing zeros: 0.003, 0.0001. */
    static String plain(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** The files a run writes: {name, what it holds}. */
    static List<String[]> outputFiles() {
        return List.of(
                new String[] {SavedImageModel.JSON + ", " + SavedImageModel.WEIGHTS,
                    "the model for `kindling predict` (architecture, normalisation, classes; weights)"},
                new String[] {HistoryLogger.CSV + ", " + HistoryLogger.JSON, "loss and accuracy per epoch"},
                new String[] {CurvePlotter.PNG + ", " + CurvePlotter.SVG, "training curves"},
                new String[] {CONFUSION_TXT + ", " + CONFUSION_PNG, "test-set confusion matrix, per-class report"},
                new String[] {BEST, "weights of the best val_loss epoch (state dict)"},
                new String[] {Trainer.LAST_CHECKPOINT, "last epoch: model + optimizer + generators (resumable)"});
    }

    /** Prints the confusion matrix and the list of files written. */
    static void report(PrintStream out, Plan p, Outcome o) {
        out.println();
        out.println(o.confusion().toText());
        out.println("Wrote to " + p.outDir().toAbsolutePath().normalize() + ":");
        for (String[] f : outputFiles()) out.printf(Locale.ROOT, "  %-36s %s%n", f[0], f[1]);
        out.println("Classify your own picture: ./kindling predict " + p.outDir() + " picture.png");
    }
}
