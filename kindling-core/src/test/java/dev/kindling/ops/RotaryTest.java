package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

class RotaryTest {
    /** Hugging Face's formula written with plain ops: x * cos + cat(-x2, x1) * sin. */
    private static Tensor reference(Tensor x, Tensor cos, Tensor sin) {
        int d = x.size(-1), h = d / 2;
        Tensor x1 = x.narrow(-1, 0, h), x2 = x.narrow(-1, h, h);
        Tensor rotated = ShapeOps.cat(new Tensor[] {x2.neg(), x1}, -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private static void assertClose(Tensor a, Tensor b, double tol) {
        assertThat(a.shape()).containsExactly(b.shape());
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        for (int i = 0; i < x.length; i++) assertThat((double) x[i]).as("element %d", i).isCloseTo(y[i], within(tol));
    }

    @Test
    void tablesFollowTheDefaultFrequencies() {
        Tensor[] cs = Rotary.cosSin(3, 2, 8, 10000.0, null);   // positions 3, 4
        assertThat(cs[0].shape()).containsExactly(2, 8);
        for (int i = 0; i < 4; i++) {
            double angle = 4 * Math.pow(10000.0, -2.0 * i / 8);
            assertThat((double) cs[0].get(1, i)).isCloseTo(Math.cos(angle), within(1e-6));
            assertThat((double) cs[0].get(1, i + 4)).isCloseTo(Math.cos(angle), within(1e-6));
            assertThat((double) cs[1].get(1, i + 4)).isCloseTo(Math.sin(angle), within(1e-6));
        }
        Tensor[] explicit = Rotary.cosSin(Tensor.ofLongs(new long[] {3, 4}, 2), 8, 10000.0, null);
        assertClose(explicit[0], cs[0], 0);
        assertClose(explicit[1], cs[1], 0);
    }

    @Test
    void llama3ScalingMatchesTransformers() {
        // Values from transformers' _compute_llama3_parameters (factor 8, low 1, high 4, original 8192, theta 5e5).
        double[] inv = Rotary.inverseFrequencies(128, 500000.0, Rotary.Scaling.llama3(8, 1, 4, 8192));
        assertThat(inv[0]).isCloseTo(1.0, within(1e-15));
        assertThat(inv[10]).isCloseTo(0.12868737343265052, within(1e-15));       // high frequency: unchanged
        assertThat(inv[29]).isCloseTo(0.002166570763503359, within(1e-15));      // medium: smoothed
        assertThat(inv[34]).isCloseTo(0.00017850781276799638, within(1e-17));
        assertThat(inv[40]).isCloseTo(3.428102195952591e-05, within(1e-18));     // low: divided by 8
        assertThat(inv[63]).isCloseTo(3.068925988914511e-07, within(1e-20));
        double[] linear = Rotary.inverseFrequencies(16, 10000.0, Rotary.Scaling.linear(4));
        assertThat(linear[3]).isCloseTo(Math.pow(10000.0, -6.0 / 16) / 4, within(1e-15));
        assertThatThrownBy(() -> new Rotary.Scaling("yarn", 2, 0, 0, 0)).hasMessageContaining("yarn");
    }

    @Test
    void matchesRotateHalfFormulaOnPermutedInput() {
        Generator g = new Generator(7);
        Tensor proj = Tensor.randn(g, 2, 5, 3, 8);                  // [B, T, H, D] as a projection produces
        Tensor x = proj.permute(0, 2, 1, 3);                        // [B, H, T, D] view, not contiguous
        Tensor[] cs = Rotary.cosSin(4, 5, 8, 100.0, null);
        assertClose(Rotary.apply(x, cs[0], cs[1]), reference(x, cs[0], cs[1]), 1e-6);
        // Per-batch tables [B, T, D] (e.g. left-padded rows with their own positions).
        Tensor pos = Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, 7, 8, 9, 10, 11}, 2, 5);
        Tensor[] pb = Rotary.cosSin(pos, 8, 100.0, null);
        Tensor ref = reference(x, pb[0].unsqueeze(1), pb[1].unsqueeze(1));
        assertClose(Rotary.apply(x, pb[0], pb[1]), ref, 1e-6);
    }

    @Test
    void scoresDependOnlyOnRelativePosition() {
        Generator g = new Generator(3);
        Tensor q = Tensor.randn(g, 1, 1, 1, 16), k = Tensor.randn(g, 1, 1, 1, 16);
        float a = dotAt(q, k, 2, 9), b = dotAt(q, k, 40, 47);
        assertThat((double) a).isCloseTo(b, within(1e-4));
        assertThat((double) dotAt(q, k, 2, 10)).isNotCloseTo(a, within(1e-3));
    }

    private static float dotAt(Tensor q, Tensor k, int m, int n) {
        Tensor[] cm = Rotary.cosSin(m, 1, 16, 10000.0, null), cn = Rotary.cosSin(n, 1, 16, 10000.0, null);
        return Rotary.apply(q, cm[0], cm[1]).mul(Rotary.apply(k, cn[0], cn[1])).sum().item();
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Generator g = new Generator(11);
        Tensor x = Tensor.randn(g, 2, 2, 3, 6).requiresGrad(true);
        Tensor[] cs = Rotary.cosSin(1, 3, 6, 10.0, null);
        GradCheck.check("rotary", in -> Rotary.apply(in[0].transpose(1, 2).transpose(1, 2), cs[0], cs[1]), x);
        Tensor[] pb = Rotary.cosSin(Tensor.ofLongs(new long[] {0, 1, 2, 5, 6, 7}, 2, 3), 6, 10.0, null);
        GradCheck.check("rotary per batch", in -> Rotary.apply(in[0], pb[0], pb[1]), x);
    }

    @Test
    void rejectsMismatchedTables() {
        Tensor x = Tensor.zeros(1, 2, 3, 8);
        Tensor[] cs = Rotary.cosSin(0, 4, 8, 10000.0, null);
        assertThatThrownBy(() -> Rotary.apply(x, cs[0], cs[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 2, 3, 8]").hasMessageContaining("[4, 8]");
        assertThatThrownBy(() -> Rotary.cosSin(0, 2, 7, 10000.0, null)).hasMessageContaining("even");
    }
}
