package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.models.text.SavedTextClassifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of spam-rnn on a small sample (the full run is the example itself). */
class SpamRnnTest {
    @Test
    void spamRnnComparesWithTheBaselineOnTheSameSplit(@TempDir Path dir) throws Exception {
        var c = new SpamRnn.Config();
        c.outDir = dir;
        c.seed = 7;
        c.limit = 200;
        c.maxLength = 40;
        c.maxVocab = 2_000;
        c.embeddingDim = 8;
        c.numFilters = 8;
        c.maxEpochs = 2;
        c.interactive = false;
        c.baseline.maxFeatures = 1_000;
        c.baseline.hidden = 8;
        c.baseline.maxEpochs = 2;
        var buf = new ByteArrayOutputStream();
        SpamRnn.Result r = SpamRnn.run(new PrintStream(buf, true, StandardCharsets.UTF_8), c);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("TF-IDF + MLP baseline").contains("TextCNN (word ids)");
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).matches("RESULT spam-rnn test_accuracy=\\S+ precision=\\S+ recall=\\S+ f1=\\S+ "
                + "baseline_accuracy=\\S+ baseline_f1=\\S+ epochs=\\d+ seconds=\\S+");
        // Same test mails: both confusion matrices count the same 30 mails (15% of 200) with the same class totals.
        assertThat(r.testSize()).isEqualTo(30);
        for (int cls = 0; cls < 2; cls++)
            assertThat(r.model().confusion()[cls][0] + r.model().confusion()[cls][1])
                    .isEqualTo(r.baseline().confusion()[cls][0] + r.baseline().confusion()[cls][1]);
        assertThat(r.model().accuracy()).isGreaterThan(0.6);
        var saved = SavedTextClassifier.load(dir);
        assertThat(saved.classes()).containsExactly("ham", "spam");
        assertThat(saved.classify(List.of("Subject: hello\n\nsee you at lunch"))).hasSize(1);
        assertThat(dir.resolve("baseline.log")).exists();
        assertThat(dir.resolve("baseline").resolve("best.safetensors")).exists();
    }
}
