// ProgressBar: console progress for Trainer.fit. On a terminal it redraws one line in place with '\r'
// (bar, running loss and metrics, samples/s, ETA); when output goes to a pipe, a file or CI it prints one
// plain, greppable line per epoch instead, so logs carry no control characters.
package dev.kindling.train;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress output.
 *
 * <p>Interactive (terminal): {@code Epoch 3/10 [=========>..........] 12/32 - loss: 0.4123 - accuracy: 0.8750 -
 * 2653 samples/s - ETA 0:03}, redrawn at most every 100 ms, then completed with the validation values.
 * <br>Plain (pipes, CI): one line per epoch,
 * {@code Epoch 3/10 - 32 batches - 1.2s - 2653 samples/s - loss: 0.4123 - accuracy: 0.8750 - val_loss: 0.4500 -
 * val_accuracy: 0.8400 - lr: 0.001}.
 */
public final class ProgressBar implements Callback {
    private static final int BAR = 20;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private long epochStart, lastDraw;
    private int lastWidth;

    /** Writes to {@code System.out}, redrawing in place when it is a terminal. */
    public ProgressBar() {
        this(System.out, isTerminal());
    }

    /** Writes to {@code out}; {@code interactive} selects the in-place bar rather than one line per epoch. */
    public ProgressBar(PrintStream out, boolean interactive) {
        if (out == null) throw new IllegalArgumentException("ProgressBar: output stream is null");
        this.out = out;
        this.interactive = interactive;
    }

    /** True when standard output is an interactive terminal (JDK 22+ returns a Console even for pipes). */
    public static boolean isTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void onEpochBegin(TrainContext ctx, int epoch) {
        epochStart = System.nanoTime();
        lastDraw = 0;
        lastWidth = 0;
    }

    @Override
    public void onBatchEnd(TrainContext ctx, int batch, Map<String, Double> logs) {
        if (!interactive) return;
        long now = System.nanoTime();
        int done = batch + 1, total = ctx.numBatches();
        if (done < total && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        double elapsed = (now - epochStart) / 1e9;
        StringBuilder sb = new StringBuilder(header(ctx)).append(' ').append(bar(done, total)).append(' ')
                .append(done).append('/').append(total);
        appendValues(sb, logs, false);
        sb.append(" - ").append(rate(ctx.epochSamples(), elapsed));
        if (done < total) sb.append(" - ETA ").append(clock(elapsed / done * (total - done)));
        redraw(sb.toString());
    }

    @Override
    public void onEpochEnd(TrainContext ctx, int epoch, Map<String, Double> logs) {
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        StringBuilder sb = new StringBuilder(header(ctx));
        if (interactive) {
            sb.append(' ').append(bar(1, 1)).append(' ').append(ctx.numBatches()).append('/').append(ctx.numBatches());
        } else {
            sb.append(" - ").append(ctx.numBatches()).append(" batches");
        }
        sb.append(" - ").append(String.format(Locale.ROOT, "%.1fs", elapsed))
                .append(" - ").append(rate(ctx.epochSamples(), elapsed));
        appendValues(sb, logs, true);
        if (interactive) {
            redraw(sb.toString());
            out.print('\n');
        } else {
            out.println(sb);
        }
        out.flush();
    }

    @Override
    public void onTrainEnd(TrainContext ctx, History history) {
        if (ctx.stopRequested()) out.println("Stopped after epoch " + (ctx.epoch() + 1) + ": " + ctx.stopReason());
        out.flush();
    }

    private static String header(TrainContext ctx) {
        return "Epoch " + (ctx.epoch() + 1) + "/" + ctx.epochs();
    }

    private void redraw(String line) {
        // Pad with spaces so a shorter line fully covers the previous one.
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    private static String bar(int done, int total) {
        int filled = total == 0 ? BAR : (int) ((long) BAR * done / total);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < BAR; i++) sb.append(i < filled ? '=' : i == filled ? '>' : '.');
        return sb.append(']').toString();
    }

    /** " - key: value" for every entry except epoch and time_s; lr only at epoch end. */
    private static void appendValues(StringBuilder sb, Map<String, Double> logs, boolean withLr) {
        for (var e : logs.entrySet()) {
            String k = e.getKey();
            if (k.equals("epoch") || k.equals("time_s") || (k.equals("lr") && !withLr)) continue;
            double v = e.getValue();
            sb.append(" - ").append(k).append(": ").append(k.equals("lr")
                    ? String.format(Locale.ROOT, "%.4g", v) : String.format(Locale.ROOT, "%.4f", v));
        }
    }

    private static String rate(long samples, double seconds) {
        return seconds <= 0 ? "- samples/s" : String.format(Locale.ROOT, "%.0f samples/s", samples / seconds);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
