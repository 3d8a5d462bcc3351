// EmbedCommand: `kindling embed "text" ...` prints sentence embeddings (all-MiniLM-L6-v2 in Kindling's BERT), one
// JSON object or TSV row per text, and optionally their pairwise cosine similarities.
package dev.kindling.app;

import dev.kindling.models.embeddings.SemanticIndex;
import dev.kindling.models.embeddings.SentenceEncoder;
import dev.kindling.io.Json;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kindling embed [--input FILE] [--format json|tsv] [--cosine] [--quantized] TEXT...}: embeddings on stdout,
 * timing on stderr.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Print sentence embeddings (all-MiniLM-L6-v2, 384 floats of norm 1) of each TEXT.",
            "The model is fetched from Maven Central into data/minilm on first use."})
public final class EmbedCommand implements Callable<Integer> {
    /** Output layouts. */
    enum Format { json, tsv }

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to embed.")
    List<String> texts = new ArrayList<>();

    @Option(names = "--input", paramLabel = "FILE", description = "Also embed each non-blank line of this UTF-8 file.")
    Path input;

    @Option(names = "--format", paramLabel = "FMT", description = "json (one object per line) or tsv (text, then the "
            + "values) (default: ${DEFAULT-VALUE}).")
    Format format = Format.json;

    @Option(names = "--digits", paramLabel = "N", description = "Decimals per value (default: ${DEFAULT-VALUE}).")
    int digits = 7;

    @Option(names = "--cosine", description = "Also print the pairwise cosine similarities (to stderr).")
    boolean cosine;

    @Option(names = "--quantized", description = "Use the int8 model (all-minilm-l6-v2-q.onnx).")
    boolean quantized;

    @Option(names = "--dir", paramLabel = "DIR", description = "MiniLM files (default: data/minilm).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(texts);
        if (input != null) all.addAll(readLines(input));
        if (all.isEmpty()) throw new CommandLine.ParameterException(new CommandLine(this),
                "embed: give at least one TEXT or --input FILE");
        PrintStream err = System.err;
        long t0 = System.nanoTime();
        SentenceEncoder enc;
        try {
            enc = MinilmPackage.loadEncoder(dir != null ? dir : MinilmPackage.defaultDir(),
                    quantized ? MinilmPackage.Variant.QUANTIZED : MinilmPackage.Variant.FLOAT, err);
        } catch (DataCommand.FetchException e) {
            err.println("kindling embed: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
        long t1 = System.nanoTime();
        Tensor e = enc.encode(all);    // [N, 384]
        long t2 = System.nanoTime();
        int h = enc.dimension();
        float[] v = e.toFloatArray();
        String fmt = "%." + Math.max(0, digits) + "f";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            sb.setLength(0);
            if (format == Format.json) {
                sb.append("{\"text\": ");
                Json.writeString(all.get(i), sb);
                sb.append(", \"embedding\": [");
            } else {
                sb.append(all.get(i).replace('\t', ' ').replace('\n', ' ')).append('\t');
            }
            for (int k = 0; k < h; k++) {
                if (k > 0) sb.append(format == Format.json ? ", " : "\t");
                sb.append(String.format(Locale.ROOT, fmt, v[i * h + k]));
            }
            if (format == Format.json) sb.append("]}");
            System.out.println(sb);
        }
        if (cosine) {
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    float c = SemanticIndex.cosine(e.select(0, i).toFloatArray(), e.select(0, j).toFloatArray());
                    err.printf(Locale.ROOT, "cosine(%d, %d) = %.6f%n", i, j, c);
                }
            }
        }
        err.printf(Locale.ROOT, "embedded %d text(s) in %.3f s (model loaded in %.2f s)%n", all.size(), (t2 - t1) / 1e9,
                (t1 - t0) / 1e9);
        return CommandLine.ExitCode.OK;
    }

    /** Non-blank lines of a UTF-8 text file (gzip'd when it ends in .gz). */
    static List<String> readLines(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            b = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(b)).readAllBytes();
        }
        List<String> out = new ArrayList<>();
        for (String line : new String(b, StandardCharsets.UTF_8).split("\r?\n")) if (!line.isBlank()) out.add(line.strip());
        return out;
    }
}
