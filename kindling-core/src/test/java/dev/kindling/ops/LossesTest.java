package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** Known values, shapes, error messages and finite-difference gradients of the loss functions. */
class LossesTest {
    private static final float TOL = 1e-5f;

    private static Tensor rnd(Generator g, int... shape) {
        return Tensor.randn(g, shape).requiresGrad(true);
    }

    /** Uniform in (lo, hi), requiring grad. */
    private static Tensor uniform(Generator g, float lo, float hi, int... shape) {
        return Tensor.rand(g, shape).mul(hi - lo).add(lo).detach().requiresGrad(true);
    }

    // ---------------------------------------------------------------- Reduction

    @Test
    void reductionParsesPyTorchSpellings() {
        assertThat(Reduction.parse("none")).isEqualTo(Reduction.NONE);
        assertThat(Reduction.parse("mean")).isEqualTo(Reduction.MEAN);
        assertThat(Reduction.parse("SUM")).isEqualTo(Reduction.SUM);
        assertThat(Reduction.parse("batchmean")).isEqualTo(Reduction.BATCHMEAN);
        assertThat(Reduction.MEAN.torchName()).isEqualTo("mean");
        assertThatThrownBy(() -> Reduction.parse("avg")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"avg\"").hasMessageContaining("batchmean");
    }

    // ---------------------------------------------------------------- regression losses

    @Test
    void regressionLossesKnownValues() {
        Tensor x = Tensor.of(new float[] {0f, 2f, -1f, 3f}, 2, 2), y = Tensor.of(new float[] {1f, 2f, 1f, 0.5f}, 2, 2);
        // d = [-1, 0, -2, 2.5]
        assertThat(Losses.mseLoss(x, y, Reduction.MEAN).item()).isCloseTo((1 + 0 + 4 + 6.25f) / 4, within(TOL));
        assertThat(Losses.mseLoss(x, y, Reduction.SUM).item()).isCloseTo(11.25f, within(TOL));
        assertThat(Losses.mseLoss(x, y, Reduction.NONE).toFloatArray()).containsExactly(1f, 0f, 4f, 6.25f);
        assertThat(Losses.mseLoss(x, y, Reduction.NONE).shape()).containsExactly(2, 2);
        assertThat(Losses.l1Loss(x, y, Reduction.SUM).item()).isCloseTo(5.5f, within(TOL));
        // Huber delta 1: 0.5, 0, 1*(2-0.5), 1*(2.5-0.5)
        assertThat(Losses.huberLoss(x, y, 1f, Reduction.NONE).toFloatArray()).containsExactly(0.5f, 0f, 1.5f, 2f);
        // Smooth L1 beta 2: 0.5*1/2, 0, 2-1, 2.5-1 ; beta 0 is L1
        assertThat(Losses.smoothL1Loss(x, y, 2f, Reduction.NONE).toFloatArray()).containsExactly(0.25f, 0f, 1f, 1.5f);
        assertThat(Losses.smoothL1Loss(x, y, 0f, Reduction.SUM).item()).isCloseTo(5.5f, within(TOL));
        assertThat(Losses.mseLoss(x, y, Reduction.MEAN).shape()).isEmpty();
    }

    @Test
    void regressionLossesBroadcastAndZeroDim() {
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f, 4f}, 2, 2), y = Tensor.of(new float[] {1f, 0f}, 2);
        assertThat(Losses.l1Loss(x, y, Reduction.NONE).toFloatArray()).containsExactly(0f, 2f, 2f, 4f);
        Tensor s = Losses.mseLoss(Tensor.scalar(3f), Tensor.scalar(1f), Reduction.NONE);
        assertThat(s.shape()).isEmpty();
        assertThat(s.item()).isEqualTo(4f);
    }

    @Test
    void regressionLossErrors() {
        Tensor x = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Losses.mseLoss(x, Tensor.zeros(4), Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mse_loss")
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> Losses.l1Loss(x, x, Reduction.BATCHMEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BATCHMEAN");
        assertThatThrownBy(() -> Losses.huberLoss(x, x, 0f, Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
        assertThatThrownBy(() -> Losses.mseLoss(Tensor.ofLongs(new long[] {1}), Tensor.zeros(1), Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32");
    }

    @Test
    void regressionGradients() {
        Generator g = new Generator(1);
        Tensor x = rnd(g, 3, 4), y = rnd(g, 3, 4), yb = rnd(g, 4);
        for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            GradCheck.check("mse " + r, t -> Losses.mseLoss(t[0], t[1], r), x, y);
            GradCheck.check("mse broadcast " + r, t -> Losses.mseLoss(t[0], t[1], r), x, yb);
            GradCheck.check("l1 " + r, t -> Losses.l1Loss(t[0], t[1], r), 1e-3, 2e-2, 2e-3, x, y);
            GradCheck.check("huber " + r, t -> Losses.huberLoss(t[0], t[1], 0.7f, r), 1e-3, 2e-2, 2e-3, x, y);
            GradCheck.check("smooth_l1 " + r, t -> Losses.smoothL1Loss(t[0], t[1], 0.7f, r), 1e-3, 2e-2, 2e-3, x, y);
        }
    }

    // ---------------------------------------------------------------- cross-entropy and NLL

    /** Reference cross-entropy with index targets, in double, per PyTorch's formula. */
    private static double referenceCrossEntropy(float[][] x, long[] t, float[] w, int ignore, double eps) {
        int c = x[0].length;
        double num = 0, den = 0;
        for (int n = 0; n < x.length; n++) {
            if (t[n] == ignore) continue;
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (float v : x[n]) m = Math.max(m, v);
            for (float v : x[n]) s += Math.exp(v - m);
            double lse = m + Math.log(s), smooth = 0;
            for (int k = 0; k < c; k++) smooth -= (w == null ? 1 : w[k]) * (x[n][k] - lse);
            double wt = w == null ? 1 : w[(int) t[n]];
            num += (1 - eps) * -wt * (x[n][(int) t[n]] - lse) + eps / c * smooth;
            den += wt;
        }
        return num / den;
    }

    @Test
    void crossEntropyKnownValues() {
        Tensor uniform = Tensor.zeros(3, 4);
        Tensor t = Tensor.ofLongs(new long[] {0, 3, 1});
        assertThat(Losses.crossEntropy(uniform, t).item()).isCloseTo((float) Math.log(4), within(TOL));

        float[][] rows = {{1f, 2f, 0.5f}, {-1f, 0f, 3f}, {0.2f, 0.1f, -0.4f}, {2f, 2f, 2f}};
        Tensor x = Tensor.of(rows);
        long[] idx = {1, 2, -100, 0};
        float[] w = {0.5f, 2f, 1.5f};
        Tensor target = Tensor.ofLongs(idx), weight = Tensor.of(w);
        double ref = referenceCrossEntropy(rows, idx, w, -100, 0.2);
        assertThat(Losses.crossEntropy(x, target, weight, -100, 0.2f, Reduction.MEAN).item())
                .isCloseTo((float) ref, within(1e-5f));
        Tensor none = Losses.crossEntropy(x, target, weight, -100, 0.2f, Reduction.NONE);
        assertThat(none.shape()).containsExactly(4);
        assertThat(none.get(2)).isEqualTo(0f);
        // Sum of NONE equals SUM; MEAN is SUM over the used weights (2 + 1.5 + 0.5).
        float sum = Losses.crossEntropy(x, target, weight, -100, 0.2f, Reduction.SUM).item();
        assertThat(sum).isCloseTo(none.sum().item(), within(TOL));
        assertThat(sum / 4f).isCloseTo((float) ref, within(1e-5f));
    }

    @Test
    void crossEntropyAllIgnoredIsNaNAsPyTorch() {
        Tensor x = Tensor.zeros(2, 3);
        assertThat(Losses.crossEntropy(x, Tensor.ofLongs(new long[] {-100, -100})).item()).isNaN();
    }

    @Test
    void crossEntropySingleSampleAndSequenceLayout() {
        Generator g = new Generator(3);
        Tensor logits = Tensor.randn(g, 5);
        Tensor one = Losses.crossEntropy(logits, Tensor.scalarLong(2), null, -100, 0f, Reduction.NONE);
        assertThat(one.shape()).isEmpty();
        assertThat(one.item()).isCloseTo(Losses.crossEntropy(logits.reshape(1, 5), Tensor.ofLongs(new long[] {2})).item(),
                within(TOL));

        // [N, C, L] equals the [N*L, C] rows.
        Tensor x = Tensor.randn(g, 2, 4, 3);
        Tensor t = Tensor.randint(g, 0, 4, 2, 3);
        Tensor seq = Losses.crossEntropy(x, t, null, -100, 0.1f, Reduction.NONE);
        assertThat(seq.shape()).containsExactly(2, 3);
        Tensor flat = Losses.crossEntropy(x.permute(0, 2, 1).reshape(6, 4), t.reshape(6), null, -100, 0.1f, Reduction.NONE);
        float[] a = seq.toFloatArray(), b = flat.toFloatArray();
        for (int i = 0; i < 6; i++) assertThat(a[i]).isCloseTo(b[i], within(TOL));
    }

    @Test
    void crossEntropyProbabilityTargetMatchesOneHot() {
        Generator g = new Generator(4);
        Tensor x = Tensor.randn(g, 3, 5);
        long[] idx = {4, 0, 2};
        Tensor oneHot = Tensor.zeros(3, 5);
        for (int i = 0; i < 3; i++) oneHot.set(1f, i, (int) idx[i]);
        Tensor w = Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f});
        // Smoothing is applied to both forms identically; weights differ only in the MEAN divisor, so compare SUM.
        float byIndex = Losses.crossEntropy(x, Tensor.ofLongs(idx), w, -100, 0.3f, Reduction.SUM).item();
        float byProb = Losses.crossEntropy(x, oneHot, w, -100, 0.3f, Reduction.SUM).item();
        assertThat(byProb).isCloseTo(byIndex, within(1e-4f));
        // MEAN with probabilities divides by the number of rows.
        assertThat(Losses.crossEntropy(x, oneHot, w, -100, 0f, Reduction.MEAN).item())
                .isCloseTo(Losses.crossEntropy(x, oneHot, w, -100, 0f, Reduction.SUM).item() / 3, within(TOL));
    }

    @Test
    void crossEntropyErrors() {
        Tensor x = Tensor.zeros(3, 5);
        assertThatThrownBy(() -> Losses.crossEntropy(x, Tensor.ofLongs(new long[] {0, 7, 1})))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("cross_entropy")
                .hasMessageContaining("target 7").hasMessageContaining("5 classes");
        assertThatThrownBy(() -> Losses.crossEntropy(x, Tensor.ofLongs(new long[] {0, -1, 1})))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("target -1");
        assertThatThrownBy(() -> Losses.crossEntropy(x, Tensor.ofLongs(new long[] {0, 1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 5]").hasMessageContaining("[2]")
                .hasMessageContaining("[3]");
        assertThatThrownBy(() -> Losses.crossEntropy(x, Tensor.zeros(3, 4), null, -100, 0f, Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 5]").hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> Losses.crossEntropy(x, Tensor.ofLongs(new long[] {0, 1, 2}), Tensor.ones(4), -100, 0f,
                Reduction.MEAN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight")
                .hasMessageContaining("[4]");
        assertThatThrownBy(() -> Losses.crossEntropy(x, Tensor.ofLongs(new long[] {0, 1, 2}), null, -100, 1.5f,
                Reduction.MEAN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label_smoothing");
        assertThatThrownBy(() -> Losses.nllLoss(x, Tensor.ofLongs(new long[] {0, 5, 1})))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("nll_loss").hasMessageContaining("5");
    }

    @Test
    void crossEntropyGradients() {
        Generator g = new Generator(5);
        Tensor x = rnd(g, 4, 5);
        Tensor t = Tensor.ofLongs(new long[] {1, -100, 4, 0});
        Tensor w = Tensor.of(new float[] {0.5f, 1f, 1.5f, 2f, 0.7f});
        for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            GradCheck.check("ce " + r, a -> Losses.crossEntropy(a[0], t, null, -100, 0f, r), x);
            GradCheck.check("ce weighted smoothed " + r, a -> Losses.crossEntropy(a[0], t, w, -100, 0.25f, r), x);
        }
        Tensor xs = rnd(g, 2, 3, 4), ts = Tensor.randint(g, 0, 3, 2, 4);
        GradCheck.check("ce [N, C, L]", a -> Losses.crossEntropy(a[0], ts, w.slice(0, 0, 3), -100, 0.1f, Reduction.MEAN), xs);
        Tensor p = uniform(g, 0.1f, 1f, 3, 5);
        GradCheck.check("ce probability target", a -> Losses.crossEntropy(a[0], a[1], w, -100, 0.2f, Reduction.MEAN),
                rnd(g, 3, 5), p);
        Tensor logp = rnd(g, 4, 5);
        GradCheck.check("nll", a -> Losses.nllLoss(a[0], t, w, -100, Reduction.MEAN), logp);
        GradCheck.check("nll none", a -> Losses.nllLoss(a[0], t, null, -100, Reduction.NONE), logp);
    }

    @Test
    void nllKnownValue() {
        Tensor logp = Tensor.of(new float[][] {{-1f, -2f, -3f}, {-0.5f, -1.5f, -2.5f}});
        Tensor t = Tensor.ofLongs(new long[] {2, 0});
        assertThat(Losses.nllLoss(logp, t).item()).isCloseTo(1.75f, within(TOL));
        Tensor w = Tensor.of(new float[] {1f, 1f, 3f});
        // (3*3 + 1*0.5) / (3 + 1)
        assertThat(Losses.nllLoss(logp, t, w, -100, Reduction.MEAN).item()).isCloseTo(9.5f / 4, within(TOL));
        assertThat(Losses.nllLoss(logp, t, w, 0, Reduction.SUM).item()).isCloseTo(9f, within(TOL));
    }

    // ---------------------------------------------------------------- binary cross-entropy

    @Test
    void binaryCrossEntropyKnownValuesAndClamp() {
        Tensor x = Tensor.of(new float[] {0.8f, 0.3f}), y = Tensor.of(new float[] {1f, 0f});
        float expected = (float) (-(Math.log(0.8) + Math.log(0.7)) / 2);
        assertThat(Losses.binaryCrossEntropy(x, y, null, Reduction.MEAN).item()).isCloseTo(expected, within(TOL));
        // log(0) is clamped at -100, as PyTorch.
        assertThat(Losses.binaryCrossEntropy(Tensor.of(new float[] {0f}), Tensor.of(new float[] {1f}), null,
                Reduction.SUM).item()).isEqualTo(100f);
        Tensor w = Tensor.of(new float[] {2f, 0.5f});
        assertThat(Losses.binaryCrossEntropy(x, y, w, Reduction.SUM).item())
                .isCloseTo((float) (-2 * Math.log(0.8) - 0.5 * Math.log(0.7)), within(TOL));
        assertThatThrownBy(() -> Losses.binaryCrossEntropy(Tensor.of(new float[] {1.5f}), Tensor.of(new float[] {1f}),
                null, Reduction.MEAN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 1")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> Losses.binaryCrossEntropy(x, Tensor.zeros(3), null, Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3]").hasMessageContaining("[2]");
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableAndMatchesSigmoid() {
        Generator g = new Generator(6);
        Tensor x = Tensor.randn(g, 4, 3), y = Tensor.rand(g, 4, 3);
        float viaSigmoid = Losses.binaryCrossEntropy(Activations.sigmoid(x), y, null, Reduction.MEAN).item();
        assertThat(Losses.binaryCrossEntropyWithLogits(x, y, null, null, Reduction.MEAN).item())
                .isCloseTo(viaSigmoid, within(1e-5f));
        Tensor big = Losses.binaryCrossEntropyWithLogits(Tensor.of(new float[] {100f, -100f}), Tensor.of(new float[] {0f, 1f}),
                null, null, Reduction.NONE);
        assertThat(big.toFloatArray()).containsExactly(100f, 100f);
        // pos_weight p scales the positive term: t = 1 gives p * softplus(-x).
        Tensor pw = Tensor.of(new float[] {3f});
        float l = Losses.binaryCrossEntropyWithLogits(Tensor.of(new float[] {0f}), Tensor.of(new float[] {1f}), null, pw,
                Reduction.SUM).item();
        assertThat(l).isCloseTo((float) (3 * Math.log(2)), within(TOL));
        assertThatThrownBy(() -> Losses.binaryCrossEntropyWithLogits(x, y, null, Tensor.ones(4), Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pos_weight");
    }

    @Test
    void binaryCrossEntropyGradients() {
        Generator g = new Generator(7);
        Tensor p = uniform(g, 0.1f, 0.9f, 3, 4), y = uniform(g, 0f, 1f, 3, 4), w = Tensor.rand(g, 4).add(0.5f);
        GradCheck.check("bce", t -> Losses.binaryCrossEntropy(t[0], t[1], w, Reduction.MEAN), 1e-3, 2e-2, 2e-3, p, y);
        GradCheck.check("bce none", t -> Losses.binaryCrossEntropy(t[0], t[1], null, Reduction.NONE), 1e-3, 2e-2, 2e-3, p, y);
        Tensor x = rnd(g, 3, 4), pw = Tensor.rand(g, 4).add(0.5f);
        GradCheck.check("bce_logits", t -> Losses.binaryCrossEntropyWithLogits(t[0], t[1], w, pw, Reduction.MEAN), x, y);
        GradCheck.check("bce_logits sum", t -> Losses.binaryCrossEntropyWithLogits(t[0], t[1], null, null, Reduction.SUM),
                x, y);
    }

    // ---------------------------------------------------------------- KL divergence

    @Test
    void klDivKnownValues() {
        Tensor logq = Tensor.of(new float[][] {{(float) Math.log(0.5), (float) Math.log(0.5)},
                {(float) Math.log(0.25), (float) Math.log(0.75)}});
        Tensor p = Tensor.of(new float[][] {{1f, 0f}, {0.5f, 0.5f}});
        double row0 = Math.log(1 / 0.5);                                 // the zero target contributes 0
        double row1 = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        assertThat(Losses.klDiv(logq, p, Reduction.BATCHMEAN, false).item()).isCloseTo((float) ((row0 + row1) / 2), within(TOL));
        assertThat(Losses.klDiv(logq, p, Reduction.MEAN, false).item()).isCloseTo((float) ((row0 + row1) / 4), within(TOL));
        assertThat(Losses.klDiv(logq, p, Reduction.NONE, false).get(0, 1)).isEqualTo(0f);
        Tensor q = Tensor.of(new float[] {0.2f, 0.8f}), logp = Tensor.of(new float[] {(float) Math.log(0.3), (float) Math.log(0.7)});
        float plain = Losses.klDiv(q.log(), Tensor.of(new float[] {0.3f, 0.7f}), Reduction.SUM, false).item();
        assertThat(Losses.klDiv(q.log(), logp, Reduction.SUM, true).item()).isCloseTo(plain, within(TOL));
    }

    @Test
    void klDivGradients() {
        Generator g = new Generator(8);
        Tensor x = rnd(g, 3, 4), t = uniform(g, 0.1f, 1f, 3, 4), lt = rnd(g, 3, 4);
        GradCheck.check("kl_div batchmean", a -> Losses.klDiv(a[0], a[1], Reduction.BATCHMEAN, false), 1e-3, 2e-2, 2e-3, x, t);
        GradCheck.check("kl_div log target", a -> Losses.klDiv(a[0], a[1], Reduction.NONE, true), x, lt);
    }

    // ---------------------------------------------------------------- cosine similarity

    @Test
    void cosineSimilarityKnownValues() {
        Tensor a = Tensor.of(new float[][] {{1f, 0f}, {1f, 1f}, {0f, 0f}});
        Tensor b = Tensor.of(new float[][] {{0f, 1f}, {2f, 2f}, {1f, 0f}});
        Tensor c = Losses.cosineSimilarity(a, b, 1, 1e-8f);
        assertThat(c.shape()).containsExactly(3);
        assertThat(c.toFloatArray()).containsExactly(new float[] {0f, 1f, 0f}, within(1e-6f));
        // Broadcast [3, 2] against [2], along dim -1; and along dim 0 of [2, 3].
        Tensor d = Losses.cosineSimilarity(a, Tensor.of(new float[] {1f, 0f}), -1, 1e-8f);
        assertThat(d.toFloatArray()).containsExactly(new float[] {1f, (float) Math.sqrt(0.5), 0f}, within(1e-6f));
        Tensor e = Losses.cosineSimilarity(a.t(), b.t(), 0, 1e-8f);
        assertThat(e.toFloatArray()).containsExactly(new float[] {0f, 1f, 0f}, within(1e-6f));
    }

    @Test
    void cosineSimilarityZeroVectorHasFiniteGradient() {
        Tensor a = Tensor.zeros(1, 3).requiresGrad(true), b = Tensor.of(new float[] {1f, 2f, 3f}, 1, 3).requiresGrad(true);
        Losses.cosineSimilarity(a, b).sum().backward();
        for (float v : a.grad().toFloatArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    @Test
    void cosineSimilarityGradients() {
        Generator g = new Generator(9);
        GradCheck.check("cosine dim -1", t -> Losses.cosineSimilarity(t[0], t[1], -1, 1e-8f), rnd(g, 3, 5), rnd(g, 3, 5));
        GradCheck.check("cosine broadcast dim 1", t -> Losses.cosineSimilarity(t[0], t[1], 1, 1e-8f), rnd(g, 2, 4, 3),
                rnd(g, 4, 1));
    }
}
