package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** cumsum, topk and sort: values, indices, ties and NaN ordering, errors, gradients. */
class ScansTest {
    @Test
    void cumsumAlongEachDim() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(Scans.cumsum(x, 1).toFloatArray()).containsExactly(1, 3, 6, 4, 9, 15);
        assertThat(Scans.cumsum(x, 0).toFloatArray()).containsExactly(1, 2, 3, 5, 7, 9);
        assertThat(Scans.cumsum(x.t(), -1).toFloatArray()).containsExactly(1, 5, 2, 7, 3, 9);
        assertThat(Scans.cumsum(Tensor.scalar(2f), 0).item()).isEqualTo(2f);
    }

    @Test
    void cumsumGradientIsTheReversedCumsum() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Scans.cumsum(x, 0).backward(Tensor.of(new float[] {1, 10, 100}));
        assertThat(x.grad().toFloatArray()).containsExactly(111, 110, 100);
    }

    @Test
    void topkLargestAndSmallest() {
        Tensor x = Tensor.of(new float[] {3, 1, 4, 1, 5, 9, 2, 6}, 2, 4);
        Tensor[] r = Scans.topk(x, 2, -1, true, true);
        assertThat(r[0].shape()).containsExactly(2, 2);
        assertThat(r[0].toFloatArray()).containsExactly(4, 3, 9, 6);
        assertThat(r[1].dtype()).isEqualTo(DType.INT64);
        assertThat(r[1].toLongArray()).containsExactly(2, 0, 1, 3);
        Tensor[] s = Scans.topk(x, 1, 0, false, true);
        assertThat(s[0].shape()).containsExactly(1, 4);
        assertThat(s[0].toFloatArray()).containsExactly(3, 1, 2, 1);
        assertThat(s[1].toLongArray()).containsExactly(0, 0, 1, 0);
    }

    @Test
    void topkTiesKeepLowerIndexAndNaNIsLargest() {
        Tensor x = Tensor.of(new float[] {2, Float.NaN, 2, -0f, 0f, Float.NEGATIVE_INFINITY});
        Tensor[] r = Scans.topk(x, 3, 0, true, true);
        assertThat(r[0].toFloatArray()[0]).isNaN();
        assertThat(r[1].toLongArray()).containsExactly(1, 0, 2);
        Tensor[] low = Scans.topk(x, 3, 0, false, true);
        assertThat(low[1].toLongArray()).containsExactly(5, 3, 4);
    }

    @Test
    void smallKPathAgreesWithAFullSort() {
        // n > 16k takes the bounded-insertion path; rounding makes many ties, plus a NaN and -Inf.
        Tensor x = Tensor.randn(new Generator(9), 3, 300).mul(3f);
        float[] d = x.storage().floats();
        for (int i = 0; i < d.length; i++) d[i] = Math.round(d[i]);
        d[17] = Float.NaN;
        d[400] = Float.NEGATIVE_INFINITY;
        for (boolean largest : new boolean[] {true, false}) {
            Tensor[] top = Scans.topk(x, 7, 1, largest, true), all = Scans.sort(x, 1, largest);
            assertThat(top[1].toLongArray()).containsExactly(all[1].narrow(1, 0, 7).toLongArray());
            assertThat(top[0].toFloatArray()).containsExactly(all[0].narrow(1, 0, 7).toFloatArray());
        }
    }

    @Test
    void sortIsStable() {
        Tensor x = Tensor.of(new float[] {1, 3, 1, 2, 3});
        Tensor[] asc = Scans.sort(x, 0, false), desc = Scans.sort(x, -1, true);
        assertThat(asc[0].toFloatArray()).containsExactly(1, 1, 2, 3, 3);
        assertThat(asc[1].toLongArray()).containsExactly(0, 2, 3, 1, 4);
        assertThat(desc[1].toLongArray()).containsExactly(1, 4, 3, 0, 2);
    }

    @Test
    void topkErrors() {
        assertThatThrownBy(() -> Scans.topk(Tensor.zeros(2, 3), 4, 1, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topk").hasMessageContaining("k = 4")
                .hasMessageContaining("size 3");
        assertThatThrownBy(() -> Scans.topk(Tensor.zeros(2, 3), 1, 3, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topk");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradCheck.check("cumsum dim1", t -> Scans.cumsum(t[0], 1), Tensor.randn(new Generator(1), 2, 3, 4).requiresGrad(true));
        GradCheck.check("cumsum dim0", t -> Scans.cumsum(t[0], 0), Tensor.randn(new Generator(2), 3, 2).requiresGrad(true));
        GradCheck.check("topk last", t -> Scans.topk(t[0], 2, -1, true, true)[0],
                Tensor.randn(new Generator(3), 3, 5).requiresGrad(true));
        GradCheck.check("topk dim0 smallest", t -> Scans.topk(t[0], 2, 0, false, true)[0],
                Tensor.randn(new Generator(4), 4, 3).requiresGrad(true));
    }
}
