// HistoryLogger: rewrites the run's history as CSV and JSON after every epoch (atomically), so a crashed or
// running job always has an up-to-date, complete log on disk.
package dev.kindling.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes {@link History#toCsv()} and {@link History#toJson()} after each epoch.
 *
 * <p>Example: {@code new HistoryLogger()} writes {@code history.csv} and {@code history.json} in the trainer's
 * output directory; {@code new HistoryLogger(Path.of("log.csv"), null)} writes only CSV.
 */
public final class HistoryLogger implements Callback {
    /** Default file names in the output directory. */
    public static final String CSV = "history.csv", JSON = "history.json";

    private final Path csv, json;
    private final boolean inOutputDir;

    /** {@code history.csv} and {@code history.json} in the trainer's output directory (which must be set). */
    public HistoryLogger() {
        this.csv = Path.of(CSV);
        this.json = Path.of(JSON);
        this.inOutputDir = true;
    }

    /** The given files; either may be null to skip that format. */
    public HistoryLogger(Path csv, Path json) {
        if (csv == null && json == null) throw new IllegalArgumentException("HistoryLogger: both paths are null");
        this.csv = csv;
        this.json = json;
        this.inOutputDir = false;
    }

    @Override
    public void onTrainBegin(TrainContext ctx) {
        if (inOutputDir && ctx.outputDir() == null) throw new IllegalArgumentException("HistoryLogger: the trainer has no "
                + "output directory; set Trainer.builder().outputDir(...) or pass explicit paths");
    }

    @Override
    public void onEpochEnd(TrainContext ctx, int epoch, Map<String, Double> logs) {
        History h = ctx.history();
        write(ctx, csv, h.toCsv());
        write(ctx, json, h.toJson());
    }

    private void write(TrainContext ctx, Path file, String text) {
        if (file == null) return;
        Path target = inOutputDir ? ctx.outputDir().resolve(file) : file;
        try {
            dev.kindling.io.AtomicFiles.writeString(target, text);
        } catch (IOException e) {
            throw new UncheckedIOException("HistoryLogger: cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
