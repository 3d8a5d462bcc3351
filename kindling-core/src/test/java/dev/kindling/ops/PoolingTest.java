package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** Max / average / adaptive pooling and nearest upsampling: known values, gradients, errors. */
class PoolingTest {
    /** A random permutation of 0.1 * [0, n): distinct values at least 0.1 apart (safe for max-pool FD checks). */
    private static Tensor distinct(Generator g, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.storage().floats();
        for (int i = 0; i < d.length; i++) d[i] = 0.1f * i;
        for (int i = d.length - 1; i > 0; i--) {
            int j = (int) g.nextLong(i + 1);
            float s = d[i];
            d[i] = d[j];
            d[j] = s;
        }
        return t.requiresGrad(true);
    }

    private static final Tensor X44 = Tensor.of(new float[] {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12,
            13, 14, 15, 16}, 1, 1, 4, 4);

    @Test
    void maxPoolKnownValuesAndArgmaxGradient() {
        Tensor x = X44.detach().clone().requiresGrad(true);
        Tensor y = Pooling.maxPool2d(x, 2, 2, 0);
        assertThat(y.shape()).containsExactly(1, 1, 2, 2);
        assertThat(y.toFloatArray()).containsExactly(6, 8, 14, 16);
        y.sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1);
        // Padding counts as -inf: with k3 s2 p1 the corner window sees only real values.
        Tensor z = Pooling.maxPool2d(X44.neg(), 3, 2, 1);
        assertThat(z.toFloatArray()).containsExactly(-1, -2, -5, -6);
    }

    @Test
    void maxPoolTiesSendTheGradientToTheFirstMaximum() {
        Tensor x = Tensor.ones(1, 1, 2, 2).requiresGrad(true);
        Pooling.maxPool2d(x, 2, 2, 0).sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(1, 0, 0, 0);
        // Overlapping windows accumulate into the shared maximum.
        Tensor v = Tensor.of(new float[] {0, 9, 0, 0, 0, 0}, 1, 2, 3).requiresGrad(true);
        Pooling.maxPool2d(v, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}).sum().backward();
        assertThat(v.grad().toFloatArray()).containsExactly(0, 2, 0, 0, 0, 0);
    }

    @Test
    void maxPoolGradients() {
        Generator g = new Generator(1);
        GradCheck.check("maxPool2d", t -> Pooling.maxPool2d(t[0], new int[] {3, 2}, new int[] {2, 1},
                new int[] {1, 1}), distinct(g, 2, 2, 5, 6));
    }

    @Test
    void avgPoolDivisorsFollowPyTorch() {
        Tensor x = X44.detach();
        assertThat(Pooling.avgPool2d(x, 2, 2, 0).toFloatArray()).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
        // k3 s2 p1: the corner window holds 4 real values out of 9 positions.
        float[] incl = Pooling.avgPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, true).toFloatArray();
        float[] excl = Pooling.avgPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, false).toFloatArray();
        assertThat(incl[0]).isCloseTo((1 + 2 + 5 + 6) / 9f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(excl[0]).isCloseTo((1 + 2 + 5 + 6) / 4f, org.assertj.core.data.Offset.offset(1e-6f));
        // Window at column 1 covers columns 1..3, all real: 6 values over rows -1..1.
        assertThat(excl[1]).isCloseTo((2 + 3 + 4 + 6 + 7 + 8) / 6f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(incl[1]).isCloseTo((2 + 3 + 4 + 6 + 7 + 8) / 9f, org.assertj.core.data.Offset.offset(1e-6f));
        // stride null means stride = kernel.
        assertThat(Pooling.avgPool2d(x, new int[] {2}, null, new int[] {0}, true).toFloatArray())
                .containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
    }

    @Test
    void avgPoolGradients() {
        Generator g = new Generator(2);
        GradCheck.check("avgPool2d incl", t -> Pooling.avgPool2d(t[0], new int[] {3, 2}, new int[] {2, 1},
                new int[] {1, 1}, true), Tensor.randn(g, 2, 2, 5, 6).requiresGrad(true));
        GradCheck.check("avgPool2d excl", t -> Pooling.avgPool2d(t[0], new int[] {3, 3}, new int[] {2, 2},
                new int[] {1, 1}, false), Tensor.randn(g, 1, 3, 6, 5).requiresGrad(true));
    }

    @Test
    void adaptiveAvgPoolUsesOverlappingBins() {
        // 5 -> 3 bins: rows [0,2), [1,4), [3,5).
        Tensor x = Tensor.arange(5).reshape(1, 1, 5, 1);
        assertThat(Pooling.adaptiveAvgPool2d(x, 3, 1).toFloatArray()).containsExactly(0.5f, 2f, 3.5f);
        assertThat(Pooling.adaptiveAvgPool2d(X44, 1, 1).toFloatArray()).containsExactly(8.5f);
        assertThat(Pooling.adaptiveAvgPool2d(X44, 2, 2).toFloatArray()).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
        Generator g = new Generator(3);
        GradCheck.check("adaptiveAvgPool2d", t -> Pooling.adaptiveAvgPool2d(t[0], 3, 2),
                Tensor.randn(g, 2, 2, 5, 7).requiresGrad(true));
        GradCheck.check("adaptiveAvgPool2d up", t -> Pooling.adaptiveAvgPool2d(t[0], 4, 3),
                Tensor.randn(g, 3, 2, 3).requiresGrad(true));
    }

    @Test
    void nearestUpsamplingAndResize() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertThat(Pooling.upsampleNearest2d(x, 2).toFloatArray())
                .containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
        // 3 -> 5: source index floor(i * 0.6) = 0, 0, 1, 1, 2; 3 -> 2: floor(i * 1.5) = 0, 1.
        Tensor r = Tensor.of(new float[] {10, 20, 30}, 1, 1, 1, 3);
        assertThat(Pooling.interpolateNearest(r, 1, 5).toFloatArray()).containsExactly(10, 10, 20, 20, 30);
        assertThat(Pooling.interpolateNearest(r, 1, 2).toFloatArray()).containsExactly(10, 20);
        Tensor v = r.detach().clone().requiresGrad(true);
        Pooling.interpolateNearest(v, 2, 5).sum().backward();
        assertThat(v.grad().toFloatArray()).containsExactly(4, 4, 2);
        Generator g = new Generator(4);
        GradCheck.check("upsampleNearest2d", t -> Pooling.upsampleNearest2d(t[0], 3),
                Tensor.randn(g, 2, 1, 2, 3).requiresGrad(true));
    }

    @Test
    void unbatchedInputKeepsItsRank() {
        Tensor x = X44.reshape(1, 4, 4);
        assertThat(Pooling.maxPool2d(x, 2, 2, 0).shape()).containsExactly(1, 2, 2);
        assertThat(Pooling.upsampleNearest2d(x, 2).shape()).containsExactly(1, 8, 8);
    }

    @Test
    void errorsNameTheOpAndShapes() {
        assertThatThrownBy(() -> Pooling.maxPool2d(Tensor.zeros(4, 4), 2, 2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPool2d")
                .hasMessageContaining("[4, 4]");
        assertThatThrownBy(() -> Pooling.maxPool2d(X44, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most half");
        assertThatThrownBy(() -> Pooling.avgPool2d(X44, 5, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smaller than the kernel size 5");
        assertThatThrownBy(() -> Pooling.adaptiveAvgPool2d(X44, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("adaptiveAvgPool2d");
        assertThatThrownBy(() -> Pooling.upsampleNearest2d(X44, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale must be >= 1");
    }
}
