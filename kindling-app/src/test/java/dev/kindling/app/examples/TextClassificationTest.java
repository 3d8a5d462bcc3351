package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of the whole spam pipeline on a small random sample (the full run is the example itself). */
class TextClassificationTest {
    @Test
    void smallSampleEndToEnd(@TempDir Path dir) throws Exception {
        var c = new TextClassification.Config();
        c.outDir = dir;
        c.seed = 7;
        c.limit = 400;
        c.maxFeatures = 2_000;
        c.hidden = 16;
        c.lr = 1e-2;
        c.batchSize = 32;
        c.maxEpochs = 4;
        c.patience = 2;
        c.interactive = false;
        var buf = new ByteArrayOutputStream();
        TextClassification.Result r = TextClassification.run(new PrintStream(buf, true, StandardCharsets.UTF_8), c);
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("text-classification: 400 e-mails").contains("Epoch 1/4").contains("Confusion matrix");
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).matches("RESULT text-classification test_accuracy=\\S+ precision=\\S+ recall=\\S+ f1=\\S+ "
                + "epochs=\\d+ seconds=\\S+");
        assertThat(r.vocabularySize()).isLessThanOrEqualTo(2_000).isGreaterThan(500);
        long tested = 0;
        for (long[] row : r.confusion()) for (long v : row) tested += v;
        assertThat(tested).isEqualTo(60);   // 15% of 400, stratified
        assertThat(r.accuracy()).isGreaterThan(0.8);   // spam is easy even from 280 training mails
        assertThat(r.epochs()).isBetween(1, 4);
        for (String f : new String[] {"history.csv", "history.json", "best.safetensors", "checkpoint-last.safetensors",
                "confusion.txt", "confusion.png", "curves.png", "curves.svg"})
            assertThat(dir.resolve(f)).as(f).exists();
        assertThat(Files.readString(dir.resolve("history.csv"))).startsWith("epoch,");
    }
}
