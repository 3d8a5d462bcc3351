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

/** Smoke test of sentiment on a small stratified sample, and its folds (the full run is the example itself). */
class SentimentTest {
    @Test
    void sentimentCrossValidatesAndSavesTheFinalModel(@TempDir Path dir) throws Exception {
        // 40 sentences per (source, label) from the real corpus: 240 in all, 40 positive + 40 negative per source.
        var corpus = Sentiment.load(new Sentiment.Config().data);
        var tsv = new StringBuilder("source\tlabel\ttext\n");
        int[] taken = new int[6];
        for (int i = 0; i < corpus.texts().size(); i++) {
            int stratum = corpus.source()[i] * 2 + (int) corpus.labels()[i];
            if (taken[stratum]++ < 40) tsv.append(Sentiment.SOURCES.get(corpus.source()[i])).append('\t')
                    .append(corpus.labels()[i]).append('\t').append(corpus.texts().get(i)).append('\n');
        }
        Path data = dir.resolve("small.tsv");
        java.nio.file.Files.writeString(data, tsv);
        var c = new Sentiment.Config();
        c.data = data;
        c.outDir = dir.resolve("model");
        c.folds = 3;
        c.epochs = 6;
        c.lr = 1e-2;
        c.embeddingDim = 8;
        c.numFilters = 8;
        var buf = new ByteArrayOutputStream();
        Sentiment.Result r = Sentiment.run(new PrintStream(buf, true, StandardCharsets.UTF_8), c);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("stratified 3-fold cross-validation").contains("AFINN-111");
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).matches("RESULT sentiment accuracy=\\S+ amazon=\\S+ imdb=\\S+ yelp=\\S+ folds=3 model=textcnn "
                + "lexicon=true seconds=\\S+");
        assertThat(r.sentences()).isEqualTo(240);
        assertThat(r.accuracy()).isGreaterThan(0.6);   // lexicon features carry a tiny training set above chance
        double mean = (r.perSource()[0] + r.perSource()[1] + r.perSource()[2]) / 3;
        assertThat(mean).isCloseTo(r.accuracy(), org.assertj.core.data.Offset.offset(1e-9));   // 80 per source
        var saved = SavedTextClassifier.load(c.outDir);
        assertThat(saved.classes()).containsExactly("negative", "positive");
        assertThat(saved.classify(List.of("Great food, wonderful service!")).get(0).label()).isEqualTo("positive");
    }

    @Test
    void foldsAreStratifiedBySourceAndLabel() throws Exception {
        var corpus = Sentiment.load(new Sentiment.Config().data);
        int[] fold = Sentiment.folds(corpus, 10, 42);
        int[][] count = new int[10][6];
        for (int i = 0; i < fold.length; i++) count[fold[i]][corpus.source()[i] * 2 + (int) corpus.labels()[i]]++;
        for (int[] f : count) assertThat(f).containsOnly(50);   // 500 per stratum, dealt evenly over 10 folds
        assertThat(Sentiment.folds(corpus, 10, 42)).isEqualTo(fold);   // same seed, same folds
    }
}
