// SearchCommand: semantic search from the command line. `search index` embeds every line of a file with MiniLM
// and saves a SemanticIndex; `search query` embeds the query texts and prints the k most similar lines (cosine).
package dev.kindling.app;

import dev.kindling.models.embeddings.SemanticIndex;
import dev.kindling.models.embeddings.SentenceEncoder;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * <pre>
 * ./kindling search index --input lines.txt --out idx.bin
 * ./kindling search query --index idx.bin "a query" -k 5
 * </pre>
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Semantic search over lines of text with MiniLM sentence embeddings (cosine top-k).",
        subcommands = {SearchCommand.Index.class, SearchCommand.Query.class, HelpCommand.class})
public final class SearchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Main.missingSubcommand(spec);
    }

    /** Model choice shared by both subcommands. */
    static final class ModelOptions {
        @Option(names = "--quantized", description = "Use the int8 model (all-minilm-l6-v2-q.onnx).")
        boolean quantized;

        @Option(names = "--dir", paramLabel = "DIR", description = "MiniLM files (default: data/minilm).")
        Path dir;

        MinilmPackage.Variant variant() {
            return quantized ? MinilmPackage.Variant.QUANTIZED : MinilmPackage.Variant.FLOAT;
        }

        SentenceEncoder load(PrintStream log) throws IOException {
            return MinilmPackage.loadEncoder(dir != null ? dir : MinilmPackage.defaultDir(), variant(), log);
        }
    }

    /** {@code search index}. */
    @Command(name = "index", mixinStandardHelpOptions = true,
            description = "Embed each non-blank line of --input and save the index to --out (one file, written atomically).")
    static final class Index implements Callable<Integer> {
        @Option(names = "--input", required = true, paramLabel = "FILE", description = "UTF-8 text, one entry per line (.gz ok).")
        Path input;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Index file to write.")
        Path out;

        @Option(names = "--batch-size", paramLabel = "B", description = "Sentences per forward pass (default: ${DEFAULT-VALUE}).")
        int batchSize = SentenceEncoder.DEFAULT_BATCH_SIZE;

        @CommandLine.Mixin
        ModelOptions model = new ModelOptions();

        @Override
        public Integer call() throws IOException {
            List<String> lines = EmbedCommand.readLines(input);
            if (lines.isEmpty()) {
                System.err.println("kindling search index: " + input + " has no non-blank lines");
                return CommandLine.ExitCode.USAGE;
            }
            SentenceEncoder enc;
            try {
                enc = model.load(System.out);
            } catch (DataCommand.FetchException e) {
                System.err.println("kindling search index: " + e.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
            long t0 = System.nanoTime();
            SemanticIndex index = new SemanticIndex(enc.dimension(), MinilmPackage.modelId(model.variant()));
            int chunk = 256;
            for (int start = 0; start < lines.size(); start += chunk) {
                List<String> part = lines.subList(start, Math.min(lines.size(), start + chunk));
                index.addAll(part, enc.encode(part, batchSize));
                System.out.printf(Locale.ROOT, "\r  embedded %,d / %,d lines", index.size(), lines.size());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            index.save(out);
            System.out.printf(Locale.ROOT, "%nWrote %s: %,d entries x %d floats (%s), %,d bytes; %.1f s (%.1f lines/s)%n",
                    out, index.size(), index.dimension(), index.modelId(), Files.size(out), seconds,
                    index.size() / seconds);
            System.out.printf(Locale.ROOT, "RESULT search-index entries=%d seconds=%.1f lines_per_s=%.1f%n", index.size(),
                    seconds, index.size() / seconds);
            return CommandLine.ExitCode.OK;
        }
    }

    /** {@code search query}. */
    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Print the K entries of --index most similar to each TEXT (cosine similarity).")
    static final class Query implements Callable<Integer> {
        @Option(names = "--index", required = true, paramLabel = "FILE", description = "Index written by `search index`.")
        Path indexFile;

        @Option(names = {"-k", "--top"}, paramLabel = "K", description = "Results per query (default: ${DEFAULT-VALUE}).")
        int k = 5;

        @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Query texts.")
        List<String> queries;

        @CommandLine.Mixin
        ModelOptions model = new ModelOptions();

        @Override
        public Integer call() throws IOException {
            SemanticIndex index = SemanticIndex.load(indexFile);
            String want = MinilmPackage.modelId(model.variant());
            if (!index.modelId().equals(want)) {
                boolean other = index.modelId().equals(MinilmPackage.modelId(MinilmPackage.Variant.QUANTIZED));
                System.err.println("kindling search query: " + indexFile + " was built with '" + index.modelId()
                        + "', this query would use '" + want + "'; " + (other ? "add --quantized"
                        : "rebuild the index with `search index`") + " so both use the same model");
                return CommandLine.ExitCode.USAGE;
            }
            SentenceEncoder enc;
            try {
                enc = model.load(System.err);
            } catch (DataCommand.FetchException e) {
                System.err.println("kindling search query: " + e.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
            Tensor q = enc.encode(queries);                         // [M, 384]
            List<List<SemanticIndex.Hit>> results = index.query(q, k, i -> true);
            for (int m = 0; m < queries.size(); m++) {
                System.out.println("Query: " + queries.get(m));
                int rank = 1;
                for (SemanticIndex.Hit hit : results.get(m)) {
                    System.out.printf(Locale.ROOT, "  %d. %.4f  [%d] %s%n", rank++, hit.score(), hit.index(), hit.text());
                }
            }
            return CommandLine.ExitCode.OK;
        }
    }
}
