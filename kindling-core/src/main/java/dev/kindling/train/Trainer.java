// Trainer: the standard supervised loop — per batch zeroGrad / forward / loss / backward / clip / step, then
// validation in eval mode without autograd, metrics aggregated over the epoch, LR scheduling, callbacks, and a
// resumable checkpoint after every epoch. Configured with a builder; batches are Tensor[] {x, y}.
package dev.kindling.train;

import dev.kindling.data.DataLoader;
import dev.kindling.io.Json;
import dev.kindling.metrics.Metric;
import dev.kindling.nn.Loss;
import dev.kindling.nn.Module;
import dev.kindling.ops.ShapeOps;
import dev.kindling.optim.GradClip;
import dev.kindling.optim.LRScheduler;
import dev.kindling.optim.Optimizer;
import dev.kindling.optim.ReduceLROnPlateau;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Fits a model on mini-batches, like Keras' {@code model.fit} or a PyTorch Lightning trainer.
 *
 * <p>Each epoch: the model is put in training mode; for every batch {@code {x, y}} of the training loader the
 * trainer zeroes the gradients, computes {@code loss(model.forward(x), y)}, back-propagates, clips the gradient
 * norm (when configured), steps the optimizer (and a per-batch scheduler), and updates the metrics. Then the
 * validation loader (if any) is evaluated in eval mode under {@link Autograd#noGrad()}, the scheduler steps
 * (a {@link ReduceLROnPlateau} with the monitored value), the epoch's row is added to the {@link History},
 * callbacks run, and with an output directory {@code checkpoint-last.safetensors} is written.
 *
 * <p>Determinism: the training loader is set to epoch {@code e} before epoch {@code e}, and checkpoints hold
 * the model, optimizer, scheduler and the given generators, so N epochs in one go and k epochs + resume + N-k
 * epochs give bit-identical weights.
 *
 * <p>Example:
 * <pre>{@code
 * Trainer trainer = Trainer.builder()
 *         .model(model).optimizer(new Adam(model.parameters(), 1e-3)).loss(new CrossEntropyLoss())
 *         .epochs(20).clipGradNorm(1.0).metrics(new Accuracy())
 *         .callbacks(new ProgressBar(), new EarlyStopping("val_loss", MonitorMode.MIN, 3, 0, true))
 *         .outputDir(Path.of("runs/mnist")).generators(dropoutGen)
 *         .build();
 * History h = trainer.fit(trainLoader, valLoader);
 * }</pre>
 */
public final class Trainer {
    /** File name of the checkpoint written after every epoch in the output directory. */
    public static final String LAST_CHECKPOINT = "checkpoint-last.safetensors";

    private final Module model;
    private final Optimizer optimizer;
    private final BiFunction<Tensor, Tensor, Tensor> lossFn;
    private final LRScheduler scheduler;
    private final boolean schedulerPerBatch;
    private final String plateauMonitor;
    private final int epochs;
    private final double clipGradNorm;
    private final List<Metric> metrics;
    private final List<Callback> callbacks;
    private final Path outputDir;
    private final Generator[] generators;
    private final Path resumeFrom;
    private final boolean saveLastCheckpoint;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.lossFn = b.lossFn;
        this.scheduler = b.scheduler;
        this.schedulerPerBatch = b.schedulerPerBatch;
        this.plateauMonitor = b.plateauMonitor;
        this.epochs = b.epochs;
        this.clipGradNorm = b.clipGradNorm;
        this.metrics = List.copyOf(b.metrics);
        this.callbacks = List.copyOf(b.callbacks);
        this.outputDir = b.outputDir;
        this.generators = b.generators.toArray(new Generator[0]);
        this.resumeFrom = b.resumeFrom;
        this.saveLastCheckpoint = b.saveLastCheckpoint;
    }

    /** A new builder; model, optimizer and loss are required. */
    public static Builder builder() {
        return new Builder();
    }

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The scheduler, or null. */
    public LRScheduler scheduler() {
        return scheduler;
    }

    public int epochs() {
        return epochs;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** The output directory, or null. */
    public Path outputDir() {
        return outputDir;
    }

    // ---------------------------------------------------------------- fit

    /**
     * Trains for the configured epochs (from the checkpoint's epoch with {@code resumeFrom}).
     *
     * @param train batches {@code {x, y}}
     * @param val validation batches {@code {x, y}}, or null to skip validation
     * @return one row per epoch (restored rows first when resuming)
     * @throws IllegalStateException when the loss becomes NaN or infinite (naming epoch and batch)
     * @throws UncheckedIOException when a checkpoint cannot be read or written
     */
    public History fit(DataLoader train, DataLoader val) {
        if (train == null) throw new IllegalArgumentException("Trainer.fit: the training loader is null");
        History history = new History();
        int start = 0;
        if (resumeFrom != null) start = resume(train, history);
        TrainContext ctx = new TrainContext(this, history, start);
        for (Callback c : callbacks) c.onTrainBegin(ctx);
        for (int epoch = start; epoch < epochs && !ctx.stopRequested(); epoch++) {
            long t0 = System.nanoTime();
            double lr = optimizer.getLr();
            train.setEpoch(epoch);
            ctx.beginEpoch(epoch, train.numBatches());
            for (Callback c : callbacks) c.onEpochBegin(ctx, epoch);
            LinkedHashMap<String, Double> row = new LinkedHashMap<>();
            row.put("epoch", (double) (epoch + 1));
            row.putAll(trainEpoch(train, ctx));
            if (val != null) for (var e : evaluate(val).entrySet()) row.put("val_" + e.getKey(), e.getValue());
            row.put("lr", lr);
            row.put("time_s", (System.nanoTime() - t0) / 1e9);
            stepSchedulerAfterEpoch(row);
            history.add(row);
            for (Callback c : callbacks) c.onEpochEnd(ctx, epoch, history.rows().get(history.size() - 1));
            if (outputDir != null && saveLastCheckpoint) saveLast(train, history, epoch + 1);
        }
        for (Callback c : callbacks) c.onTrainEnd(ctx, history);
        return history;
    }

    private int resume(DataLoader train, History history) {
        try {
            int start = Checkpoint.load(resumeFrom, model, optimizer, scheduler, train, generators);
            String saved = Checkpoint.metadata(resumeFrom).get("history");
            if (saved != null) for (Map<String, Double> r : History.fromJson(saved).rows()) history.add(r);
            return start;
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.fit: cannot resume from " + resumeFrom + ": " + e.getMessage(), e);
        }
    }

    private void saveLast(DataLoader train, History history, int completed) {
        Path file = outputDir.resolve(LAST_CHECKPOINT);
        try {
            Checkpoint.save(file, model, optimizer, scheduler, completed, train, Map.of("history", history.toJson()),
                    generators);
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.fit: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Double> trainEpoch(DataLoader loader, TrainContext ctx) {
        model.train();
        for (Metric m : metrics) m.reset();
        List<Tensor> params = clipGradNorm > 0 ? model.parameters() : List.of();
        double lossSum = 0;
        long seen = 0;
        int batch = 0;
        for (Tensor[] b : loader) {
            Tensor x = b[0], y = target(b, "fit");
            optimizer.zeroGrad();
            Tensor out = model.forward(x);
            Tensor loss = lossFn.apply(out, y);
            double value = scalar(loss);
            if (!Double.isFinite(value)) throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "Trainer.fit: the loss is %s at epoch %d/%d, batch %d/%d; training stopped. Try a lower learning "
                            + "rate (now %g), gradient clipping (Trainer.builder().clipGradNorm(1.0)), or run under "
                            + "Autograd.detectAnomaly() to find the op that produced it", value, ctx.epoch() + 1,
                    epochs, batch + 1, ctx.numBatches(), optimizer.getLr()));
            loss.backward();
            if (clipGradNorm > 0) GradClip.clipGradNorm(params, clipGradNorm, 2.0);
            optimizer.step();
            if (scheduler != null && schedulerPerBatch) scheduler.step();
            int n = x.dim() == 0 ? 1 : x.size(0);
            lossSum += value * n;
            seen += n;
            Tensor detached = out.detach();
            for (Metric m : metrics) m.update(detached, y);
            ctx.addSamples(n);
            if (!callbacks.isEmpty()) {
                Map<String, Double> running = logs(lossSum / seen);
                for (Callback c : callbacks) c.onBatchEnd(ctx, batch, running);
            }
            batch++;
        }
        if (seen == 0) throw new IllegalArgumentException("Trainer.fit: the training loader produced no batch (dataset "
                + "smaller than the batch size with dropLast?)");
        return logs(lossSum / seen);
    }

    private Map<String, Double> logs(double loss) {
        LinkedHashMap<String, Double> out = new LinkedHashMap<>();
        out.put("loss", loss);
        for (Metric m : metrics) out.put(m.name(), m.compute());
        return out;
    }

    private void stepSchedulerAfterEpoch(Map<String, Double> row) {
        if (scheduler == null) return;
        if (scheduler instanceof ReduceLROnPlateau plateau) {
            String key = plateauMonitor != null ? plateauMonitor : row.containsKey("val_loss") ? "val_loss" : "loss";
            Double v = row.get(key);
            if (v == null) throw new IllegalArgumentException("Trainer: ReduceLROnPlateau monitors '" + key
                    + "' but the epoch logged only " + row.keySet());
            plateau.step(v);
        } else if (!schedulerPerBatch) {
            scheduler.step();
        }
    }

    private static Tensor target(Tensor[] batch, String op) {
        if (batch == null || batch.length < 2) throw new IllegalArgumentException("Trainer." + op + ": batches must be "
                + "Tensor[] {x, y}, got " + (batch == null ? "null" : batch.length + " tensor(s)"));
        return batch[1];
    }

    private static double scalar(Tensor loss) {
        if (loss == null || loss.numel() != 1) throw new IllegalArgumentException("Trainer: the loss function must "
                + "return a scalar (use reduction MEAN or SUM), got " + (loss == null ? "null" : Shape.str(loss.shape())));
        return loss.item();
    }

    // ---------------------------------------------------------------- evaluate / predict

    /**
     * Loss and metrics over all batches of {@code loader}, in eval mode without autograd (the model's previous
     * mode is restored). The loss is the sample-weighted mean of the per-batch losses.
     *
     * @return {@code "loss"} then each metric's name
     */
    public Map<String, Double> evaluate(DataLoader loader) {
        boolean wasTraining = model.isTraining();
        model.eval();
        for (Metric m : metrics) m.reset();
        double lossSum = 0;
        long seen = 0;
        try (var noGrad = Autograd.noGrad()) {
            for (Tensor[] b : loader) {
                Tensor x = b[0], y = target(b, "evaluate");
                Tensor out = model.forward(x);
                int n = x.dim() == 0 ? 1 : x.size(0);
                lossSum += scalar(lossFn.apply(out, y)) * n;
                seen += n;
                for (Metric m : metrics) m.update(out, y);
            }
        } finally {
            model.train(wasTraining);
        }
        if (seen == 0) throw new IllegalArgumentException("Trainer.evaluate: the loader produced no batch");
        return logs(lossSum / seen);
    }

    /**
     * The model's outputs for every batch of {@code loader} (batches {@code {x}} or {@code {x, y}}), concatenated
     * along dim 0, computed in eval mode without autograd.
     */
    public Tensor predict(DataLoader loader) {
        boolean wasTraining = model.isTraining();
        model.eval();
        List<Tensor> outs = new ArrayList<>();
        try (var noGrad = Autograd.noGrad()) {
            for (Tensor[] b : loader) outs.add(model.forward(b[0]));
        } finally {
            model.train(wasTraining);
        }
        if (outs.isEmpty()) throw new IllegalArgumentException("Trainer.predict: the loader produced no batch");
        return outs.size() == 1 ? outs.get(0) : ShapeOps.cat(outs, 0);
    }

    @Override
    public String toString() {
        LinkedHashMap<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model", model.getClass().getSimpleName());
        cfg.put("optimizer", optimizer.getClass().getSimpleName());
        cfg.put("epochs", epochs);
        if (scheduler != null) cfg.put("scheduler", scheduler.getClass().getSimpleName());
        if (clipGradNorm > 0) cfg.put("clipGradNorm", clipGradNorm);
        List<Object> names = new ArrayList<>();
        for (Metric m : metrics) names.add(m.name());
        cfg.put("metrics", names);
        return "Trainer" + Json.write(cfg);
    }

    // ---------------------------------------------------------------- builder

    /** Configures a {@link Trainer}; every setter returns the builder. */
    public static final class Builder {
        private Module model;
        private Optimizer optimizer;
        private BiFunction<Tensor, Tensor, Tensor> lossFn;
        private LRScheduler scheduler;
        private boolean schedulerPerBatch;
        private String plateauMonitor;
        private int epochs = 1;
        private double clipGradNorm;
        private final List<Metric> metrics = new ArrayList<>();
        private final List<Callback> callbacks = new ArrayList<>();
        private Path outputDir;
        private final List<Generator> generators = new ArrayList<>();
        private Path resumeFrom;
        private boolean saveLastCheckpoint = true;

        private Builder() {
        }

        /** The model; its single-input {@code forward(x)} is called on each batch's x. */
        public Builder model(Module model) {
            this.model = model;
            return this;
        }

        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** The loss as a function {@code (output, target) -> scalar}. */
        public Builder loss(BiFunction<Tensor, Tensor, Tensor> loss) {
            this.lossFn = loss;
            return this;
        }

        /** The loss as a loss module (e.g. {@code new CrossEntropyLoss()}). */
        public Builder loss(Loss loss) {
            this.lossFn = loss == null ? null : loss::forward;
            return this;
        }

        /** A learning-rate scheduler, stepped once per epoch (after validation) unless {@link #schedulerPerBatch}. */
        public Builder scheduler(LRScheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Steps the scheduler after every optimizer step instead of every epoch (OneCycleLR, warm-up). */
        public Builder schedulerPerBatch(boolean perBatch) {
            this.schedulerPerBatch = perBatch;
            return this;
        }

        /** The logged value a ReduceLROnPlateau scheduler watches; default {@code val_loss}, or {@code loss}. */
        public Builder plateauMonitor(String key) {
            this.plateauMonitor = key;
            return this;
        }

        /** Total number of epochs (default 1). */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Clips the global L2 gradient norm to {@code maxNorm} before each step; 0 (default) disables. */
        public Builder clipGradNorm(double maxNorm) {
            this.clipGradNorm = maxNorm;
            return this;
        }

        /** Metrics computed on training and validation batches (logged as {@code name} and {@code val_name}). */
        public Builder metrics(Metric... metrics) {
            this.metrics.clear();
            this.metrics.addAll(List.of(metrics));
            return this;
        }

        /** Callbacks, run in this order. */
        public Builder callbacks(Callback... callbacks) {
            this.callbacks.clear();
            this.callbacks.addAll(List.of(callbacks));
            return this;
        }

        /** Where {@code checkpoint-last.safetensors} (and callbacks' default files) go; null for none. */
        public Builder outputDir(Path dir) {
            this.outputDir = dir;
            return this;
        }

        /** Random generators saved in checkpoints (those used by dropout, augmentation, ...), in a fixed order. */
        public Builder generators(Generator... generators) {
            this.generators.clear();
            this.generators.addAll(List.of(generators));
            return this;
        }

        /** Resumes {@link Trainer#fit} from a checkpoint written by a trainer configured the same way. */
        public Builder resumeFrom(Path checkpoint) {
            this.resumeFrom = checkpoint;
            return this;
        }

        /** Whether fit writes {@code checkpoint-last.safetensors} after every epoch (default true; needs outputDir). */
        public Builder saveLastCheckpoint(boolean save) {
            this.saveLastCheckpoint = save;
            return this;
        }

        /** Validates the configuration. */
        public Trainer build() {
            List<String> missing = new ArrayList<>();
            if (model == null) missing.add("model");
            if (optimizer == null) missing.add("optimizer");
            if (lossFn == null) missing.add("loss");
            if (!missing.isEmpty()) throw new IllegalArgumentException("Trainer.builder: " + String.join(", ", missing)
                    + " must be set");
            if (epochs < 1) throw new IllegalArgumentException("Trainer.builder: epochs must be >= 1, got " + epochs);
            if (!(clipGradNorm >= 0) || Double.isInfinite(clipGradNorm)) throw new IllegalArgumentException(
                    "Trainer.builder: clipGradNorm must be finite and >= 0 (0 disables), got " + clipGradNorm);
            Set<String> names = new HashSet<>(List.of("loss", "epoch", "lr", "time_s"));
            for (Metric m : metrics) {
                if (m == null) throw new IllegalArgumentException("Trainer.builder: a metric is null");
                if (!names.add(m.name())) throw new IllegalArgumentException("Trainer.builder: metric name '" + m.name()
                        + "' is used twice or is reserved (loss, epoch, lr, time_s)");
            }
            for (Callback c : callbacks) if (c == null) throw new IllegalArgumentException("Trainer.builder: a callback is null");
            for (Generator g : generators) if (g == null) throw new IllegalArgumentException("Trainer.builder: a generator is null");
            return new Trainer(this);
        }
    }
}
