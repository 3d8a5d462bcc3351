// GradClipTest: gradient clipping — norms of several orders, no-op below the limit, non-finite gradients
// (propagated, or reported naming the parameter), value clipping and argument errors.
package dev.kindling.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {
    static Tensor withGrad(float... g) {
        Tensor p = Tensor.zeros(g.length).requiresGrad(true);
        p.setGrad(Tensor.of(g.clone()));
        return p;
    }

    @Test
    void normsOfEveryOrder() {
        List<Tensor> ps = List.of(withGrad(3, -4), withGrad(12), Tensor.zeros(1).requiresGrad(true));
        assertThat(GradClip.clipGradNorm(ps, 1e9, 2.0)).isCloseTo(13, within(1e-12));
        assertThat(GradClip.clipGradNorm(ps, 1e9, 1.0)).isCloseTo(19, within(1e-12));
        assertThat(GradClip.clipGradNorm(ps, 1e9, Double.POSITIVE_INFINITY)).isEqualTo(12);
        assertThat(GradClip.clipGradNorm(ps, 1e9, Double.NEGATIVE_INFINITY)).isEqualTo(3);
        assertThat(GradClip.clipGradNorm(ps, 1e9, 3.0)).isCloseTo(Math.cbrt(27 + 64 + 1728), within(1e-9));
        assertThat(GradClip.clipGradNorm(ps, 1e9, 0.0)).isEqualTo(3);
        assertThat(ps.get(0).grad().toFloatArray()).containsExactly(3, -4);   // below the limit: unchanged
        assertThat(GradClip.clipGradNorm(List.of(Tensor.zeros(1).requiresGrad(true)), 1, 2)).isEqualTo(0);
    }

    @Test
    void clipsToMaxNorm() {
        List<Tensor> ps = List.of(withGrad(3, -4), withGrad(12));
        double total = GradClip.clipGradNorm(ps, 6.5);
        assertThat(total).isCloseTo(13, within(1e-12));
        assertThat(ps.get(0).grad().toFloatArray()).containsExactly(new float[] {1.5f, -2f}, within(1e-6f));
        assertThat(ps.get(1).grad().toFloatArray()).containsExactly(new float[] {6f}, within(1e-6f));
        assertThat(GradClip.clipGradNorm(ps, 1e9, Double.POSITIVE_INFINITY)).isCloseTo(6, within(1e-6));
    }

    @Test
    void nonFiniteGradients() {
        List<Tensor> ps = List.of(withGrad(1, 2), withGrad(0, Float.NaN, 1));
        assertThatThrownBy(() -> GradClip.clipGradNorm(ps, 1, 2, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("non-finite").hasMessageContaining("(NaN)")
                .hasMessageContaining("parameter 1 (shape [3]) has gradient NaN at flat index 1");
        assertThat(ps.get(0).grad().toFloatArray()).containsExactly(1, 2);    // untouched on error
        assertThat(GradClip.clipGradNorm(ps, 1, 2)).isNaN();                   // as PyTorch: clipping with NaN
        assertThat(ps.get(0).grad().toFloatArray()[0]).isNaN();
        List<Tensor> inf = List.of(withGrad(1, Float.POSITIVE_INFINITY));
        assertThatThrownBy(() -> GradClip.clipGradNorm(inf, 1, Double.POSITIVE_INFINITY, true))
                .hasMessageContaining("parameter 0 (shape [2]) has gradient Infinity at flat index 1");
    }

    @Test
    void clipValueClampsEachElement() {
        Tensor p = withGrad(-3, 0.5f, 2, Float.NaN);
        Tensor q = Tensor.zeros(2, 2).requiresGrad(true);
        q.setGrad(Tensor.of(new float[] {-5, 5, 0.1f, 1}, 2, 2).t());   // strided gradient
        GradClip.clipGradValue(List.of(p, q), 1.0);
        float[] g = p.grad().toFloatArray();
        assertThat(g[0]).isEqualTo(-1);
        assertThat(g[1]).isEqualTo(0.5f);
        assertThat(g[2]).isEqualTo(1);
        assertThat(g[3]).isNaN();
        assertThat(q.grad().toFloatArray()).containsExactly(-1, 0.1f, 1, 1);
        assertThatThrownBy(() -> GradClip.clipGradValue(List.of(p), -1)).hasMessageContaining("clipValue must be >= 0");
        assertThatThrownBy(() -> GradClip.clipGradNorm(List.of(p), -1)).hasMessageContaining("maxNorm must be >= 0");
        assertThatThrownBy(() -> GradClip.clipGradNorm(List.of(p), 1, -2)).hasMessageContaining("normType");
    }
}
