package dev.kindling.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TF-IDF against scikit-learn's documented output (values recomputed with numpy from sklearn's formulas). */
class TfidfVectorizerTest {
    static final List<String> CORPUS = List.of(
            "This is the first document.",
            "This document is the second document.",
            "And this is the third one.",
            "Is this the first document?");
    static final List<String> TERMS = List.of("and", "document", "first", "is", "one", "second", "the", "third", "this");

    static void assertRow(SparseMatrix x, int r, double... want) {
        Tensor dense = x.denseRows(new int[] {r});
        assertThat(dense.shape()).containsExactly(1, want.length);
        float[] got = dense.toFloatArray();
        for (int c = 0; c < want.length; c++) assertThat((double) got[c]).as("[%d, %d]", r, c).isCloseTo(want[c], within(1e-6));
    }

    @Test
    void defaultsMatchScikitLearn() {
        var tfidf = TfidfVectorizer.builder().build();
        SparseMatrix x = tfidf.fitTransform(CORPUS);
        assertThat(tfidf.vocabulary().terms()).isEqualTo(TERMS);
        assertThat(x.rows()).isEqualTo(4);
        assertThat(x.cols()).isEqualTo(9);
        assertRow(x, 0, 0, 0.46979139, 0.58028582, 0.38408524, 0, 0, 0.38408524, 0, 0.38408524);
        assertRow(x, 1, 0, 0.6876236, 0, 0.28108867, 0, 0.53864762, 0.28108867, 0, 0.28108867);
        assertRow(x, 2, 0.51184851, 0, 0, 0.26710379, 0.51184851, 0, 0.26710379, 0.51184851, 0.26710379);
        double[] idf = tfidf.idf();
        assertThat(idf[0]).isCloseTo(1.91629073, within(1e-8));
        assertThat(idf[1]).isCloseTo(1.22314355, within(1e-8));
        assertThat(idf[3]).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void sublinearTf() {
        SparseMatrix x = TfidfVectorizer.builder().sublinearTf(true).build().fitTransform(CORPUS);
        assertRow(x, 1, 0, 0.62552689, 0, 0.30204652, 0, 0.57880895, 0.30204652, 0, 0.30204652);
    }

    @Test
    void transformUsesTrainingIdfAndIgnoresUnknownTerms() {
        var tfidf = TfidfVectorizer.builder().build().fit(CORPUS);
        SparseMatrix x = tfidf.transform(List.of("the second second unicorn", "nothing known here"));
        assertRow(x, 0, 0, 0, 0, 0, 0, 0.96760518, 0.25246826, 0, 0);
        assertThat(x.rowNnz(1)).isZero();   // an all-unknown document is an all-zero row, not NaN
        assertRow(x, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void bagOfWordsAndBinary() {
        SparseMatrix counts = TfidfVectorizer.builder().useIdf(false).norm(TfidfVectorizer.Norm.NONE).build()
                .fitTransform(CORPUS);
        assertRow(counts, 1, 0, 2, 0, 1, 0, 1, 1, 0, 1);
        SparseMatrix binary = TfidfVectorizer.builder().useIdf(false).binary(true).norm(TfidfVectorizer.Norm.L1).build()
                .fitTransform(CORPUS);
        assertRow(binary, 1, 0, 0.2, 0, 0.2, 0, 0.2, 0.2, 0, 0.2);
    }

    @Test
    void withoutSmoothIdf() {
        var tfidf = TfidfVectorizer.builder().smoothIdf(false).build().fit(CORPUS);
        assertThat(tfidf.idf()[0]).isCloseTo(Math.log(4.0 / 1) + 1, within(1e-12));   // "and": df 1 of 4
        assertThat(tfidf.idf()[1]).isCloseTo(Math.log(4.0 / 3) + 1, within(1e-12));   // "document": df 3
    }

    @Test
    void denseRowsAndToDenseAgree() {
        SparseMatrix x = TfidfVectorizer.builder().build().fitTransform(CORPUS);
        Tensor all = x.toDense();                                   // [4, 9]
        Tensor picked = x.denseRows(new int[] {3, 0, 3});           // [3, 9]
        assertThat(picked.shape()).containsExactly(3, 9);
        for (int c = 0; c < 9; c++) {
            assertThat(picked.get(0, c)).isEqualTo(all.get(3, c));
            assertThat(picked.get(1, c)).isEqualTo(all.get(0, c));
            assertThat(x.get(2, c)).isEqualTo(all.get(2, c));
            assertThat(x.denseRow(1).get(c)).isEqualTo(all.get(1, c));
        }
        SparseMatrix sub = x.selectRows(new int[] {2, 1});
        assertThat(sub.rows()).isEqualTo(2);
        assertThat(sub.rowColumns(0)).isEqualTo(x.rowColumns(2));
        assertThat(sub.rowValues(1)).isEqualTo(x.rowValues(1));
    }

    @Test
    void errors() {
        var tfidf = TfidfVectorizer.builder().build();
        assertThatThrownBy(() -> tfidf.transform(CORPUS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not fitted");
        assertThatThrownBy(() -> TfidfVectorizer.builder().tokenizer(d -> List.of()).build().fit(CORPUS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty vocabulary");
        SparseMatrix x = tfidf.fitTransform(CORPUS);
        assertThatThrownBy(() -> x.denseRows(new int[] {4})).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("row 4 out of range for 4 rows");
        assertThatThrownBy(() -> new SparseMatrix(1, 3, new int[] {0, 2}, new int[] {2, 1}, new float[2]))
                .hasMessageContaining("not strictly ascending");
        assertThatThrownBy(() -> new SparseMatrix(1, 3, new int[] {0, 1}, new int[] {3}, new float[1]))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("column 3");
    }
}
