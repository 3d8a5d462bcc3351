package dev.kindling.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.ops.Reductions;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void creation() {
        assertThat(Tensor.arange(0, 1, 0.25).toFloatArray()).containsExactly(0f, 0.25f, 0.5f, 0.75f);
        assertThat(Tensor.linspace(0, 1, 5).toFloatArray()).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f);
        assertThat(Tensor.eye(2).toFloatArray()).containsExactly(1f, 0f, 0f, 1f);
        assertThat(Tensor.full(7f, 2, 2).toFloatArray()).containsOnly(7f);
        assertThat(Tensor.ofLongs(new long[] {1, 2}).dtype()).isEqualTo(DType.INT64);
        assertThat(Tensor.scalar(3f).dim()).isZero();
        assertThatThrownBy(() -> Tensor.of(new float[] {1, 2, 3}, 2, 2)).hasMessageContaining("3 values")
                .hasMessageContaining("[2, 2]");
    }

    @Test
    void seededRandomIsReproducible() {
        float[] a = Tensor.randn(new Generator(7), 100).toFloatArray();
        float[] b = Tensor.randn(new Generator(7), 100).toFloatArray();
        float[] c = Tensor.randn(new Generator(8), 100).toFloatArray();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        float[] u = Tensor.rand(new Generator(1), 10000).toFloatArray();
        double mean = 0;
        for (float v : u) {
            assertThat(v).isBetween(0f, 1f);
            mean += v / u.length;
        }
        assertThat(mean).isBetween(0.48, 0.52);
        long[] r = Tensor.randint(new Generator(1), -3, 3, 1000).toLongArray();
        for (long v : r) assertThat(v).isBetween(-3L, 2L);
    }

    @Test
    void viewsShareStorage() {
        Tensor t = Tensor.arange(24).reshape(2, 3, 4);
        Tensor p = t.permute(2, 0, 1);
        Tensor s = t.slice(2, 1, 4, 2);
        Tensor e = Tensor.arange(3).reshape(3, 1).expand(3, 4);
        for (Tensor v : new Tensor[] {p, s, t.transpose(0, 1), t.unsqueeze(0), t.select(1, 2), t.view(6, 4)})
            assertThat(v.storage()).isSameAs(t.storage());
        assertThat(p.shape()).containsExactly(4, 2, 3);
        assertThat(p.isContiguous()).isFalse();
        assertThat(s.toFloatArray()).containsExactly(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23);
        assertThat(e.strides()).containsExactly(1, 0);
        assertThat(t.select(1, 2).toFloatArray()).containsExactly(8, 9, 10, 11, 20, 21, 22, 23);
        assertThat(t.unsqueeze(1).squeeze(1).shape()).containsExactly(2, 3, 4);
        assertThat(t.flatten(1, 2).shape()).containsExactly(2, 12);
        assertThat(t.reshape(-1, 4).shape()).containsExactly(6, 4);
    }

    @Test
    void viewOfNonContiguousFailsButReshapeCopies() {
        Tensor t = Tensor.arange(6).reshape(2, 3).t();
        assertThatThrownBy(() -> t.view(6)).hasMessageContaining("not contiguous");
        assertThat(t.reshape(6).toFloatArray()).containsExactly(0, 3, 1, 4, 2, 5);
    }

    @Test
    void viewGradientsFlowBack() {
        Tensor x = Tensor.arange(6).reshape(2, 3).requiresGrad(true);
        Tensor y = x.t().slice(0, 0, 3, 2).mul(Tensor.of(new float[] {1, 2})).sum(); // picks columns 0 and 2
        y.backward();
        assertThat(x.grad().toFloatArray()).containsExactly(1, 0, 1, 2, 0, 2);
    }

    @Test
    void expandGradientSumsBroadcastDims() {
        Tensor b = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        b.expand(4, 3).sum().backward();
        assertThat(b.grad().toFloatArray()).containsExactly(4, 4, 4);
    }

    @Test
    void errorsNameOpAndShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        assertThatThrownBy(() -> a.add(b)).hasMessageContaining("add").hasMessageContaining("[2, 3]")
                .hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> a.matmul(b)).hasMessageContaining("matmul").hasMessageContaining("[2, 3]")
                .hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> a.permute(0)).hasMessageContaining("permute");
        assertThatThrownBy(() -> a.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 2").hasMessageContaining("size 2");
        assertThatThrownBy(() -> a.sum(3, false)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Tensor.ofLongs(new long[] {1}).requiresGrad(true)).hasMessageContaining("float32");
        assertThatThrownBy(() -> a.add(Tensor.ofLongs(new long[] {1}))).hasMessageContaining("float32")
                .hasMessageContaining("int64");
        assertThatThrownBy(() -> a.reshape(4)).hasMessageContaining("[4]").hasMessageContaining("6");
    }

    @Test
    void broadcastingAddAndReductions() {
        Tensor a = Tensor.arange(6).reshape(2, 3);
        Tensor col = Tensor.of(new float[] {10, 20}, 2, 1);
        assertThat(a.add(col).toFloatArray()).containsExactly(10, 11, 12, 23, 24, 25);
        assertThat(a.t().add(Tensor.of(new float[] {1, 2})).toFloatArray()).containsExactly(1, 5, 2, 6, 3, 7);
        assertThat(Reductions.sum(a, new int[] {0}, false).toFloatArray()).containsExactly(3, 5, 7);
        assertThat(Reductions.sum(a, new int[] {-1}, true).shape()).containsExactly(2, 1);
        assertThat(a.mean().item()).isEqualTo(2.5f);
    }

    @Test
    void matmulVariants() {
        Tensor a = Tensor.arange(6).reshape(2, 3), b = Tensor.arange(3);
        assertThat(a.matmul(b).toFloatArray()).containsExactly(5, 14);
        assertThat(b.matmul(b).item()).isEqualTo(5f);
        Tensor batch = Tensor.arange(12).reshape(2, 2, 3);
        Tensor out = batch.matmul(a.t()); // [2,2,3] @ [3,2]
        assertThat(out.shape()).containsExactly(2, 2, 2);
        assertThat(out.toFloatArray()).containsExactly(5, 14, 14, 50, 23, 86, 32, 122);
    }
}
