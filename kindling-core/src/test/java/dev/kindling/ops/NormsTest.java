package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** layerNorm / rmsNorm / groupNorm / batchNorm: known values, running statistics, gradients, errors. */
class NormsTest {
    private static Tensor rnd(Generator g, int... shape) {
        return Tensor.randn(g, shape).requiresGrad(true);
    }

    private static void assertValues(Tensor t, float tol, float... want) {
        float[] got = t.toFloatArray();
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) assertThat(got[i]).as("element " + i).isCloseTo(want[i], within(tol));
    }

    @Test
    void layerNormKnownValues() {
        // Row [1, 2, 3]: mean 2, biased var 2/3.
        Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0, 1}, 2, 3);
        float s = (float) (1 / Math.sqrt(2.0 / 3 + 1e-5));
        assertValues(Norms.layerNorm(x, new int[] {3}, null, null, 1e-5f), 1e-5f, -s, 0, s, -s, 0, s);
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3), b = Tensor.of(new float[] {0, 0, 1}, 3);
        assertValues(Norms.layerNorm(x, new int[] {3}, w, b, 1e-5f), 1e-5f, -s, 0, 3 * s + 1, -s, 0, 3 * s + 1);
        // Over two trailing dims: the whole [2, 3] block is one row.
        assertValues(Norms.layerNorm(x.reshape(1, 2, 3), new int[] {2, 3}, null, null, 0f).sum(), 1e-5f, 0f);
    }

    @Test
    void rmsNormKnownValues() {
        Tensor x = Tensor.of(new float[] {3, 4}, 1, 2);                   // mean(x^2) = 12.5
        float r = (float) (1 / Math.sqrt(12.5 + 1e-6));
        assertValues(Norms.rmsNorm(x, new int[] {2}, Tensor.of(new float[] {1, 2}, 2), 1e-6f), 1e-6f, 3 * r, 8 * r);
    }

    @Test
    void layerAndRmsNormGradients() {
        Generator g = new Generator(1);
        GradCheck.check("layerNorm", t -> Norms.layerNorm(t[0], new int[] {5}, t[1], t[2], 1e-5f),
                rnd(g, 3, 5), rnd(g, 5), rnd(g, 5));
        GradCheck.check("layerNorm 2 dims, no affine", t -> Norms.layerNorm(t[0], new int[] {2, 3}, null, null, 1e-5f),
                rnd(g, 2, 2, 3));
        GradCheck.check("rmsNorm", t -> Norms.rmsNorm(t[0], new int[] {4}, t[1], 1e-6f), rnd(g, 3, 4), rnd(g, 4));
        GradCheck.check("rmsNorm no weight", t -> Norms.rmsNorm(t[0], new int[] {6}, null, 1e-6f), rnd(g, 2, 6));
    }

    @Test
    void groupNormEqualsLayerNormPerGroup() {
        Generator g = new Generator(2);
        Tensor x = Tensor.randn(g, 2, 6, 3, 2), w = Tensor.randn(g, 6), b = Tensor.randn(g, 6);
        Tensor y = Norms.groupNorm(x, 3, w, b, 1e-5f);
        Tensor ref = Norms.layerNorm(x.reshape(2, 3, 12), new int[] {12}, null, null, 1e-5f).reshape(2, 6, 3, 2)
                .mul(w.reshape(6, 1, 1)).add(b.reshape(6, 1, 1));
        float[] a = y.toFloatArray(), e = ref.toFloatArray();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(e[i], within(1e-5f));
        GradCheck.check("groupNorm", t -> Norms.groupNorm(t[0], 2, t[1], t[2], 1e-5f), rnd(g, 2, 4, 3), rnd(g, 4),
                rnd(g, 4));
        GradCheck.check("groupNorm no affine", t -> Norms.groupNorm(t[0], 3, null, null, 1e-5f), rnd(g, 2, 3, 2, 2));
    }

    @Test
    void batchNormTrainingUpdatesRunningStatisticsInPlace() {
        // Channel 0 values 1, 3 (mean 2, biased var 1, unbiased 2); channel 1 values 0, 4 (mean 2, var 4 / 8).
        Tensor x = Tensor.of(new float[] {1, 0, 3, 4}, 2, 2);
        Tensor rm = Tensor.zeros(2), rv = Tensor.ones(2);
        Tensor y = Norms.batchNorm(x, rm, rv, null, null, true, 0.1f, 0f);
        assertValues(y, 1e-6f, -1, -1, 1, 1);
        assertValues(rm, 1e-6f, 0.2f, 0.2f);
        assertValues(rv, 1e-6f, 0.9f + 0.1f * 2, 0.9f + 0.1f * 8);
        // Eval mode uses the running statistics and leaves them alone.
        Tensor e = Norms.batchNorm(x, rm, rv, Tensor.full(2f, 2), Tensor.ones(2), false, 0.1f, 0f);
        assertValues(e, 1e-5f, (float) (2 * (1 - 0.2) / Math.sqrt(1.1) + 1), (float) (2 * (0 - 0.2) / Math.sqrt(1.7) + 1),
                (float) (2 * (3 - 0.2) / Math.sqrt(1.1) + 1), (float) (2 * (4 - 0.2) / Math.sqrt(1.7) + 1));
        assertValues(rm, 1e-6f, 0.2f, 0.2f);
    }

    @Test
    void batchNormRunningStatsMayRequireNoGradAndBeNull() {
        Generator g = new Generator(3);
        Tensor x = rnd(g, 4, 3, 5);
        Tensor y = Norms.batchNorm(x, null, null, null, null, true, 0.1f, 1e-5f);
        // Per channel the output has mean 0 and biased variance ~1.
        float[] d = y.toFloatArray();
        for (int c = 0; c < 3; c++) {
            double m = 0, v = 0;
            for (int n = 0; n < 4; n++) for (int l = 0; l < 5; l++) m += d[(n * 3 + c) * 5 + l];
            m /= 20;
            for (int n = 0; n < 4; n++) for (int l = 0; l < 5; l++) v += Math.pow(d[(n * 3 + c) * 5 + l] - m, 2);
            assertThat(m).isCloseTo(0, within(1e-5));
            assertThat(v / 20).isCloseTo(1, within(1e-3));
        }
        // Backward after the running stats were updated in place still works (they are not saved).
        Tensor rm = Tensor.zeros(3), rv = Tensor.ones(3);
        Tensor z = Norms.batchNorm(x, rm, rv, null, null, true, 0.1f, 1e-5f);
        Norms.batchNorm(x, rm, rv, null, null, true, 0.1f, 1e-5f);
        z.sum().backward();
        assertThat(x.grad()).isNotNull();
    }

    @Test
    void batchNormGradients() {
        Generator g = new Generator(4);
        GradCheck.check("batchNorm train [N,C]", t -> Norms.batchNorm(t[0], null, null, t[1], t[2], true, 0.1f, 1e-5f),
                rnd(g, 5, 3), rnd(g, 3), rnd(g, 3));
        GradCheck.check("batchNorm train [N,C,H,W]", t -> Norms.batchNorm(t[0], null, null, t[1], t[2], true, 0.1f,
                1e-5f), rnd(g, 2, 3, 2, 3), rnd(g, 3), rnd(g, 3));
        Tensor rm = Tensor.randn(g, 3), rv = Tensor.rand(g, 3).add(0.5f);
        GradCheck.check("batchNorm eval [N,C,L]", t -> Norms.batchNorm(t[0], rm, rv, t[1], t[2], false, 0.1f, 1e-5f),
                rnd(g, 2, 3, 4), rnd(g, 3), rnd(g, 3));
        GradCheck.check("batchNorm train no affine", t -> Norms.batchNorm(t[0], null, null, null, null, true, 0.1f,
                1e-5f), rnd(g, 3, 2, 2));
    }

    @Test
    void errorsNameTheOpAndShapes() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> Norms.layerNorm(x, new int[] {3}, null, null, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layerNorm")
                .hasMessageContaining("[3]").hasMessageContaining("[2, 3, 4]");
        assertThatThrownBy(() -> Norms.layerNorm(x, new int[] {4}, Tensor.ones(3), null, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight of shape [4]");
        assertThatThrownBy(() -> Norms.groupNorm(x, 2, null, null, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numGroups=2");
        assertThatThrownBy(() -> Norms.batchNorm(x, null, null, null, null, false, 0.1f, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eval mode");
        assertThatThrownBy(() -> Norms.batchNorm(Tensor.zeros(1, 3), null, null, null, null, true, 0.1f, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 1 value per channel");
        assertThatThrownBy(() -> Norms.batchNorm(x, Tensor.zeros(4), Tensor.ones(3), null, null, true, 0.1f, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runningMean of shape [3]");
    }

    @Test
    void inPlaceUpdateDoesNotRecordAGraph() {
        Tensor rm = Tensor.zeros(2), rv = Tensor.ones(2);
        Tensor x = Tensor.of(new float[] {1, 0, 3, 4}, 2, 2).requiresGrad(true);
        Norms.batchNorm(x, rm, rv, null, null, true, 0.5f, 1e-5f);
        assertThat(rm.requiresGrad()).isFalse();
        assertThat(rm.gradFn()).isNull();
        assertThat(Autograd.isGradEnabled()).isTrue();
    }
}
