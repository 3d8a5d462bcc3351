// AttentionPaddingMaskTest: a right-padding key mask [B, 1, 1, S] runs the fused kernel per batch element over its
// valid keys; outputs and gradients equal the reference (materialised, masked) path.
package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttentionPaddingMaskTest {
    private static Tensor paddingMask(int keys, int... lengths) {
        boolean[] m = new boolean[lengths.length * keys];
        for (int b = 0; b < lengths.length; b++) for (int j = 0; j < lengths[b]; j++) m[b * keys + j] = true;
        return Tensor.ofBools(m, lengths.length, 1, 1, keys);                     // [B, 1, 1, S]
    }

    private static double maxDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        double d = 0;
        for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
        return d;
    }

    @Test
    void paddingMaskMatchesTheReferenceForwardAndBackward() {
        Generator g = new Generator(5);
        int b = 3, h = 4, t = 9, d = 8;
        // Permuted views, as BERT passes them: [B, T, H, D] -> [B, H, T, D].
        Tensor q0 = Tensor.randn(g, b, t, h, d).requiresGrad(true), k0 = Tensor.randn(g, b, t, h, d).requiresGrad(true),
                v0 = Tensor.randn(g, b, t, h, d).requiresGrad(true);
        Tensor mask = paddingMask(t, 9, 3, 6);
        Tensor fast = Attention.scaledDotProductAttention(q0.permute(0, 2, 1, 3), k0.permute(0, 2, 1, 3),
                v0.permute(0, 2, 1, 3), mask, false, null);
        Tensor upstream = Tensor.randn(g, b, h, t, d);
        fast.mul(upstream).sum().backward();
        Tensor[] gradFast = {q0.grad(), k0.grad(), v0.grad()};

        Tensor q1 = q0.detach().clone().requiresGrad(true), k1 = k0.detach().clone().requiresGrad(true),
                v1 = v0.detach().clone().requiresGrad(true);
        Tensor ref = Attention.attentionWithWeights(q1.permute(0, 2, 1, 3), k1.permute(0, 2, 1, 3),
                v1.permute(0, 2, 1, 3), mask, 0f, false, null, false, null).output();
        ref.mul(upstream).sum().backward();
        Tensor[] gradRef = {q1.grad(), k1.grad(), v1.grad()};

        // Measured differences are float rounding of the two summation orders (~1e-7).
        assertThat(maxDiff(fast, ref)).isLessThan(1e-5);
        for (int i = 0; i < 3; i++) assertThat(maxDiff(gradFast[i], gradRef[i])).as("grad %d", i).isLessThan(1e-5);
        // Keys past each length get no gradient at all.
        float[] gk = gradFast[1].toFloatArray();
        for (int j = 3; j < t; j++) for (int x = 0; x < h * d; x++) assertThat(gk[(1 * t + j) * h * d + x]).isZero();
    }

    @Test
    void otherMasksStillTakeTheReferencePath() {
        Generator g = new Generator(6);
        Tensor q = Tensor.randn(g, 2, 2, 4, 8), k = Tensor.randn(g, 2, 2, 4, 8), v = Tensor.randn(g, 2, 2, 4, 8);
        boolean[] holes = {true, false, true, true, true, true, true, true};          // not a prefix: reference path
        Tensor mask = Tensor.ofBools(holes, 2, 1, 1, 4);
        Tensor out = Attention.scaledDotProductAttention(q, k, v, mask, false, null);
        Tensor ref = Attention.attentionWithWeights(q, k, v, mask, 0f, false, null, false, null).output();
        assertThat(maxDiff(out, ref)).isZero();
    }
}
