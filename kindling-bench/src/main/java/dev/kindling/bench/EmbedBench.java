// EmbedBench: sentence-embedding throughput of all-MiniLM-L6-v2 in Kindling's BERT (ONNX weights, tokenizer,
// mean pooling, L2 norm: the whole SentenceEncoder.encode path) at batch 1 and batch 32, after JIT warm-up, median
// of several runs over real sentences. Run through `./kindling bench embed`.
package dev.kindling.bench;

import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.models.embeddings.SentenceEncoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Options: {@code --onnx FILE --tokenizer FILE} (required), {@code --sentences FILE} (TSV with a {@code text}
 * column or plain lines, .gz ok; required), {@code --threads N}, {@code --runs N} (default 5), {@code --n1 N}
 * (sentences per batch-1 run, default 48), {@code --n32 N} (sentences per batch-32 run, default 256). Ends with
 * {@code RESULT embed batch1_per_s=... batch32_per_s=...}.
 */
public final class EmbedBench {
    private EmbedBench() {}

    public static void main(String[] args) throws IOException {
        Path onnx = null, tokenizer = null, sentences = null;
        int runs = 5, n1 = 48, n32 = 256;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--onnx" -> onnx = Path.of(value(a, args, ++i));
                case "--tokenizer" -> tokenizer = Path.of(value(a, args, ++i));
                case "--sentences" -> sentences = Path.of(value(a, args, ++i));
                case "--threads" -> Parallel.setThreads(positive(a, args, ++i));
                case "--runs" -> runs = positive(a, args, ++i);
                case "--n1" -> n1 = positive(a, args, ++i);
                case "--n32" -> n32 = positive(a, args, ++i);
                default -> throw new IllegalArgumentException("EmbedBench: unknown option '" + a + "' (known: --onnx, "
                        + "--tokenizer, --sentences, --threads, --runs, --n1, --n32)");
            }
        }
        if (onnx == null || tokenizer == null || sentences == null) throw new IllegalArgumentException(
                "EmbedBench: --onnx, --tokenizer and --sentences are required");
        List<String> corpus = readSentences(sentences);
        long t0 = System.nanoTime();
        SentenceEncoder enc = SentenceEncoder.fromOnnx(onnx, tokenizer);
        System.out.printf(Locale.ROOT, "MiniLM %s loaded in %.2f s; %,d sentences from %s (mean %.1f tokens); threads %d, "
                + "Vector API %s%n", onnx.getFileName(), (System.nanoTime() - t0) / 1e9, corpus.size(),
                sentences.getFileName(), meanTokens(enc, corpus), Parallel.threads(), VectorSupport.enabled() ? "on" : "off");

        // Warm-up: both paths, so the JIT has compiled the kernels before timing.
        for (int i = 0; i < 16; i++) enc.encode(corpus.get(i % corpus.size()));
        enc.encode(take(corpus, 0, 96), 32);

        double[] b1 = new double[runs], b32 = new double[runs];
        int offset = 0;
        for (int r = 0; r < runs; r++) {
            List<String> part = take(corpus, offset, n1);
            offset += n1;
            long s = System.nanoTime();
            for (String t : part) enc.encode(t);
            b1[r] = n1 / ((System.nanoTime() - s) / 1e9);
        }
        for (int r = 0; r < runs; r++) {
            List<String> part = take(corpus, offset, n32);
            offset += n32;
            long s = System.nanoTime();
            enc.encode(part, 32);
            b32[r] = n32 / ((System.nanoTime() - s) / 1e9);
        }
        double m1 = median(b1), m32 = median(b32);
        System.out.printf(Locale.ROOT, "batch 1 : %8.1f sentences/s  (median of %d runs of %d; range %.1f..%.1f)%n", m1,
                runs, n1, min(b1), max(b1));
        System.out.printf(Locale.ROOT, "batch 32: %8.1f sentences/s  (median of %d runs of %d; length-sorted batches, "
                + "padded to the longest; range %.1f..%.1f)%n", m32, runs, n32, min(b32), max(b32));
        System.out.printf(Locale.ROOT, "RESULT embed batch1_per_s=%.1f batch32_per_s=%.1f threads=%d%n", m1, m32,
                Parallel.threads());
    }

    /** Lines of a text file, or the {@code text} column of a TSV with a header (the UCI sentences), .gz ok. */
    public static List<String> readSentences(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (file.toString().endsWith(".gz")) b = new GZIPInputStream(new ByteArrayInputStream(b)).readAllBytes();
        String[] lines = new String(b, StandardCharsets.UTF_8).split("\r?\n");
        int col = -1;
        if (lines.length > 0 && lines[0].contains("\t")) col = Arrays.asList(lines[0].split("\t")).indexOf("text");
        List<String> out = new ArrayList<>();
        for (int i = col >= 0 ? 1 : 0; i < lines.length; i++) {
            String s = col >= 0 ? field(lines[i], col) : lines[i];
            if (s != null && !s.isBlank()) out.add(s.strip());
        }
        if (out.isEmpty()) throw new IOException(file + ": no sentences");
        return out;
    }

    private static String field(String line, int col) {
        String[] f = line.split("\t", -1);
        return col < f.length ? f[col] : null;
    }

    private static double meanTokens(SentenceEncoder enc, List<String> corpus) {
        int n = Math.min(500, corpus.size());
        long tokens = 0;
        for (int i = 0; i < n; i++) tokens += enc.tokenize(List.of(corpus.get(i))).encodings().get(0).length();
        return (double) tokens / n;
    }

    /** {@code n} sentences starting at {@code from}, wrapping around the corpus. */
    private static List<String> take(List<String> corpus, int from, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(corpus.get((from + i) % corpus.size()));
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static String value(String opt, String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException("EmbedBench: " + opt + " needs a value");
        return args[i];
    }

    private static int positive(String opt, String[] args, int i) {
        String v = value(opt, args, i);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new IllegalArgumentException("EmbedBench: " + opt + " must be a positive integer, got '" + v + "'");
    }
}
