// ModelCheckpoint: saves the model's weights (safetensors, atomically) whenever the monitored value reaches a
// new best, so the best model of a run survives later over-fitting or a crash.
package dev.kindling.train;

import dev.kindling.io.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the best model as a safetensors state dict (Hugging Face compatible keys); its metadata records
 * {@code epoch} (1-based), {@code monitor} and {@code value}. Load it with
 * {@code model.loadStateDict(Safetensors.load(path))}.
 *
 * <p>Example: {@code new ModelCheckpoint(Path.of("runs/best.safetensors"), "val_accuracy", MonitorMode.MAX)}
 */
public final class ModelCheckpoint implements Callback {
    private final Path path;
    private final String monitor;
    private final MonitorMode mode;
    private double best;
    private int bestEpoch = -1;

    /**
     * @param path the file to write; a relative path is resolved against the trainer's output directory when
     *     one is set
     * @param monitor a key of the epoch logs, e.g. {@code "val_loss"}
     * @param mode MIN when smaller is better; null infers it from the name
     */
    public ModelCheckpoint(Path path, String monitor, MonitorMode mode) {
        if (path == null) throw new IllegalArgumentException("ModelCheckpoint: path is null");
        if (monitor == null || monitor.isEmpty()) throw new IllegalArgumentException("ModelCheckpoint: monitor is empty");
        this.path = path;
        this.monitor = monitor;
        this.mode = mode == null ? MonitorMode.infer(monitor) : mode;
        this.best = this.mode.worst();
    }

    @Override
    public void onTrainBegin(TrainContext ctx) {
        best = mode.worst();
        bestEpoch = -1;
    }

    @Override
    public void onEpochEnd(TrainContext ctx, int epoch, Map<String, Double> logs) {
        double current = Monitored.value("ModelCheckpoint", monitor, logs);
        if (!mode.improves(current, best, 0)) return;
        best = current;
        bestEpoch = epoch;
        Path file = resolve(ctx);
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", Integer.toString(epoch + 1));
        meta.put("monitor", monitor);
        meta.put("value", Double.toString(current));
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            Safetensors.save(file, ctx.model().stateDict(), meta);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file written (resolved against the output directory of {@code ctx}). */
    Path resolve(TrainContext ctx) {
        return !path.isAbsolute() && ctx.outputDir() != null ? ctx.outputDir().resolve(path) : path;
    }

    /** Best monitored value so far. */
    public double best() {
        return best;
    }

    /** 0-based epoch of the saved model, or -1 when nothing was saved yet. */
    public int bestEpoch() {
        return bestEpoch;
    }
}
