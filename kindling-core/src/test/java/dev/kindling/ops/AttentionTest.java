package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** Scaled dot-product attention against a direct double-precision reference, masks, errors and gradients. */
class AttentionTest {
    private static Tensor rnd(Generator g, int... shape) {
        return Tensor.randn(g, shape).requiresGrad(true);
    }

    /**
     * Reference for [B, L, E] x [B, S, E] x [B, S, Ev]; mask (bool or float) of shape [B, L, S] or null. Fully
     * masked rows give zeros.
     */
    private static float[] reference(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale) {
        int b = q.size(0), l = q.size(1), e = q.size(2), s = k.size(1), ev = v.size(2);
        float[] out = new float[b * l * ev];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < l; i++) {
                double[] z = new double[s];
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    double d = 0;
                    for (int c = 0; c < e; c++) d += q.get(n, i, c) * k.get(n, j, c);
                    z[j] = d * scale;
                    if (causal && j > i) z[j] = Double.NEGATIVE_INFINITY;
                    if (mask != null) {
                        if (mask.dtype() == dev.kindling.tensor.DType.BOOL) {
                            if (mask.get(n, i, j) == 0f) z[j] = Double.NEGATIVE_INFINITY;
                        } else z[j] += mask.get(n, i, j);
                    }
                    m = Math.max(m, z[j]);
                }
                if (m == Double.NEGATIVE_INFINITY) continue;
                double sum = 0;
                for (int j = 0; j < s; j++) sum += z[j] = Math.exp(z[j] - m);
                for (int c = 0; c < ev; c++) {
                    double acc = 0;
                    for (int j = 0; j < s; j++) acc += z[j] / sum * v.get(n, j, c);
                    out[(n * l + i) * ev + c] = (float) acc;
                }
            }
        }
        return out;
    }

    private static void assertClose(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) assertThat(got[i]).as("index %d", i).isCloseTo(want[i], within(1e-5f));
    }

    @Test
    void matchesReferenceWithoutMask() {
        Generator g = new Generator(1);
        Tensor q = Tensor.randn(g, 2, 3, 4), k = Tensor.randn(g, 2, 5, 4), v = Tensor.randn(g, 2, 5, 6);
        Tensor out = Attention.scaledDotProductAttention(q, k, v);
        assertThat(out.shape()).containsExactly(2, 3, 6);
        assertClose(out.toFloatArray(), reference(q, k, v, null, false, 0.5));
        assertClose(Attention.scaledDotProductAttention(q, k, v, null, false, 0.3f).toFloatArray(),
                reference(q, k, v, null, false, 0.3));
    }

    @Test
    void causalIsUpperLeftAligned() {
        Generator g = new Generator(2);
        for (int[] ls : new int[][] {{4, 4}, {3, 5}, {5, 3}}) {
            Tensor q = Tensor.randn(g, 1, ls[0], 4), k = Tensor.randn(g, 1, ls[1], 4), v = Tensor.randn(g, 1, ls[1], 2);
            Tensor out = Attention.scaledDotProductAttention(q, k, v, null, true, null);
            assertClose(out.toFloatArray(), reference(q, k, v, null, true, 0.5));
        }
    }

    @Test
    void boolAndFloatMasksBroadcast() {
        Generator g = new Generator(3);
        Tensor q = Tensor.randn(g, 2, 3, 4), k = Tensor.randn(g, 2, 5, 4), v = Tensor.randn(g, 2, 5, 2);
        Tensor maskRow = Tensor.rand(g, 5).gt(0.3f);                      // [S], broadcast over B and L
        maskRow.storage().bools()[0] = true;
        Tensor full = maskRow.expand(2, 3, 5).contiguous();
        assertClose(Attention.scaledDotProductAttention(q, k, v, maskRow, false, null).toFloatArray(),
                reference(q, k, v, full, false, 0.5));
        Tensor bias = Tensor.randn(g, 3, 5);                               // [L, S]
        assertClose(Attention.scaledDotProductAttention(q, k, v, bias, false, null).toFloatArray(),
                reference(q, k, v, bias.expand(2, 3, 5).contiguous(), false, 0.5));
    }

    @Test
    void fullyMaskedRowGivesZerosAndZeroGradient() {
        Generator g = new Generator(4);
        Tensor q = rnd(g, 1, 2, 3), k = rnd(g, 1, 4, 3), v = rnd(g, 1, 4, 2);
        Tensor mask = Tensor.ofBools(new boolean[] {true, false, true, true, false, false, false, false}, 1, 2, 4);
        Tensor out = Attention.scaledDotProductAttention(q, k, v, mask, false, null);
        assertThat(out.get(0, 1, 0)).isEqualTo(0f);
        assertThat(out.get(0, 1, 1)).isEqualTo(0f);
        out.sum().backward();
        float[] gq = q.grad().toFloatArray();
        for (int c = 0; c < 3; c++) assertThat(gq[3 + c]).isEqualTo(0f);
        for (float f : k.grad().toFloatArray()) assertThat(Float.isFinite(f)).isTrue();
        // A float mask of -inf everywhere in a row behaves the same.
        Tensor bias = Tensor.zeros(2, 4);
        for (int j = 0; j < 4; j++) bias.set(Float.NEGATIVE_INFINITY, 1, j);
        Tensor out2 = Attention.scaledDotProductAttention(q.detach(), k.detach(), v.detach(), bias, false, null);
        assertThat(out2.get(0, 1, 0)).isEqualTo(0f);
    }

    @Test
    void errorsNameTheShapes() {
        Tensor q = Tensor.zeros(2, 3, 4), k = Tensor.zeros(2, 5, 4), v = Tensor.zeros(2, 5, 6);
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(2, 5, 3), v))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scaled_dot_product_attention")
                .hasMessageContaining("[2, 3, 4]").hasMessageContaining("[2, 5, 3]");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, Tensor.zeros(2, 4, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 4, 6]");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, v, Tensor.zeros(3, 5), true, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("isCausal");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, v, Tensor.zeros(4, 5), false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 5]")
                .hasMessageContaining("[2, 3, 5]");
    }

    @Test
    void gradients() {
        Generator g = new Generator(5);
        Tensor q = rnd(g, 2, 3, 4), k = rnd(g, 2, 5, 4), v = rnd(g, 2, 5, 3);
        GradCheck.check("sdpa", t -> Attention.scaledDotProductAttention(t[0], t[1], t[2]), q, k, v);
        GradCheck.check("sdpa causal scaled", t -> Attention.scaledDotProductAttention(t[0], t[1], t[2], null, true, 0.7f),
                q, k, v);
        Tensor boolMask = Tensor.ofBools(new boolean[] {true, false, true, true, false, false, true, true, true, true,
                true, true, false, false, true}, 3, 5);
        GradCheck.check("sdpa bool mask", t -> Attention.scaledDotProductAttention(t[0], t[1], t[2], boolMask, false, null),
                q, k, v);
        Tensor bias = rnd(g, 1, 3, 5);
        GradCheck.check("sdpa float mask", t -> Attention.scaledDotProductAttention(t[0], t[1], t[2], t[3], false, null),
                q, k, v, bias);
        // 4-D heads with k/v shared across heads (batch broadcast).
        Tensor q4 = rnd(g, 1, 2, 3, 4), k4 = rnd(g, 1, 1, 4, 4), v4 = rnd(g, 1, 1, 4, 2);
        GradCheck.check("sdpa heads broadcast", t -> Attention.scaledDotProductAttention(t[0], t[1], t[2]), q4, k4, v4);
    }

    /** k [B, Hkv, S, E] with each head repeated {@code group} times in place: PyTorch's repeat_interleave(dim=1). */
    private static Tensor repeatInterleave(Tensor k, int group) {
        int b = k.size(0), h = k.size(1);
        return k.unsqueeze(2).expand(b, h, group, k.size(2), k.size(3)).reshape(b, h * group, k.size(2), k.size(3));
    }

    @Test
    void groupedQueryAttentionEqualsRepeatedKeysAndValues() {
        Generator g = new Generator(6);
        Tensor q = rnd(g, 2, 6, 3, 4), k = rnd(g, 2, 2, 5, 4), v = rnd(g, 2, 2, 5, 3);
        Tensor kr = repeatInterleave(k.detach(), 3), vr = repeatInterleave(v.detach(), 3);
        Tensor mask = Tensor.rand(g, 2, 1, 3, 5).gt(0.3f);                         // [B, 1, L, S] bool
        for (boolean causal : new boolean[] {false, true}) {
            Tensor m = causal ? null : mask;
            Tensor want = Attention.scaledDotProductAttention(q.detach(), kr, vr, m, 0f, causal, null, false, null);
            // Default dispatch (fused kernel when unmasked) and the reference path.
            assertClose(Attention.scaledDotProductAttention(q, k, v, m, 0f, causal, null, true, null).toFloatArray(),
                    want.toFloatArray());
            assertClose(Attention.attentionWithWeights(q, k, v, m, 0f, causal, null, true, null).output().toFloatArray(),
                    want.toFloatArray());
        }
        Tensor mask0 = mask.narrow(0, 0, 1);
        GradCheck.check("sdpa gqa masked", t -> Attention.attentionWithWeights(t[0], t[1], t[2], mask0, 0f, false, null,
                true, null).output(), q.detach().narrow(0, 0, 1).requiresGrad(true), k.detach().narrow(0, 0, 1)
                .requiresGrad(true), v.detach().narrow(0, 0, 1).requiresGrad(true));
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, rnd(g, 2, 4, 5, 4), rnd(g, 2, 4, 5, 3), null,
                0f, false, null, true, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple").hasMessageContaining("[2, 6, 3, 4]").hasMessageContaining("[2, 4, 5, 4]");
    }

    @Test
    void dropoutIsSeededAndUnbiased() {
        Generator g = new Generator(7);
        Tensor q = Tensor.randn(g, 4, 8, 16, 8), k = Tensor.randn(g, 4, 8, 16, 8), v = Tensor.randn(g, 4, 8, 16, 8);
        var a = Attention.attentionWithWeights(q, k, v, null, 0.25f, true, null, false, new Generator(3));
        var b = Attention.attentionWithWeights(q, k, v, null, 0.25f, true, null, false, new Generator(3));
        assertThat(a.output().toFloatArray()).containsExactly(b.output().toFloatArray());
        var plain = Attention.attentionWithWeights(q, k, v, null, 0f, true, null, false, null);
        // Kept probabilities are scaled by 1/(1-p) = 4/3; about a quarter of the visible ones are dropped.
        float[] w = a.weights().toFloatArray(), p = plain.weights().toFloatArray();
        int visible = 0, dropped = 0;
        for (int i = 0; i < w.length; i++) {
            if (p[i] == 0f) continue;
            visible++;
            if (w[i] == 0f) dropped++;
            else assertThat(w[i]).isCloseTo(p[i] * 4f / 3f, within(1e-6f));
        }
        assertThat(dropped / (double) visible).isBetween(0.22, 0.28);
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, v, null, 0.1f, false, null, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Generator");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, v, null, 1f, false, null, false, g))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropoutP");
    }
}
