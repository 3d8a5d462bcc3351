package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cat, stack, chunk, split, repeat, pad, flip, tril/triu: values, shapes, dtypes, errors and gradients. */
class ShapeOpsTest {
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

    // ---------------------------------------------------------------- cat / stack

    @Test
    void catAlongEachDim() {
        Tensor a = seq(2, 2), b = Tensor.of(new float[] {10, 11}, 1, 2);
        assertThat(ShapeOps.cat(new Tensor[] {a, b}, 0).toFloatArray()).containsExactly(0, 1, 2, 3, 10, 11);
        Tensor c = Tensor.of(new float[] {10, 11}, 2, 1);
        Tensor r = ShapeOps.cat(List.of(a, c), -1);
        assertThat(r.shape()).containsExactly(2, 3);
        assertThat(r.toFloatArray()).containsExactly(0, 1, 10, 2, 3, 11);
    }

    @Test
    void catOfNonContiguousInputs() {
        Tensor a = seq(3, 2).t(), b = seq(2, 3).slice(1, 0, 3, 2); // [2, 3] transposed, [2, 2] strided
        Tensor r = ShapeOps.cat(new Tensor[] {a, b}, 1);
        assertThat(r.shape()).containsExactly(2, 5);
        assertThat(r.toFloatArray()).containsExactly(0, 2, 4, 0, 2, 1, 3, 5, 3, 5);
    }

    @Test
    void catWorksForInt64AndBool() {
        Tensor a = Tensor.ofLongs(new long[] {1, 2}, 1, 2), b = Tensor.ofLongs(new long[] {3, 4, 5, 6}, 2, 2);
        Tensor r = ShapeOps.cat(new Tensor[] {a, b}, 0);
        assertThat(r.dtype()).isEqualTo(DType.INT64);
        assertThat(r.toLongArray()).containsExactly(1, 2, 3, 4, 5, 6);
        Tensor m = ShapeOps.cat(new Tensor[] {Tensor.ofBools(new boolean[] {true}), Tensor.ofBools(new boolean[] {false, true})}, 0);
        assertThat(m.toBoolArray()).containsExactly(true, false, true);
    }

    @Test
    void catSkipsLegacyEmptyTensors() {
        Tensor r = ShapeOps.cat(new Tensor[] {Tensor.zeros(0), seq(2, 2)}, 1);
        assertThat(r.shape()).containsExactly(2, 2);
    }

    @Test
    void catErrorsNameTheTensorAndShapes() {
        assertThatThrownBy(() -> ShapeOps.cat(new Tensor[] {seq(2, 3, 4), seq(2, 3, 5)}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 1").hasMessageContaining("[2, 3, 5]").hasMessageContaining("[2, 3, 4]");
        assertThatThrownBy(() -> ShapeOps.cat(new Tensor[] {seq(2, 3), seq(2, 3), seq(2, 3, 1)}, 0))
                .hasMessageContaining("tensor 2").hasMessageContaining("[2, 3, 1]");
        assertThatThrownBy(() -> ShapeOps.cat(new Tensor[] {seq(2), Tensor.ofLongs(new long[] {1, 2})}, 0))
                .hasMessageContaining("dtype");
        assertThatThrownBy(() -> ShapeOps.cat(new Tensor[0], 0)).hasMessageContaining("non-empty");
    }

    @Test
    void stackInsertsANewDim() {
        Tensor a = seq(2, 2), b = Elementwise.add(seq(2, 2), 10f);
        Tensor s0 = ShapeOps.stack(new Tensor[] {a, b}, 0);
        assertThat(s0.shape()).containsExactly(2, 2, 2);
        assertThat(s0.toFloatArray()).containsExactly(0, 1, 2, 3, 10, 11, 12, 13);
        Tensor s2 = ShapeOps.stack(List.of(a, b), -1);
        assertThat(s2.shape()).containsExactly(2, 2, 2);
        assertThat(s2.toFloatArray()).containsExactly(0, 10, 1, 11, 2, 12, 3, 13);
        Tensor l = ShapeOps.stack(new Tensor[] {Tensor.scalarLong(4), Tensor.scalarLong(5)}, 0);
        assertThat(l.toLongArray()).containsExactly(4, 5);
    }

    @Test
    void stackRejectsUnequalShapes() {
        assertThatThrownBy(() -> ShapeOps.stack(new Tensor[] {seq(3, 4), seq(3, 4), seq(4, 3)}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 2").hasMessageContaining("[4, 3]").hasMessageContaining("[3, 4]");
    }

    @Test
    void catAndStackGradients() {
        GradCheck.check("cat", t -> ShapeOps.cat(new Tensor[] {t[0], t[1], t[0]}, 1), rnd(1, 2, 3, 2), rnd(2, 2, 1, 2));
        GradCheck.check("stack", t -> ShapeOps.stack(new Tensor[] {t[0], t[1]}, 1), rnd(3, 2, 3), rnd(4, 2, 3));
    }

    // ---------------------------------------------------------------- chunk / split

    @Test
    void chunkFollowsPyTorchSizes() {
        Tensor[] c = ShapeOps.chunk(seq(2, 9), 3, 1);
        assertThat(c).hasSize(3);
        assertThat(c[1].toFloatArray()).containsExactly(3, 4, 5, 12, 13, 14);
        // ceil(5 / 4) = 2 -> sizes 2, 2, 1: fewer chunks than asked, as PyTorch.
        Tensor[] d = ShapeOps.chunk(seq(5), 4, 0);
        assertThat(d).hasSize(3);
        assertThat(d[2].toFloatArray()).containsExactly(4);
        assertThatThrownBy(() -> ShapeOps.chunk(seq(5), 0, 0)).hasMessageContaining("chunks");
    }

    @Test
    void chunkReturnsViewsWhoseGradientsFlowThroughSlice() {
        Tensor x = rnd(5, 2, 6);
        Tensor[] c = ShapeOps.chunk(x, 3, -1);
        assertThat(c[0].storage()).isSameAs(x.storage());
        assertThat(c[0].gradFn().op()).isEqualTo("slice");
        Elementwise.mul(c[2], 3f).sum().backward(); // only the last chunk is used
        assertThat(x.grad().toFloatArray()).containsExactly(0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 3, 3);
        GradCheck.check("chunk", t -> {
            Tensor[] p = ShapeOps.chunk(t[0], 2, 0);
            return Elementwise.add(p[0], Elementwise.mul(p[1], p[1]));
        }, rnd(6, 4, 3));
    }

    @Test
    void splitGivesEqualPiecesAndARemainder() {
        Tensor[] s = ShapeOps.split(seq(7, 2), 3, 0);
        assertThat(s).extracting(t -> t.shape()[0]).containsExactly(3, 3, 1);
        assertThat(s[2].toFloatArray()).containsExactly(12, 13);
        assertThatThrownBy(() -> ShapeOps.split(seq(4), 0, 0)).hasMessageContaining("positive");
    }

    // ---------------------------------------------------------------- repeat

    @Test
    void repeatTilesLikeTorch() {
        Tensor r = ShapeOps.repeat(seq(2, 3), 2, 3);
        assertThat(r.shape()).containsExactly(4, 9);
        assertThat(r.toFloatArray()).startsWith(0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 3, 4, 5, 0, 1, 2);
        Tensor more = ShapeOps.repeat(Tensor.of(new float[] {1, 2, 3}), 2, 1, 2);
        assertThat(more.shape()).containsExactly(2, 1, 6);
        assertThat(more.toFloatArray()).containsExactly(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
        Tensor col = ShapeOps.repeat(Tensor.ofLongs(new long[] {7, 8}, 2, 1), 1, 3);
        assertThat(col.toLongArray()).containsExactly(7, 7, 7, 8, 8, 8);
        assertThat(ShapeOps.repeat(seq(2, 3), 0, 1).shape()).containsExactly(0, 3);
        assertThatThrownBy(() -> ShapeOps.repeat(seq(2, 3), 2)).hasMessageContaining("smaller than the number of dims");
    }

    @Test
    void repeatGradient() {
        GradCheck.check("repeat", t -> ShapeOps.repeat(t[0], 2, 1, 3), rnd(7, 3, 2));
        GradCheck.check("repeat_noncontig", t -> ShapeOps.repeat(t[0].t(), 2, 2), rnd(8, 3, 2));
    }

    // ---------------------------------------------------------------- pad

    @Test
    void padFromTheLastDimBackwards() {
        Tensor p = ShapeOps.pad(seq(1, 2, 2), new int[] {1, 2, 0, 1}, 0.5f);
        assertThat(p.shape()).containsExactly(1, 3, 5);
        assertThat(p.toFloatArray()).containsExactly(
                0.5f, 0, 1, 0.5f, 0.5f,
                0.5f, 2, 3, 0.5f, 0.5f,
                0.5f, 0.5f, 0.5f, 0.5f, 0.5f);
    }

    @Test
    void negativePaddingCrops() {
        Tensor p = ShapeOps.pad(seq(3, 4), new int[] {-1, 1, 0, -2}, 9f);
        assertThat(p.shape()).containsExactly(1, 4);
        assertThat(p.toFloatArray()).containsExactly(1, 2, 3, 9);
        Tensor l = ShapeOps.pad(Tensor.ofLongs(new long[] {1, 2}), new int[] {1, 0}, -1f);
        assertThat(l.toLongArray()).containsExactly(-1, 1, 2);
        assertThatThrownBy(() -> ShapeOps.pad(seq(3), new int[] {1}, 0f)).hasMessageContaining("even");
        assertThatThrownBy(() -> ShapeOps.pad(seq(3), new int[] {0, 0, 1, 1}, 0f)).hasMessageContaining("has only 1");
        assertThatThrownBy(() -> ShapeOps.pad(seq(3), new int[] {-2, -2}, 0f)).hasMessageContaining("negative size");
    }

    @Test
    void padGradient() {
        GradCheck.check("pad", t -> ShapeOps.pad(t[0], new int[] {2, -1, -1, 1}, 3f), rnd(9, 2, 3, 4));
    }

    // ---------------------------------------------------------------- flip

    @Test
    void flipReversesTheGivenDims() {
        Tensor x = seq(2, 3);
        assertThat(ShapeOps.flip(x, 1).toFloatArray()).containsExactly(2, 1, 0, 5, 4, 3);
        assertThat(ShapeOps.flip(x, 0).toFloatArray()).containsExactly(3, 4, 5, 0, 1, 2);
        assertThat(ShapeOps.flip(x, 0, -1).toFloatArray()).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(ShapeOps.flip(x.t(), 0).toFloatArray()).containsExactly(2, 5, 1, 4, 0, 3);
        assertThat(ShapeOps.flip(Tensor.ofBools(new boolean[] {true, false, false}), 0).toBoolArray())
                .containsExactly(false, false, true);
        assertThatThrownBy(() -> ShapeOps.flip(x, 1, -1)).hasMessageContaining("multiple times");
    }

    @Test
    void flipGradient() {
        GradCheck.check("flip", t -> ShapeOps.flip(t[0], 0, 2), rnd(10, 2, 3, 2));
    }

    // ---------------------------------------------------------------- tril / triu

    @Test
    void trilAndTriuWithDiagonals() {
        Tensor x = Elementwise.add(seq(3, 3), 1f);
        assertThat(ShapeOps.tril(x, 0).toFloatArray()).containsExactly(1, 0, 0, 4, 5, 0, 7, 8, 9);
        assertThat(ShapeOps.tril(x, -1).toFloatArray()).containsExactly(0, 0, 0, 4, 0, 0, 7, 8, 0);
        assertThat(ShapeOps.triu(x, 1).toFloatArray()).containsExactly(0, 2, 3, 0, 0, 6, 0, 0, 0);
        assertThat(ShapeOps.triu(x, -5).toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(ShapeOps.tril(x, 7).toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        Tensor wide = ShapeOps.triu(Elementwise.add(seq(2, 2, 3), 1f), 0); // batched, non-square
        assertThat(wide.toFloatArray()).containsExactly(1, 2, 3, 0, 5, 6, 7, 8, 9, 0, 11, 12);
        assertThatThrownBy(() -> ShapeOps.tril(seq(3), 0)).hasMessageContaining("at least 2 dims");
    }

    @Test
    void trilOfBoolOnesIsACausalMask() {
        boolean[] ones = new boolean[9];
        java.util.Arrays.fill(ones, true);
        Tensor m = ShapeOps.tril(Tensor.ofBools(ones, 3, 3), 0);
        assertThat(m.toBoolArray()).containsExactly(true, false, false, true, true, false, true, true, true);
    }

    @Test
    void triangleGradients() {
        GradCheck.check("tril", t -> ShapeOps.tril(t[0], 1), rnd(11, 2, 3, 4));
        GradCheck.check("triu", t -> ShapeOps.triu(t[0].t(), -1), rnd(12, 4, 3));
    }
}
