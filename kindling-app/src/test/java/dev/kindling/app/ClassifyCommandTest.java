package dev.kindling.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.models.text.SavedTextClassifier;
import dev.kindling.models.text.SentenceTokenizer;
import dev.kindling.models.text.TextCNN;
import dev.kindling.models.text.TokenVocabulary;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.optim.Adam;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `kindling classify` on a tiny model trained and saved here. */
class ClassifyCommandTest {
    static final List<String> TEXTS = List.of("great phone, I love it", "terrible, it broke", "love the great food",
            "awful and terrible service", "great value", "it broke, awful");
    static final long[] LABELS = {1, 0, 1, 0, 1, 0};

    static Path tinyModel(Path dir) throws Exception {
        var tok = new SentenceTokenizer();
        var docs = TEXTS.stream().map(tok::tokenize).toList();
        var vocab = TokenVocabulary.build(docs, 1, 100);
        var model = new TextCNN(new TextCNN.Config(vocab.size(), 8, new int[] {1, 2}, 4, 2, 0f, 0), new Generator(3));
        var opt = new Adam(model.parameters(), 3e-2);
        Tensor ids = vocab.encodeBatch(docs, 20), y = Tensor.ofLongs(LABELS, LABELS.length);
        for (int i = 0; i < 40; i++) {
            opt.zeroGrad();
            new CrossEntropyLoss().forward(model.forward(ids), y).backward();
            opt.step();
        }
        SavedTextClassifier.save(dir, model, vocab, SavedTextClassifier.SENTENCE, 20, List.of("negative", "positive"),
                Map.of("dataset", "tiny"));
        return dir;
    }

    @Test
    void labelsTextsFromArgumentsAndFiles(@TempDir Path dir) throws Exception {
        Path model = tinyModel(dir.resolve("model"));
        Path mail = dir.resolve("review.txt");
        Files.writeString(mail, "An awful,\nterrible experience.");
        var buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("classify", "--model", model.toString(),
                    "I love this great phone", "--file", mail.toString());
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).contains("Model: TextCNN (tiny, classes [negative, positive], sentence tokenizer");
        List<String> lines = out.lines().toList();
        assertThat(lines.get(1)).matches("positive  [01]\\.\\d{4}  I love this great phone");
        assertThat(lines.get(2)).matches("negative  [01]\\.\\d{4}  An awful, terrible experience\\.");
        assertThat(lines.get(3)).isEqualTo("RESULT classify texts=2 negative=1 positive=1");
    }

    @Test
    void runReturnsProbabilitiesThatSumToOne(@TempDir Path dir) throws Exception {
        Path model = tinyModel(dir);
        var buf = new ByteArrayOutputStream();
        var res = ClassifyCommand.run(new PrintStream(buf, true, StandardCharsets.UTF_8), model, TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            var p = res.get(i).prediction();
            assertThat(p.index()).isEqualTo((int) LABELS[i]);   // the training texts are learned
            assertThat(p.probabilities()[0] + p.probabilities()[1]).isCloseTo(1.0, Offset.offset(1e-6));
            assertThat(p.probability()).isGreaterThan(0.5);
        }
        String last = buf.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).isEqualTo("RESULT classify texts=6 negative=3 positive=3");
    }

    @Test
    void missingModelIsAClearError(@TempDir Path dir) {
        var err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("classify", "--model", dir.resolve("none").toString(), "hi");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(CommandLine.ExitCode.SOFTWARE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("kindling classify: no config.json at");
    }
}
