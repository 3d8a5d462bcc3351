package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * The blocked kernel against the reference (math) path of scaled dot-product attention: forward and all three
 * gradients on random shapes whose lengths are not multiples of the tiles, head dims 16..128, causal and not,
 * grouped-query heads and strided (transposed) inputs.
 */
class FlashAttentionTest {
    /** Relative to the largest magnitude of the reference: float32 sums in a different order. */
    private static void assertClose(String what, Tensor got, Tensor want, double rel) {
        assertThat(got.shape()).as(what + " shape").containsExactly(want.shape());
        float[] a = got.toFloatArray(), b = want.toFloatArray();
        double scale = 1e-2;   // floor: a gradient that is exactly 0 (one key) comes out as ~1e-7
        for (float x : b) scale = Math.max(scale, Math.abs(x));
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= rel * scale)) throw new AssertionError(what + ": index " + i + ": flash "
                    + a[i] + " vs reference " + b[i] + " (scale " + scale + ")");
        }
    }

    private static Tensor leaf(Tensor t) {
        return t.detach().clone().requiresGrad(true);
    }

    /** Runs both paths on copies of q, k, v and compares output and gradients for a random upstream gradient. */
    private static void compare(String what, Tensor q, Tensor k, Tensor v, boolean causal, float scale, boolean gqa) {
        Generator g = new Generator(99);
        Tensor[] f = {leaf(q), leaf(k), leaf(v)}, r = {leaf(q), leaf(k), leaf(v)};
        Tensor outF = FlashAttention.attention(f[0], f[1], f[2], causal, scale, gqa);
        Tensor outR = Attention.attentionWithWeights(r[0], r[1], r[2], null, 0f, causal, scale, gqa, null).output();
        assertClose(what + " output", outF, outR, 2e-5);
        Tensor w = Tensor.randn(g, outR.shape());
        outF.mul(w).sum().backward();
        outR.mul(w).sum().backward();
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) assertClose(what + " " + names[i], f[i].grad(), r[i].grad(), 5e-5);
    }

    @Test
    void matchesReferenceOnRandomShapes() {
        Generator g = new Generator(1);
        int[][] cases = { // B, Hq, Hkv, L, S, E, Ev
            {1, 1, 1, 1, 1, 16, 16}, {2, 2, 2, 70, 70, 16, 16}, {1, 2, 2, 150, 150, 64, 64},
            {2, 4, 2, 131, 131, 32, 32}, {1, 2, 1, 65, 65, 128, 128}, {1, 2, 2, 33, 200, 48, 24},
            {1, 2, 2, 200, 45, 24, 40}};
        for (int[] c : cases) {
            Tensor q = Tensor.randn(g, c[0], c[1], c[3], c[5]), k = Tensor.randn(g, c[0], c[2], c[4], c[5]);
            Tensor v = Tensor.randn(g, c[0], c[2], c[4], c[6]);
            boolean gqa = c[1] != c[2];
            float scale = (float) (1 / Math.sqrt(c[5]));
            String name = java.util.Arrays.toString(c);
            compare(name + " causal", q, k, v, true, scale, gqa);
            compare(name + " full", q, k, v, false, scale * 1.7f, gqa);
        }
    }

    @Test
    void stridedHeadsAndSingleThreadGiveTheSameResult() {
        Generator g = new Generator(2);
        // [B, T, H, D] projections viewed as [B, H, T, D] without a copy.
        Tensor q = Tensor.randn(g, 2, 90, 3, 32).transpose(1, 2), k = Tensor.randn(g, 2, 90, 3, 32).transpose(1, 2);
        Tensor v = Tensor.randn(g, 2, 90, 3, 32).transpose(1, 2);
        compare("strided", q, k, v, true, 0.2f, false);
        Tensor multi = FlashAttention.attention(q, k, v, true, 0.2f, false);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Tensor single = FlashAttention.attention(q, k, v, true, 0.2f, false);
            assertThat(single.toFloatArray()).containsExactly(multi.toFloatArray());
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void scalarRowKernelsAgreeWithTheVectorOnes() {
        Generator g = new Generator(4);
        Tensor q = Tensor.randn(g, 1, 2, 77, 24), k = Tensor.randn(g, 1, 2, 77, 24), v = Tensor.randn(g, 1, 2, 77, 24);
        boolean was = VectorSupport.enabled();
        try {
            VectorSupport.setEnabled(false);
            compare("scalar kernels", q, k, v, true, 0.3f, false);
        } finally {
            VectorSupport.setEnabled(was);
        }
    }

    @Test
    void sdpaDispatchesToTheKernelAndFiniteDifferencesAgree() {
        Generator g = new Generator(3);
        Tensor q = Tensor.randn(g, 1, 2, 5, 4).requiresGrad(true), k = Tensor.randn(g, 1, 1, 7, 4).requiresGrad(true);
        Tensor v = Tensor.randn(g, 1, 1, 7, 3).requiresGrad(true);
        Tensor out = Attention.scaledDotProductAttention(q, k, v, null, 0f, true, null, true, null);
        assertThat(out.gradFn().toString()).contains("flash_attention");
        GradCheck.check("flash gqa causal", t -> FlashAttention.attention(t[0], t[1], t[2], true, 0.5f, true), q, k, v);
        GradCheck.check("flash full", t -> FlashAttention.attention(t[0], t[1], t[2], false, 0.5f, true), q, k, v);
    }

    @Test
    void causalLowerRightMatchesAnExplicitMask() {
        Generator g = new Generator(5);
        for (int[] ls : new int[][] {{1, 70}, {20, 150}, {150, 150}, {66, 67}}) {
            int len = ls[0], keys = ls[1];
            Tensor q = Tensor.randn(g, 2, 4, len, 16), k = Tensor.randn(g, 2, 2, keys, 16);
            Tensor v = Tensor.randn(g, 2, 2, keys, 8);
            boolean[] m = new boolean[len * keys];
            for (int i = 0; i < len; i++) for (int j = 0; j <= i + keys - len; j++) m[i * keys + j] = true;
            Tensor mask = Tensor.ofBools(m, len, keys);
            Tensor[] f = {leaf(q), leaf(k), leaf(v)}, r = {leaf(q), leaf(k), leaf(v)};
            Tensor outF = Attention.causalLowerRight(f[0], f[1], f[2], null, true);
            Tensor outR = Attention.attentionWithWeights(r[0], r[1], r[2], mask, 0f, false, null, true, null).output();
            String what = "lower-right L=" + len + " S=" + keys;
            assertClose(what, outF, outR, 2e-5);
            Tensor w = Tensor.randn(g, outR.shape());
            outF.mul(w).sum().backward();
            outR.mul(w).sum().backward();
            for (int i = 0; i < 3; i++) assertClose(what + " grad " + i, f[i].grad(), r[i].grad(), 5e-5);
        }
        assertThatThrownBy(() -> Attention.causalLowerRight(Tensor.zeros(1, 5, 4), Tensor.zeros(1, 3, 4),
                Tensor.zeros(1, 3, 4), null, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 5, 4]").hasMessageContaining("[1, 3, 4]");
    }

    @Test
    void rejectsUnsupportedShapesByName() {
        Tensor q = Tensor.zeros(2, 4, 5, 8), k = Tensor.zeros(2, 3, 5, 8);
        assertThat(FlashAttention.supports(q, k, k, true)).isFalse();
        assertThatThrownBy(() -> FlashAttention.attention(q, k, k, true, 1f, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flash_attention")
                .hasMessageContaining("[2, 4, 5, 8]").hasMessageContaining("[2, 3, 5, 8]");
        assertThat(FlashAttention.supports(q, Tensor.zeros(1, 4, 5, 8), Tensor.zeros(1, 4, 5, 8), false)).isFalse();
    }
}
