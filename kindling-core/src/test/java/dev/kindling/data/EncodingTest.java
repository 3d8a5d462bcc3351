package dev.kindling.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.data.Sequences.Side;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encoding.oneHot, LabelEncoder and Sequences.padSequences. */
class EncodingTest {
    @Test
    void oneHotIsFloat() {
        Tensor o = Encoding.oneHot(Tensor.ofLongs(new long[] {2, 0, 1}, 3), 3);
        assertThat(o.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(o.shape()).containsExactly(3, 3);
        assertThat(o.toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0, 0, 1, 0);
        assertThat(Encoding.oneHot(Tensor.ofLongs(new long[] {1}, 1), -1).shape()).containsExactly(1, 2);
        assertThatThrownBy(() -> Encoding.oneHot(Tensor.ofLongs(new long[] {3}, 1), 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("label 3");
        assertThatThrownBy(() -> Encoding.oneHot(Tensor.zeros(2), 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Encoding.oneHot").hasMessageContaining("int64");
    }

    @Test
    void labelEncoderSortsClassesLikeSklearn() {
        LabelEncoder e = new LabelEncoder().fit(List.of("spam", "ham", "eggs", "ham"));
        assertThat(e.classes()).containsExactly("eggs", "ham", "spam");
        assertThat(e.transform(List.of("ham", "spam", "eggs")).toLongArray()).containsExactly(1, 2, 0);
        assertThat(e.inverseTransform(Tensor.ofLongs(new long[] {2, 0}, 2))).containsExactly("spam", "eggs");
        assertThat(e.id("spam")).isEqualTo(2);
        assertThat(LabelEncoder.of(e.classes()).transform(List.of("ham")).toLongArray()).containsExactly(1);
        assertThatThrownBy(() -> e.transform(List.of("ham", "toast"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'toast'").hasMessageContaining("position 1").hasMessageContaining("[eggs, ham, spam]");
        assertThatThrownBy(() -> new LabelEncoder().classes()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not fitted");
        assertThatThrownBy(() -> e.inverseTransform(Tensor.ofLongs(new long[] {3}, 1)))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("class id 3");
        // Code point order, as NumPy: U+1F600 sorts after U+FF5E although its UTF-16 surrogate is smaller.
        assertThat(new LabelEncoder().fit(List.of("\uD83D\uDE00", "\uFF5E", "B", "a")).classes())
                .containsExactly("B", "a", "\uFF5E", "\uD83D\uDE00");
    }

    private static final List<long[]> SEQS = List.of(new long[] {5, 6, 7, 8}, new long[] {9}, new long[0]);

    @Test
    void padAtTheEndByDefault() {
        Tensor[] r = Sequences.padSequences(SEQS, -1, 0);
        assertThat(r[0].shape()).containsExactly(3, 4);
        assertThat(r[0].toLongArray()).containsExactly(5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0);
        assertThat(r[1].dtype()).isEqualTo(DType.BOOL);
        assertThat(r[1].toBoolArray()).containsExactly(true, true, true, true, true, false, false, false,
                false, false, false, false);
        assertThat(r[2].toLongArray()).containsExactly(4, 1, 0);
        Tensor[] cut = Sequences.padSequences(SEQS, 2, -1);
        assertThat(cut[0].toLongArray()).containsExactly(5, 6, 9, -1, -1, -1);
        assertThat(cut[2].toLongArray()).containsExactly(2, 1, 0);
    }

    @Test
    void kerasPreOptions() {
        Tensor[] r = Sequences.padSequences(SEQS, 3, 0, Side.PRE, Side.PRE);
        assertThat(r[0].toLongArray()).containsExactly(6, 7, 8, 0, 0, 9, 0, 0, 0);
        assertThat(r[1].toBoolArray()).containsExactly(true, true, true, false, false, true, false, false, false);
        Tensor[] mixed = Sequences.padSequences(SEQS, 3, 0, Side.PRE, Side.POST);
        assertThat(mixed[0].toLongArray()).containsExactly(5, 6, 7, 0, 0, 9, 0, 0, 0);
        Tensor[] longer = Sequences.padSequences(SEQS, 5, 0, Side.POST, Side.POST);
        assertThat(longer[0].shape()).containsExactly(3, 5);
        assertThatThrownBy(() -> Sequences.padSequences(SEQS, -2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLen");
    }
}
