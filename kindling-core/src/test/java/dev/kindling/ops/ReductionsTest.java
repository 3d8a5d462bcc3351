package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** max/min/argmax/amax, var/std, norm, prod and logsumexp: known values, edge cases, gradients. */
class ReductionsTest {
    private static Tensor rnd(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).requiresGrad(true);
    }

    @Test
    void maxAlongDimGivesValuesAndFirstIndexOnTies() {
        Tensor x = Tensor.of(new float[] {1, 5, 5, 2, 0, -1}, 2, 3);
        Tensor[] r = Reductions.max(x, 1, false);
        assertThat(r[0].toFloatArray()).containsExactly(5, 2);
        assertThat(r[1].dtype()).isEqualTo(DType.INT64);
        assertThat(r[1].toLongArray()).containsExactly(1, 0);
        Tensor[] k = Reductions.max(x, 0, true);
        assertThat(k[0].shape()).containsExactly(1, 3);
        assertThat(k[0].toFloatArray()).containsExactly(2, 5, 5);
        assertThat(k[1].toLongArray()).containsExactly(1, 0, 0);
        Tensor[] mn = Reductions.min(x, -1, false);
        assertThat(mn[0].toFloatArray()).containsExactly(1, -1);
        assertThat(mn[1].toLongArray()).containsExactly(0, 2);
    }

    @Test
    void maxPropagatesNaNWithItsIndex() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, Float.NaN});
        Tensor[] r = Reductions.max(x, 0, false);
        assertThat(r[0].item()).isNaN();
        assertThat(r[1].toLongArray()).containsExactly(1);
        assertThat(Reductions.argmin(x).toLongArray()).containsExactly(1);
    }

    @Test
    void maxDimGradientGoesToTheSelectedPositionOnly() {
        Tensor x = Tensor.of(new float[] {3, 3, 1, 0, 2, 2}, 2, 3).requiresGrad(true);
        Reductions.max(x, 1, false)[0].sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(1, 0, 0, 0, 1, 0);
    }

    @Test
    void fullMaxAndAmaxSplitTheGradientAmongTies() {
        Tensor x = Tensor.of(new float[] {4, 1, 4, 4, 2, 0}, 2, 3).requiresGrad(true);
        Tensor m = Reductions.max(x);
        assertThat(m.shape()).isEmpty();
        assertThat(m.item()).isEqualTo(4f);
        m.backward();
        assertThat(x.grad().toFloatArray()).containsExactly(1f / 3, 0, 1f / 3, 1f / 3, 0, 0);

        Tensor y = Tensor.of(new float[] {4, 1, 4, 4, 2, 0}, 2, 3).requiresGrad(true);
        Tensor a = Reductions.amax(y, new int[] {1}, true);
        assertThat(a.shape()).containsExactly(2, 1);
        a.sum().backward();
        assertThat(y.grad().toFloatArray()).containsExactly(0.5f, 0, 0.5f, 1, 0, 0);
        assertThat(Reductions.amin(y.detach(), new int[] {0}, false).toFloatArray()).containsExactly(4, 1, 0);
        assertThat(Reductions.min(y.detach()).item()).isEqualTo(0f);
    }

    @Test
    void argmaxArgminFirstOccurrenceAndFlattened() {
        Tensor x = Tensor.of(new float[] {1, 7, 7, 0, 0, -2}, 2, 3);
        assertThat(Reductions.argmax(x, 1, false).toLongArray()).containsExactly(1, 0);
        assertThat(Reductions.argmin(x, 1, true).shape()).containsExactly(2, 1);
        assertThat(Reductions.argmin(x, 1, true).toLongArray()).containsExactly(0, 2);
        Tensor flat = Reductions.argmax(x);
        assertThat(flat.shape()).isEmpty();
        assertThat(flat.getLong()).isEqualTo(1);
        assertThat(Reductions.argmin(x).getLong()).isEqualTo(5);
        assertThat(Reductions.argmax(x.t(), 0, false).toLongArray()).containsExactly(1, 0);
    }

    @Test
    void varAndStdKnownValues() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 2, 2, 2, 2}, 2, 4);
        assertThat(Reductions.var(x, new int[] {1}, 1, false).toFloatArray()).containsExactly(5f / 3, 0f);
        assertThat(Reductions.var(x, new int[] {1}, 0, true).toFloatArray()).containsExactly(1.25f, 0f);
        assertThat(Reductions.var(x, new int[] {1}, 0, true).shape()).containsExactly(2, 1);
        assertThat(Reductions.std(x, null, 0, false).item()).isCloseTo((float) Math.sqrt(0.6875), within(1e-6f));
        // N - correction <= 0 gives NaN (0/0) as in PyTorch.
        assertThat(Reductions.var(Tensor.of(new float[] {3}), null, 1, false).item()).isNaN();
    }

    @Test
    void stdGradientIsZeroWhereStdIsZero() {
        Tensor x = Tensor.of(new float[] {2, 2, 2, 1, 3, 5}, 2, 3).requiresGrad(true);
        Reductions.std(x, new int[] {1}, 1, false).sum().backward();
        float[] g = x.grad().toFloatArray();
        assertThat(g[0]).isZero();
        assertThat(g[1]).isZero();
        assertThat(g[3]).isCloseTo(-0.5f, within(1e-6f));   // (x - mean) / ((N-1) std) = -2 / (2 * 2)
    }

    @Test
    void normVariants() {
        Tensor x = Tensor.of(new float[] {3, -4, 0, 0}, 2, 2);
        assertThat(Reductions.norm(x, 2f, new int[] {1}, false).toFloatArray()).containsExactly(5, 0);
        assertThat(Reductions.norm(x, 1f, null, false).item()).isEqualTo(7f);
        assertThat(Reductions.norm(x, Float.POSITIVE_INFINITY, null, false).item()).isEqualTo(4f);
        assertThat(Reductions.norm(x, Float.NEGATIVE_INFINITY, new int[] {1}, false).toFloatArray()).containsExactly(3, 0);
        assertThat(Reductions.norm(x, 0f, null, false).item()).isEqualTo(2f);
        assertThat(Reductions.norm(x, 3f, null, false).item()).isCloseTo((float) Math.cbrt(91), within(1e-5f));
        assertThatThrownBy(() -> Reductions.norm(x, -1f, null, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("norm");
    }

    @Test
    void norm2GradientAtZeroIsZero() {
        Tensor x = Tensor.of(new float[] {3, -4, 0, 0}, 2, 2).requiresGrad(true);
        Reductions.norm(x, 2f, new int[] {-1}, false).sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(0.6f, -0.8f, 0f, 0f);
    }

    @Test
    void prodGradientWithZeros() {
        Tensor x = Tensor.of(new float[] {2, 0, 3, 0, 0, 5, 1, 2, 4}, 3, 3).requiresGrad(true);
        Tensor p = Reductions.prod(x, 1, false);
        assertThat(p.toFloatArray()).containsExactly(0, 0, 8);
        p.sum().backward();
        // one zero: only it gets the product of the others; two zeros: nothing; no zero: prod / x.
        assertThat(x.grad().toFloatArray()).containsExactly(0, 6, 0, 0, 0, 0, 8, 4, 2);
        assertThat(Reductions.prod(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)).item()).isEqualTo(24f);
        assertThat(Reductions.prod(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), 0, true).shape()).containsExactly(1, 2);
    }

    @Test
    void logsumexpIsStableForLargeAndInfiniteValues() {
        Tensor x = Tensor.of(new float[] {1000, 1000, -1000, Float.NEGATIVE_INFINITY}, 2, 2);
        float[] r = Reductions.logsumexp(x, new int[] {1}, false).toFloatArray();
        assertThat(r[0]).isCloseTo(1000f + (float) Math.log(2), within(1e-3f));
        assertThat(r[1]).isEqualTo(-1000f);
        Tensor allNegInf = Tensor.full(Float.NEGATIVE_INFINITY, 3);
        assertThat(Reductions.logsumexp(allNegInf, null, false).item()).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Reductions.logsumexp(x, null, true).shape()).containsExactly(1, 1);
    }

    @Test
    void errorsNameTheOpAndShape() {
        Tensor x = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Reductions.max(x, 2, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max").hasMessageContaining("dimension 2");
        assertThatThrownBy(() -> Reductions.amax(Tensor.zeros(2, 0), new int[] {1}, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amax").hasMessageContaining("[2, 0]");
        assertThatThrownBy(() -> Reductions.argmax(Tensor.ofLongs(new long[] {1, 2})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32");
    }

    @Test
    void scalarInputs() {
        Tensor s = Tensor.scalar(3f);
        Tensor[] r = Reductions.max(s, 0, false);
        assertThat(r[0].shape()).isEmpty();
        assertThat(r[1].getLong()).isZero();
        assertThat(Reductions.logsumexp(s, null, false).item()).isEqualTo(3f);
        assertThat(Reductions.prod(s, -1, true).item()).isEqualTo(3f);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradCheck.check("max dim", t -> Reductions.max(t[0], 1, true)[0], rnd(1, 3, 4, 2));
        GradCheck.check("min dim0", t -> Reductions.min(t[0], 0, false)[0], rnd(2, 3, 4));
        GradCheck.check("amax dims", t -> Reductions.amax(t[0], new int[] {0, 2}, false), rnd(3, 2, 3, 4));
        GradCheck.check("var", t -> Reductions.var(t[0], new int[] {1}, 1, false), rnd(4, 3, 5));
        GradCheck.check("var all biased", t -> Reductions.var(t[0], null, 0, false), rnd(5, 2, 3));
        GradCheck.check("std dims 0,2", t -> Reductions.std(t[0], new int[] {0, 2}, 1, true), rnd(6, 2, 3, 4));
        GradCheck.check("norm2", t -> Reductions.norm(t[0], 2f, new int[] {-1}, false), rnd(7, 3, 4));
        GradCheck.check("norm1", t -> Reductions.norm(t[0], 1f, new int[] {0}, false), rnd(8, 3, 4));
        GradCheck.check("norm3", t -> Reductions.norm(t[0], 3f, null, false), rnd(9, 3, 4));
        GradCheck.check("norm inf", t -> Reductions.norm(t[0], Float.POSITIVE_INFINITY, new int[] {1}, false), rnd(10, 3, 4));
        GradCheck.check("prod", t -> Reductions.prod(t[0], 0, false), rnd(11, 3, 4));
        GradCheck.check("logsumexp 0,2", t -> Reductions.logsumexp(t[0], new int[] {0, 2}, true), rnd(12, 2, 3, 4));
        GradCheck.check("logsumexp transposed", t -> Reductions.logsumexp(t[0].t(), new int[] {-1}, false), rnd(13, 4, 3));
    }
}
