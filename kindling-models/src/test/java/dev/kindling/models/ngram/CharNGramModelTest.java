// Kneser-Ney n-gram: distributions normalise for seen and unseen contexts, higher orders help on structured text,
// unseen symbols keep a non-zero probability, and bad input is rejected.
package dev.kindling.models.ngram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CharNGramModelTest {
    static int[] ids(String s, String alphabet) {
        return s.chars().map(alphabet::indexOf).toArray();
    }

    static String text(int n, long seed) {
        String[] words = {"the ", "union ", "is ", "strong ", "and ", "we ", "shall ", "prosper. "};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) sb.append(words[r.nextInt(words.length)]);
        return sb.substring(0, n);
    }

    static final String AB = "abcdefghijklmnopqrstuvwxyz .";

    @Test
    void distributionsSumToOneInEveryContext() {
        int[] train = ids(text(5000, 1), AB);
        var lm = CharNGramModel.fit(train, AB.length(), 5);
        int[][] contexts = {ids("the u", AB), ids("zzzzq", AB), ids("rong ", AB), ids("q.x a", AB)};
        for (int[] h : contexts) {
            int[] buf = java.util.Arrays.copyOf(h, h.length + 1);
            double sum = 0;
            for (int w = 0; w < AB.length(); w++) sum += lm.probability(buf, h.length, h.length, w);
            assertThat(sum).as("context " + java.util.Arrays.toString(h)).isCloseTo(1.0, offset(1e-9));
        }
        for (int n = 1; n <= 5; n++) for (double d : lm.discounts(n)) assertThat(d).isBetween(0.0, 3.0);
    }

    @Test
    void higherOrdersModelStructuredTextBetterAndNothingIsImpossible() {
        int[] train = ids(text(20000, 2), AB), valid = ids(text(4000, 3), AB);
        double bpc1 = CharNGramModel.fit(train, AB.length(), 1).bitsPerChar(valid);
        double bpc3 = CharNGramModel.fit(train, AB.length(), 3).bitsPerChar(valid);
        double bpc5 = CharNGramModel.fit(train, AB.length(), 5).bitsPerChar(valid);
        assertThat(bpc1).isBetween(3.0, Math.log(AB.length()) / Math.log(2));
        assertThat(bpc3).isLessThan(bpc1 - 1);
        assertThat(bpc5).isLessThan(bpc3).isLessThan(1.0);
        // 'x' and 'z' never occur in training: finite cost, not infinite.
        double unseen = CharNGramModel.fit(train, AB.length(), 5).bitsPerChar(ids("xz xz", AB));
        assertThat(unseen).isFinite().isGreaterThan(bpc1);
    }

    @Test
    void rejectsSymbolsOutsideTheVocabulary() {
        assertThatThrownBy(() -> CharNGramModel.fit(new int[] {0, 5}, 3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("symbol 5 at position 1");
        assertThatThrownBy(() -> CharNGramModel.fit(new int[] {0}, 3, 0)).hasMessageContaining("order");
    }
}
