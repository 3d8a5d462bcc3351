package dev.kindling.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.data.DataLoader;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SparseDatasetTest {
    @Test
    void batchesAreDenseRowsWithTheirLabels() {
        SparseMatrix x = TfidfVectorizer.builder().build().fitTransform(TfidfVectorizerTest.CORPUS);   // [4, 9]
        Tensor y = Tensor.ofLongs(new long[] {10, 11, 12, 13}, 4);
        var ds = new SparseDataset(x, y);
        assertThat(ds.size()).isEqualTo(4);
        var loader = new DataLoader(ds, DataLoader.Options.builder().batchSize(3).shuffle(true).seed(5).build());
        int seen = 0;
        for (Tensor[] b : loader) {
            assertThat(b[0].shape()[1]).isEqualTo(9);
            for (int i = 0; i < b[0].size(0); i++) {
                int row = (int) b[1].getLong(i) - 10;
                for (int c = 0; c < 9; c++) assertThat(b[0].get(i, c)).isEqualTo(x.get(row, c));
                seen++;
            }
        }
        assertThat(seen).isEqualTo(4);
    }

    @Test
    void errors() {
        SparseMatrix x = TfidfVectorizer.builder().build().fitTransform(TfidfVectorizerTest.CORPUS);
        assertThatThrownBy(() -> new SparseDataset(x, Tensor.ofLongs(new long[] {1, 2}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must have 4 entries");
        assertThatThrownBy(() -> new SparseDataset(x, Tensor.ofLongs(new long[] {1, 2, 3, 4}, 4)).get(4))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index 4 out of range for size 4");
    }
}
