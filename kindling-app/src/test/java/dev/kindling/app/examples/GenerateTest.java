// The generate example on a tiny synthetic corpus: the year split, validation windows that score every character
// exactly once, and a short run that checkpoints, resumes where it stopped and ends with its RESULT line.
package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateTest {
    @TempDir
    Path tmp;

    /** Six "speeches" 2000-2005 in the sotu.txt + index.tsv layout. */
    private Path corpus() throws Exception {
        Path dir = tmp.resolve("sotu");
        Files.createDirectories(dir);
        StringBuilder text = new StringBuilder(), index = new StringBuilder("year\tpresident\tparty\toffset\tlength\n");
        String[] words = {"the ", "union ", "is ", "strong. ", "we ", "will ", "prosper ", "together. "};
        java.util.Random r = new java.util.Random(1);
        for (int y = 2000; y < 2006; y++) {
            StringBuilder s = new StringBuilder();
            while (s.length() < 1500) s.append(words[r.nextInt(words.length)]);
            if (y > 2000) text.append("\n\n");
            index.append(y).append("\tA President\tnone\t").append(text.length()).append('\t').append(s.length()).append('\n');
            text.append(s);
        }
        Files.writeString(dir.resolve("sotu.txt"), text.append('\n'), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("index.tsv"), index, StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void splitsByYear() throws Exception {
        Generate.Split s = Generate.split(corpus(), 2004);
        assertThat(s.trainSpeeches()).isEqualTo(4);
        assertThat(s.validSpeeches()).isEqualTo(2);
        assertThat(s.valid()).contains("\n\n").doesNotStartWith("\n");
        assertThat(s.vocab()).isEqualTo("\n .eghilnoprstuw");   // sorted distinct chars of the whole corpus
        assertThat(s.train().length() + s.valid().length() + 2 + 1).isEqualTo(
                Files.readString(tmp.resolve("sotu").resolve("sotu.txt")).length());
    }

    @Test
    void fullValidationScoresEveryCharacterOnce() {
        for (int n : new int[] {17, 100, 1001}) {
            int ctx = 16;
            int[] scored = new int[n];
            for (int[] w : Generate.scoringWindows(n, ctx, Integer.MAX_VALUE))
                for (int t = w[1]; t < ctx; t++) scored[w[0] + t + 1]++;
            assertThat(scored[0]).isZero();
            for (int i = 1; i < n; i++) assertThat(scored[i]).as("n=" + n + " position " + i).isEqualTo(1);
        }
        assertThat(Generate.scoringWindows(1001, 16, 5)).hasSize(5).allSatisfy(w -> assertThat(w[1]).isIn(0, 4));
    }

    @Test
    void trainsCheckpointsAndResumes() throws Exception {
        Path data = corpus(), out = tmp.resolve("run");
        String[] common = {"--threads", "1", "example", "generate", "--data", data.toString(), "--out", out.toString(),
            "--cut-year", "2004", "--dim", "16", "--heads", "2", "--layers", "1", "--context", "16", "--batch-size", "4",
            "--warmup", "2", "--eval-every", "3", "--eval-windows", "4", "--sample-chars", "20", "--prompt", "the "};
        String first = run(concat(common, "--max-steps", "3"));
        assertThat(first).contains("Kneser-Ney 5-gram: validation").contains("checkpoint");
        assertThat(resultLine(first)).contains("steps=3").containsPattern("val_bpc=\\d+\\.\\d+ ngram_bpc=\\d+\\.\\d+");
        assertThat(out.resolve(Generate.CHECKPOINT)).exists();
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("config.json")).exists();
        String second = run(concat(common, "--max-steps", "6", "--resume"));
        assertThat(second).contains("Resumed").contains("at step 3");
        assertThat(resultLine(second)).contains("steps=6");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String resultLine(String out) {
        List<String> lines = out.lines().filter(l -> l.startsWith("RESULT generate ")).toList();
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private static String run(String... args) {
        var buf = new ByteArrayOutputStream();
        PrintStream so = System.out;
        int rc;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            rc = Main.commandLine().execute(args);
        } finally {
            System.setOut(so);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(text).isZero();
        return text;
    }
}
