package dev.kindling.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    // df: a 3, b 2, c 1, d 1; total counts: a 5, b 2, c 3, d 1
    static final List<List<String>> DOCS = List.of(
            List.of("a", "a", "a", "b", "c", "c", "c"),
            List.of("a", "b"),
            List.of("a", "d"));

    @Test
    void sortedTermsWithFrequencies() {
        Vocabulary v = Vocabulary.builder().build(DOCS);
        assertThat(v.terms()).containsExactly("a", "b", "c", "d");
        assertThat(v.documentFrequency(0)).isEqualTo(3);
        assertThat(v.termFrequency(0)).isEqualTo(5);
        assertThat(v.documentFrequency(2)).isEqualTo(1);
        assertThat(v.termFrequency(2)).isEqualTo(3);
        assertThat(v.indexOf("c")).isEqualTo(2);
        assertThat(v.indexOf("zzz")).isEqualTo(-1);
        assertThat(v.numDocuments()).isEqualTo(3);
    }

    @Test
    void minAndMaxDocumentFrequency() {
        assertThat(Vocabulary.builder().minDf(2).build(DOCS).terms()).containsExactly("a", "b");
        assertThat(Vocabulary.builder().minDf(0.5).build(DOCS).terms()).containsExactly("a", "b");   // >= 1.5 docs
        assertThat(Vocabulary.builder().maxDf(2).build(DOCS).terms()).containsExactly("b", "c", "d");
        assertThat(Vocabulary.builder().maxDf(0.9).build(DOCS).terms()).containsExactly("b", "c", "d");
    }

    @Test
    void maxFeaturesKeepsMostFrequentThenSortsAlphabetically() {
        // counts a 5, c 3, b 2, d 1 -> top 2 = a, c
        assertThat(Vocabulary.builder().maxFeatures(2).build(DOCS).terms()).containsExactly("a", "c");
        // applied after df pruning: min_df 2 leaves a, b
        assertThat(Vocabulary.builder().minDf(2).maxFeatures(3).build(DOCS).terms()).containsExactly("a", "b");
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> Vocabulary.builder().minDf(0)).hasMessageContaining("minDf count must be >= 1");
        assertThatThrownBy(() -> Vocabulary.builder().maxDf(1.5)).hasMessageContaining("maxDf fraction must be in [0, 1]");
        assertThatThrownBy(() -> Vocabulary.builder().minDf(3).maxDf(1).build(DOCS)).hasMessageContaining("max_df");
        assertThatThrownBy(() -> Vocabulary.builder().build(DOCS).term(4)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 4 out of range for size 4");
    }
}
