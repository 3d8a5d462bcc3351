package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** FlashAttention.packedSelfAttention against the view/permute + reference sdpa path, forward and gradient. */
class PackedAttentionTest {
    /** The unfused definition: split qkv into heads with views, math-path attention, merge heads. */
    private static Tensor reference(Tensor qkv, int heads, boolean causal) {
        int b = qkv.size(0), t = qkv.size(1), c = qkv.size(2) / 3, d = c / heads;
        Tensor x = qkv.view(b, t, 3, heads, d).permute(2, 0, 3, 1, 4);          // [3, B, H, T, D]
        Tensor mask = null;
        if (causal) {
            boolean[] m = new boolean[t * t];
            for (int i = 0; i < t; i++) for (int j = 0; j <= i; j++) m[i * t + j] = true;
            mask = Tensor.ofBools(m, t, t);
        }
        // a boolean mask forces Attention's reference (math) path, not FlashAttention
        Tensor y = Attention.scaledDotProductAttention(x.select(0, 0), x.select(0, 1), x.select(0, 2), mask, false, null);
        return y.transpose(1, 2).reshape(b, t, c);                              // [B, T, C]
    }

    private static void assertClose(float[] got, float[] want, double tol, String what) {
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) Math.abs(got[i] - want[i])).as("%s[%d]: %s vs %s", what, i, got[i], want[i])
                    .isLessThanOrEqualTo(tol * (1 + Math.abs(want[i])));
        }
    }

    @Test
    void matchesUnfusedAttentionOnRandomShapes() {
        Generator g = new Generator(11);
        int[][] shapes = {{1, 1, 1, 4}, {2, 5, 3, 8}, {2, 70, 4, 32}, {1, 130, 2, 16}, {3, 64, 4, 32}};
        for (int[] s : shapes) {
            int b = s[0], t = s[1], h = s[2], d = s[3];
            for (boolean causal : new boolean[] {true, false}) {
                Tensor qkv = Tensor.randn(g, b, t, 3 * h * d), probe = Tensor.randn(g, b, t, h * d);
                Tensor a = qkv.detach().requiresGrad(true), r = qkv.detach().requiresGrad(true);
                Tensor ya = FlashAttention.packedSelfAttention(a, h, causal), yr = reference(r, h, causal);
                String at = "B=" + b + " T=" + t + " H=" + h + " D=" + d + " causal=" + causal;
                assertThat(ya.shape()).containsExactly(b, t, h * d);
                assertClose(ya.toFloatArray(), yr.toFloatArray(), 2e-5, "y " + at);
                ya.mul(probe).sum().backward();
                yr.mul(probe).sum().backward();
                assertClose(a.grad().toFloatArray(), r.grad().toFloatArray(), 5e-5, "dqkv " + at);
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Generator g = new Generator(12);
        GradCheck.check("packed causal", t -> FlashAttention.packedSelfAttention(t[0], 2, true),
                Tensor.randn(g, 2, 5, 3 * 2 * 3).requiresGrad(true));
        GradCheck.check("packed full", t -> FlashAttention.packedSelfAttention(t[0], 1, false),
                Tensor.randn(g, 1, 4, 3 * 4).requiresGrad(true));
    }

    @Test
    void stridedInputIsReadCorrectly() {
        Generator g = new Generator(13);
        Tensor big = Tensor.randn(g, 2, 6, 2 * 3 * 8);
        Tensor qkv = big.narrow(2, 5, 3 * 8);                                    // not contiguous
        assertClose(FlashAttention.packedSelfAttention(qkv, 2, true).toFloatArray(),
                reference(qkv.contiguous(), 2, true).toFloatArray(), 2e-5, "strided");
    }

    @Test
    void rejectsBadShapesNamingThem() {
        assertThatThrownBy(() -> FlashAttention.packedSelfAttention(Tensor.zeros(2, 3, 10), 2, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3, 10]").hasMessageContaining("heads=2");
    }
}
