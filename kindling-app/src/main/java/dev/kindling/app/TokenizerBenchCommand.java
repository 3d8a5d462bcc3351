// TokenizerBenchCommand: `kindling bench tokenizer`, encoding speed of the GPT-2 byte-level BPE tokenizer and the
// MiniLM (BERT uncased) WordPiece tokenizer on the State of the Union corpus, single-threaded, after a warm-up
// pass, median of several runs. Ends with `RESULT tokenizer tokens_per_s=...`.
package dev.kindling.app;

import dev.kindling.models.tokenizers.Gpt2Tokenizer;
import dev.kindling.models.tokenizers.HfTokenizer;
import dev.kindling.models.tokenizers.WordPieceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling bench tokenizer [--file sotu.txt] [--gpt2-dir DIR] [--vocab vocab.txt] [--runs N]}. */
@Command(
        name = "tokenizer",
        mixinStandardHelpOptions = true,
        description = {
            "Tokens/s of the GPT-2 BPE and BERT WordPiece tokenizers on the SOTU corpus (one line per encode call,",
            "one thread, after a warm-up pass; median of --runs). Ends with `RESULT tokenizer ...`.",
        })
final class TokenizerBenchCommand implements Callable<Integer> {
    @Option(names = "--file", paramLabel = "TXT",
            description = "Text to encode (default: data/sotu/sotu.txt, else ../shared/data/sotu/sotu.txt).")
    Path file;

    @Option(names = "--gpt2-dir", paramLabel = "DIR",
            description = "Directory with GPT-2 encoder.json + vocab.bpe (default: ../shared/data/tokenizers/gpt2).")
    Path gpt2Dir;

    @Option(names = "--vocab", paramLabel = "TXT",
            description = "BERT vocab.txt (default: ../shared/data/models/minilm/vocab.txt).")
    Path vocab;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "Timed runs (default: 3).")
    int runs;

    @Option(names = "--max-chars", paramLabel = "N", description = "Only encode the first N chars of the file.")
    Integer maxChars;

    @Override
    public Integer call() throws Exception {
        Path text = file != null ? file : firstExisting("data/sotu/sotu.txt", "../shared/data/sotu/sotu.txt");
        Path gpt2 = gpt2Dir != null ? gpt2Dir : Home.resolve("../shared/data/tokenizers/gpt2");
        Path vocabTxt = vocab != null ? vocab : Home.resolve("../shared/data/models/minilm/vocab.txt");
        for (Path[] p : new Path[][] {{text, Path.of("--file")}, {gpt2.resolve("encoder.json"), Path.of("--gpt2-dir")},
                {gpt2.resolve("vocab.bpe"), Path.of("--gpt2-dir")}, {vocabTxt, Path.of("--vocab")}}) {
            if (!Files.isRegularFile(p[0])) {
                System.err.println("kindling bench tokenizer: " + p[0] + " not found; point " + p[1] + " at it");
                return CommandLine.ExitCode.USAGE;
            }
        }
        if (runs < 1) {
            System.err.println("kindling bench tokenizer: --runs must be >= 1, got " + runs);
            return CommandLine.ExitCode.USAGE;
        }
        String corpus = Files.readString(text, StandardCharsets.UTF_8);
        if (maxChars != null && maxChars < corpus.length()) corpus = corpus.substring(0, maxChars);
        List<String> lines = new ArrayList<>();
        for (String l : corpus.split("\n")) if (!l.isBlank()) lines.add(l);
        long chars = 0;
        for (String l : lines) chars += l.length();

        long t0 = System.nanoTime();
        HfTokenizer gpt2Tok = Gpt2Tokenizer.fromFiles(gpt2.resolve("encoder.json"), gpt2.resolve("vocab.bpe"));
        double gpt2LoadMs = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        HfTokenizer wpTok = WordPieceTokenizer.fromVocab(vocabTxt, true);
        double wpLoadMs = (System.nanoTime() - t0) / 1e6;

        System.out.printf(Locale.ROOT, "corpus %s: %,d lines, %,d chars; 1 thread, median of %d runs after warm-up%n",
                text, lines.size(), chars, runs);
        Measure g = measure(gpt2Tok, lines, false);
        Measure w = measure(wpTok, lines, true);
        System.out.printf(Locale.ROOT, "%-22s %10s %12s %14s %12s %9s%n", "tokenizer", "load ms", "tokens",
                "tokens/s", "chars/s", "cold s");
        print("gpt2 (byte-level BPE)", gpt2LoadMs, g);
        print("minilm (WordPiece)", wpLoadMs, w);
        double combined = (g.tokens + w.tokens) / (g.seconds + w.seconds);
        System.out.printf(Locale.ROOT, "RESULT tokenizer tokens_per_s=%.0f gpt2_tokens_per_s=%.0f"
                + " wordpiece_tokens_per_s=%.0f chars=%d%n", combined, g.tokens / g.seconds, w.tokens / w.seconds, chars);
        return 0;
    }

    private record Measure(long tokens, double seconds, double coldSeconds, long chars) {
    }

    private Measure measure(HfTokenizer tok, List<String> lines, boolean specialTokens) {
        long chars = 0;
        for (String l : lines) chars += l.length();
        long start = System.nanoTime();
        long tokens = encodeAll(tok, lines, specialTokens); // warm-up: JIT and the per-word caches
        double cold = (System.nanoTime() - start) / 1e9;
        double[] secs = new double[runs];
        for (int r = 0; r < runs; r++) {
            long s = System.nanoTime();
            long n = encodeAll(tok, lines, specialTokens);
            secs[r] = (System.nanoTime() - s) / 1e9;
            if (n != tokens) throw new IllegalStateException("token count changed between runs: " + tokens + " vs " + n);
        }
        Arrays.sort(secs);
        return new Measure(tokens, secs[runs / 2], cold, chars);
    }

    private static long encodeAll(HfTokenizer tok, List<String> lines, boolean specialTokens) {
        long n = 0;
        for (String l : lines) n += specialTokens ? tok.encode(l).length() : tok.encodeIds(l).length;
        return n;
    }

    private static void print(String name, double loadMs, Measure m) {
        System.out.printf(Locale.ROOT, "%-22s %10.0f %,12d %,14.0f %,12.0f %9.2f%n", name, loadMs, m.tokens,
                m.tokens / m.seconds, m.chars / m.seconds, m.coldSeconds);
    }

    private static Path firstExisting(String... relative) {
        for (String r : relative) {
            Path p = Home.resolve(r);
            if (Files.exists(p)) return p;
        }
        return Home.resolve(relative[relative.length - 1]);
    }
}
