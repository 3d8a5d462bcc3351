package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** gather, scatterAdd, indexSelect, maskedFill, embedding, oneHot: values, errors and gradients. */
class IndexingTest {
    private static Tensor seq(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return Tensor.of(d, shape);
    }

    private static Tensor rnd(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).requiresGrad(true);
    }

    private static Tensor longs(int[] shape, long... v) {
        return Tensor.ofLongs(v, shape);
    }

    // ---------------------------------------------------------------- gather

    @Test
    void gatherAlongEachDim() {
        Tensor x = seq(3, 4); // [[0..3], [4..7], [8..11]]
        Tensor g1 = Indexing.gather(x, 1, longs(new int[] {3, 2}, 3, 0, 1, 1, 2, 0));
        assertThat(g1.toFloatArray()).containsExactly(3, 0, 5, 5, 10, 8);
        Tensor g0 = Indexing.gather(x, 0, longs(new int[] {1, 3}, 2, 0, 1));
        assertThat(g0.toFloatArray()).containsExactly(8, 1, 6);
        Tensor gl = Indexing.gather(Tensor.ofLongs(new long[] {5, 6, 7}), -1, longs(new int[] {2}, 2, 2));
        assertThat(gl.toLongArray()).containsExactly(7, 7);
    }

    @Test
    void gatherChecksIndices() {
        Tensor x = seq(3, 5);
        assertThatThrownBy(() -> Indexing.gather(x, 1, longs(new int[] {1, 1}, 5)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("gather").hasMessageContaining("index 5").hasMessageContaining("size 5");
        assertThatThrownBy(() -> Indexing.gather(x, 1, longs(new int[] {1}, 0)))
                .hasMessageContaining("same number of dims");
        assertThatThrownBy(() -> Indexing.gather(x, 1, longs(new int[] {4, 1}, 0, 0, 0, 0)))
                .hasMessageContaining("larger than").hasMessageContaining("dim 0");
        assertThatThrownBy(() -> Indexing.gather(x, 1, Tensor.zeros(3, 1))).hasMessageContaining("int64");
    }

    @Test
    void gatherGradientScattersWithDuplicates() {
        Tensor idx = longs(new int[] {2, 3}, 1, 1, 0, 2, 2, 2);
        GradCheck.check("gather", t -> Indexing.gather(t[0], 1, idx), rnd(1, 2, 4));
        GradCheck.check("gather_dim0", t -> Indexing.gather(t[0], 0, longs(new int[] {2, 2}, 1, 0, 1, 1)), rnd(2, 3, 2));
    }

    // ---------------------------------------------------------------- scatterAdd

    @Test
    void scatterAddAccumulatesOutOfPlace() {
        Tensor x = Tensor.zeros(3, 2);
        Tensor idx = longs(new int[] {2, 2}, 0, 2, 0, 0);
        Tensor src = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2); // larger than index: only [:2, :2] used
        Tensor r = Indexing.scatterAdd(x, 0, idx, src);
        assertThat(r.toFloatArray()).containsExactly(4, 4, 0, 0, 0, 2);
        assertThat(x.toFloatArray()).containsOnly(0f);
        Tensor rl = Indexing.scatterAdd(Tensor.ofLongs(new long[] {1, 1, 1}), 0, longs(new int[] {2}, 2, 2),
                Tensor.ofLongs(new long[] {5, 6}));
        assertThat(rl.toLongArray()).containsExactly(1, 1, 12);
        assertThatThrownBy(() -> Indexing.scatterAdd(x, 0, longs(new int[] {1, 1}, 3), src))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index 3");
        assertThatThrownBy(() -> Indexing.scatterAdd(x, 0, longs(new int[] {4, 1}, 0, 0, 0, 0), src))
                .hasMessageContaining("larger than src");
    }

    @Test
    void scatterAddGradients() {
        Tensor idx = longs(new int[] {2, 3}, 1, 0, 3, 1, 1, 0);
        GradCheck.check("scatterAdd", t -> Indexing.scatterAdd(t[0], 0, idx, t[1]), rnd(3, 4, 3), rnd(4, 3, 3));
        Tensor idx1 = longs(new int[] {2, 2}, 2, 2, 0, 1);
        GradCheck.check("scatterAdd_dim1", t -> Indexing.scatterAdd(t[0], 1, idx1, t[1]), rnd(5, 2, 3), rnd(6, 2, 2));
    }

    // ---------------------------------------------------------------- indexSelect

    @Test
    void indexSelectRowsAndColumns() {
        Tensor x = seq(3, 2);
        Tensor rows = Indexing.indexSelect(x, 0, longs(new int[] {4}, 2, 0, 2, 1));
        assertThat(rows.shape()).containsExactly(4, 2);
        assertThat(rows.toFloatArray()).containsExactly(4, 5, 0, 1, 4, 5, 2, 3);
        Tensor cols = Indexing.indexSelect(x, -1, longs(new int[] {3}, 1, 1, 0));
        assertThat(cols.toFloatArray()).containsExactly(1, 1, 0, 3, 3, 2, 5, 5, 4);
        Tensor ids = Indexing.indexSelect(Tensor.ofLongs(new long[] {10, 11, 12, 13}, 2, 2), 0, longs(new int[] {1}, 1));
        assertThat(ids.dtype()).isEqualTo(DType.INT64);
        assertThat(ids.toLongArray()).containsExactly(12, 13);
        assertThatThrownBy(() -> Indexing.indexSelect(x, 0, longs(new int[] {1}, 3)))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index 3").hasMessageContaining("size 3");
        assertThatThrownBy(() -> Indexing.indexSelect(x, 0, longs(new int[] {1, 1}, 0))).hasMessageContaining("1-D");
    }

    @Test
    void indexSelectGradientIsIndexAdd() {
        Tensor x = rnd(7, 3, 2);
        Indexing.indexSelect(x, 0, longs(new int[] {3}, 2, 2, 0)).sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(1, 1, 0, 0, 2, 2);
        GradCheck.check("indexSelect", t -> Indexing.indexSelect(t[0], 1, longs(new int[] {4}, 2, 0, 2, 1)),
                rnd(8, 2, 3, 2));
    }

    // ---------------------------------------------------------------- maskedFill

    @Test
    void maskedFillBroadcastsTheMask() {
        Tensor x = seq(2, 3);
        Tensor mask = Tensor.ofBools(new boolean[] {false, true, true});
        Tensor r = Indexing.maskedFill(x, mask, -1e9f);
        assertThat(r.toFloatArray()).containsExactly(0, -1e9f, -1e9f, 3, -1e9f, -1e9f);
        Tensor xl = Tensor.ofLongs(new long[] {1, 2, 3});
        assertThat(Indexing.maskedFill(xl, mask, 7f).toLongArray()).containsExactly(1, 7, 7);
        assertThatThrownBy(() -> Indexing.maskedFill(x, Tensor.zeros(3), 0f)).hasMessageContaining("bool");
        assertThatThrownBy(() -> Indexing.maskedFill(x, Tensor.ofBools(new boolean[] {true, false}), 0f))
                .hasMessageContaining("broadcast");
    }

    @Test
    void maskedFillGradientIsZeroWhereFilled() {
        Tensor x = rnd(9, 2, 3);
        Tensor mask = Tensor.ofBools(new boolean[] {true, false, false, false, false, true}, 2, 3);
        Indexing.maskedFill(x, mask, 5f).sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(0, 1, 1, 1, 1, 0);
        Tensor m2 = Tensor.ofBools(new boolean[] {true, false, true}, 3, 1);
        GradCheck.check("maskedFill", t -> Indexing.maskedFill(t[0], m2, -2f), rnd(10, 2, 3, 4));
        // x broadcast up to the mask's shape: gradients sum back to x's shape.
        GradCheck.check("maskedFill_bcast", t -> Indexing.maskedFill(t[0], m2, 0f), rnd(11, 4));
    }

    // ---------------------------------------------------------------- embedding / oneHot

    @Test
    void embeddingLooksUpRows() {
        Tensor w = seq(4, 3);
        Tensor e = Indexing.embedding(w, longs(new int[] {2, 2}, 3, 0, 3, 1));
        assertThat(e.shape()).containsExactly(2, 2, 3);
        assertThat(e.toFloatArray()).containsExactly(9, 10, 11, 0, 1, 2, 9, 10, 11, 3, 4, 5);
        Tensor one = Indexing.embedding(w, Tensor.scalarLong(2));
        assertThat(one.shape()).containsExactly(3);
        assertThat(Indexing.embedding(w, longs(new int[] {1}, 0), 0).toFloatArray()).containsExactly(0, 1, 2);
    }

    @Test
    void embeddingChecksIndicesAndPaddingIdx() {
        Tensor w = seq(4, 3);
        assertThatThrownBy(() -> Indexing.embedding(w, longs(new int[] {2}, 1, 4)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 4").hasMessageContaining("vocabulary of size 4");
        assertThatThrownBy(() -> Indexing.embedding(w, longs(new int[] {1}, -1))).hasMessageContaining("index -1");
        assertThatThrownBy(() -> Indexing.embedding(w, longs(new int[] {1}, 0), 4)).hasMessageContaining("paddingIdx");
        assertThatThrownBy(() -> Indexing.embedding(seq(4), longs(new int[] {1}, 0))).hasMessageContaining("2-D");
        assertThatThrownBy(() -> Indexing.embedding(w, Tensor.zeros(2))).hasMessageContaining("int64");
    }

    @Test
    void embeddingGradientAccumulatesRowsAndSkipsPadding() {
        Tensor idx = longs(new int[] {2, 2}, 1, 3, 1, 0);
        Tensor w = rnd(12, 4, 2);
        Indexing.embedding(w, idx).sum().backward();
        assertThat(w.grad().toFloatArray()).containsExactly(1, 1, 2, 2, 0, 0, 1, 1);
        Tensor wp = rnd(13, 4, 2);
        Indexing.embedding(wp, idx, -1).sum().backward(); // -1 is row 3
        assertThat(wp.grad().toFloatArray()).containsExactly(1, 1, 2, 2, 0, 0, 0, 0);
        GradCheck.check("embedding", t -> Indexing.embedding(t[0], idx), rnd(14, 4, 3));
        // With paddingIdx the gradient is the plain one with that row zeroed (deliberately not the true derivative).
        Tensor a = rnd(15, 4, 3), b = rnd(15, 4, 3), up = Tensor.randn(new Generator(16), 2, 2, 3);
        Indexing.embedding(a, idx).backward(up);
        Indexing.embedding(b, idx, 1).backward(up);
        float[] want = a.grad().toFloatArray();
        java.util.Arrays.fill(want, 3, 6, 0f);
        assertThat(b.grad().toFloatArray()).containsExactly(want);
    }

    @Test
    void oneHotGivesInt64() {
        Tensor h = Indexing.oneHot(longs(new int[] {3}, 2, 0, 1), 4);
        assertThat(h.dtype()).isEqualTo(DType.INT64);
        assertThat(h.shape()).containsExactly(3, 4);
        assertThat(h.toLongArray()).containsExactly(0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0);
        assertThat(Indexing.oneHot(longs(new int[] {1, 2}, 0, 2), -1).shape()).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> Indexing.oneHot(longs(new int[] {1}, 4), 4))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("label 4");
    }
}
