package dev.kindling.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Init: sample statistics against PyTorch's formulas, gains, fans, in-place behaviour and errors. */
class InitTest {
    /** {mean, std, min, max} of the tensor's values, in double. */
    static double[] stats(Tensor t) {
        float[] v = t.toFloatArray();
        double s = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (float x : v) {
            s += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mean = s / v.length, ss = 0;
        for (float x : v) ss += (x - mean) * (x - mean);
        return new double[] {mean, Math.sqrt(ss / (v.length - 1)), min, max};
    }

    /** U(-b, b): all within the bound, extremes close to it, std b / sqrt(3), mean 0. */
    static void assertUniform(Tensor t, double bound) {
        double[] s = stats(t);
        assertThat(s[2]).isGreaterThanOrEqualTo(-bound * (1 + 1e-6));
        assertThat(s[3]).isLessThanOrEqualTo(bound * (1 + 1e-6));
        assertThat(s[2]).isLessThan(-0.99 * bound);
        assertThat(s[3]).isGreaterThan(0.99 * bound);
        assertThat(s[1]).isCloseTo(bound / Math.sqrt(3), within(0.01 * bound));
        assertThat(s[0]).isCloseTo(0, within(0.01 * bound));
    }

    static void assertNormal(Tensor t, double mean, double std) {
        double[] s = stats(t);
        assertThat(s[0]).isCloseTo(mean, within(0.02 * std));
        assertThat(s[1]).isCloseTo(std, within(0.015 * std));
    }

    @Test
    void uniformAndNormalMatchTheirParameters() {
        var g = new Generator(1);
        double[] s = stats(Init.uniform_(Tensor.zeros(100_000), 2, 5, g));
        assertThat(s[2]).isGreaterThanOrEqualTo(2);
        assertThat(s[3]).isLessThanOrEqualTo(5);
        assertThat(s[0]).isCloseTo(3.5, within(0.02));
        assertThat(s[1]).isCloseTo(3 / Math.sqrt(12), within(0.01));
        assertNormal(Init.normal_(Tensor.zeros(100_000), -1, 0.5, g), -1, 0.5);
        assertThat(Init.constant_(Tensor.zeros(2, 2), 3.5).toFloatArray()).containsOnly(3.5f);
        assertThat(Init.ones_(Tensor.zeros(3)).toFloatArray()).containsOnly(1f);
        assertThat(Init.zeros_(Tensor.ones(3)).toFloatArray()).containsOnly(0f);
    }

    @Test
    void gainsFollowPyTorch() {
        assertThat(Init.calculateGain("linear")).isEqualTo(1);
        assertThat(Init.calculateGain("conv2d")).isEqualTo(1);
        assertThat(Init.calculateGain("sigmoid")).isEqualTo(1);
        assertThat(Init.calculateGain("tanh")).isCloseTo(5.0 / 3, within(1e-12));
        assertThat(Init.calculateGain("relu")).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(Init.calculateGain("leaky_relu")).isCloseTo(Math.sqrt(2 / (1 + 0.01 * 0.01)), within(1e-12));
        assertThat(Init.calculateGain("leaky_relu", 0.2)).isCloseTo(Math.sqrt(2 / 1.04), within(1e-12));
        assertThat(Init.calculateGain("leaky_relu", Math.sqrt(5))).isCloseTo(Math.sqrt(1.0 / 3), within(1e-12));
        assertThat(Init.calculateGain("selu")).isEqualTo(0.75);
        assertThatThrownBy(() -> Init.calculateGain("swish")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported nonlinearity 'swish'");
    }

    @Test
    void fansOfLinearAndConvWeights() {
        assertThat(Init.calculateFans(Tensor.zeros(8, 4))).isEqualTo(new Init.Fans(4, 8));
        assertThat(Init.calculateFans(Tensor.zeros(64, 32, 3, 3))).isEqualTo(new Init.Fans(288, 576));
        assertThat(Init.calculateFans(Tensor.zeros(16, 8, 5))).isEqualTo(new Init.Fans(40, 80));
        assertThatThrownBy(() -> Init.calculateFans(Tensor.zeros(5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer than 2 dimensions").hasMessageContaining("[5]");
        assertThatThrownBy(() -> Init.xavierUniform_(Tensor.zeros(5), new Generator(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void xavierBoundsAndStd() {
        var g = new Generator(2);
        assertUniform(Init.xavierUniform_(Tensor.zeros(300, 500), g), Math.sqrt(6.0 / 800));
        assertUniform(Init.xavierUniform_(Tensor.zeros(300, 500), 5.0 / 3, g), 5.0 / 3 * Math.sqrt(6.0 / 800));
        assertNormal(Init.xavierNormal_(Tensor.zeros(300, 500), g), 0, Math.sqrt(2.0 / 800));
        assertNormal(Init.xavierNormal_(Tensor.zeros(64, 32, 3, 3), 2, g), 0, 2 * Math.sqrt(2.0 / (288 + 576)));
    }

    @Test
    void kaimingBoundsAndStd() {
        var g = new Generator(3);
        assertUniform(Init.kaimingUniform_(Tensor.zeros(256, 400), 0, "fan_in", "relu", g), Math.sqrt(6.0 / 400));
        // Conv weight, fan_out = 64 * 9.
        assertUniform(Init.kaimingUniform_(Tensor.zeros(64, 32, 3, 3), 0, "fan_out", "relu", g), Math.sqrt(6.0 / 576));
        // Linear's default: a = sqrt(5) gives exactly 1 / sqrt(fan_in).
        assertUniform(Init.kaimingUniform_(Tensor.zeros(400, 256), Math.sqrt(5), "fan_in", "leaky_relu", g),
                1 / Math.sqrt(256));
        // Default arguments: a = 0 with leaky_relu is relu's gain.
        assertUniform(Init.kaimingUniform_(Tensor.zeros(256, 400), g), Math.sqrt(6.0 / 400));
        assertNormal(Init.kaimingNormal_(Tensor.zeros(256, 400), 0, "fan_in", "relu", g), 0, Math.sqrt(2.0 / 400));
        assertNormal(Init.kaimingNormal_(Tensor.zeros(64, 32, 3, 3), 0.1, "fan_out", "leaky_relu", g), 0,
                Math.sqrt(2 / 1.01) / Math.sqrt(576));
        assertThatThrownBy(() -> Init.kaimingNormal_(Tensor.zeros(2, 2), 0, "fan_avg", "relu", g))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode 'fan_avg'");
        // No elements: left alone, as PyTorch (which warns).
        assertThat(Init.kaimingUniform_(Tensor.zeros(0, 3), g).numel()).isZero();
    }

    @Test
    void reproducibleInPlaceOnParametersAndViews() {
        Tensor a = Init.normal_(Tensor.zeros(4, 5), 0, 1, new Generator(9));
        Tensor b = Init.normal_(Tensor.zeros(4, 5), 0, 1, new Generator(9));
        assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
        // A parameter (requires grad) is filled without tripping the in-place check; it stays a leaf.
        Tensor p = Tensor.zeros(3, 3).requiresGrad(true);
        assertThat(Init.uniform_(p, -1, 1, new Generator(0))).isSameAs(p);
        assertThat(p.isLeaf()).isTrue();
        assertThat(p.requiresGrad()).isTrue();
        // A transposed view is filled in its own row-major order and writes through to the base.
        Tensor base = Tensor.zeros(2, 3);
        Init.uniform_(base.t(), 0, 1, new Generator(5));
        Tensor fresh = Init.uniform_(Tensor.zeros(3, 2), 0, 1, new Generator(5));
        assertThat(base.t().contiguous().toFloatArray()).containsExactly(fresh.toFloatArray());
    }

    @Test
    void badArgumentsAreRejected() {
        var g = new Generator(0);
        assertThatThrownBy(() -> Init.uniform_(Tensor.zeros(2), 1, 0, g)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uniform_").hasMessageContaining("a <= b");
        assertThatThrownBy(() -> Init.normal_(Tensor.zeros(2), 0, -1, g)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("std >= 0");
        assertThatThrownBy(() -> Init.normal_(Tensor.empty(DType.INT64, 2), 0, 1, g))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("normal_");
    }
}
