package dev.kindling.nn;

import static dev.kindling.nn.LayersTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Loss modules: equal to the functional losses, defaults as PyTorch, weights as buffers, errors. */
class LossModulesTest {
    private final Generator g = new Generator(21);
    private final Tensor a = Tensor.randn(g, 4, 3), b = Tensor.randn(g, 4, 3);
    private final Tensor labels = Tensor.ofLongs(new long[] {0, 2, 1, 2}, 4);

    @Test
    void regressionLosses() {
        assertClose(new MSELoss().forward(a, b), Losses.mseLoss(a, b, Reduction.MEAN), 0f);
        assertClose(new MSELoss(Reduction.NONE).forward(a, b), Losses.mseLoss(a, b, Reduction.NONE), 0f);
        assertClose(new L1Loss(Reduction.SUM).forward(a, b), Losses.l1Loss(a, b, Reduction.SUM), 0f);
        assertClose(new L1Loss().forward(a, b), Losses.l1Loss(a, b, Reduction.MEAN), 0f);
        assertClose(new HuberLoss().forward(a, b), Losses.huberLoss(a, b, 1f, Reduction.MEAN), 0f);
        assertClose(new HuberLoss(0.5f, Reduction.SUM).forward(a, b), Losses.huberLoss(a, b, 0.5f, Reduction.SUM), 0f);
        assertClose(new SmoothL1Loss(0.3f, Reduction.MEAN).forward(a, b), Losses.smoothL1Loss(a, b, 0.3f, Reduction.MEAN), 0f);
        // Known value: mean((1 - 3)^2, (2 - 2)^2) = 2.
        assertThat(new MSELoss().forward(Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {3, 2}, 2)).item())
                .isEqualTo(2f);
        assertThat(new MSELoss().reduction()).isEqualTo(Reduction.MEAN);
        assertThatThrownBy(() -> new HuberLoss(0f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta");
    }

    @Test
    void classLossesWithWeightsAsBuffers() {
        Tensor w = Tensor.of(new float[] {1, 2, 0.5f}, 3);
        var ce = CrossEntropyLoss.builder().weight(w).ignoreIndex(1).labelSmoothing(0.1f).reduction(Reduction.SUM).build();
        assertClose(ce.forward(a, labels), Losses.crossEntropy(a, labels, w, 1, 0.1f, Reduction.SUM), 0f);
        assertThat(ce.stateDict().keySet()).containsExactly("weight");
        assertThat(ce.namedParameters()).isEmpty();
        assertThat(ce.ignoreIndex()).isEqualTo(1);
        assertThat(ce.labelSmoothing()).isEqualTo(0.1f);
        var plain = new CrossEntropyLoss();
        assertThat(plain.stateDict()).isEmpty();
        assertThat(plain.weight()).isNull();
        assertClose(plain.forward(a, labels), Losses.crossEntropy(a, labels), 0f);
        assertClose(new CrossEntropyLoss(Reduction.NONE).forward(a, labels),
                Losses.crossEntropy(a, labels, null, -100, 0f, Reduction.NONE), 0f);
        assertThat(plain).hasToString("CrossEntropyLoss()");

        Tensor logp = dev.kindling.ops.Softmax.logSoftmax(a, 1);
        assertClose(new NLLLoss().forward(logp, labels), Losses.nllLoss(logp, labels), 0f);
        assertClose(new NLLLoss(w, 0, Reduction.MEAN).forward(logp, labels),
                Losses.nllLoss(logp, labels, w, 0, Reduction.MEAN), 0f);
        assertThat(new NLLLoss(w, -100, Reduction.MEAN).stateDict().keySet()).containsExactly("weight");
        // LogSoftmax + NLLLoss is CrossEntropyLoss.
        assertClose(new NLLLoss().forward(new LogSoftmax(1).forward(a), labels), plain.forward(a, labels), 1e-6f);
    }

    @Test
    void binaryLosses() {
        Tensor p = new Sigmoid().forward(a), t = Tensor.rand(g, 4, 3);
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3), pw = Tensor.of(new float[] {4, 1, 0.5f}, 3);
        assertClose(new BCELoss().forward(p, t), Losses.binaryCrossEntropy(p, t, null, Reduction.MEAN), 0f);
        var bce = new BCELoss(w, Reduction.SUM);
        assertClose(bce.forward(p, t), Losses.binaryCrossEntropy(p, t, w, Reduction.SUM), 0f);
        assertThat(bce.stateDict().keySet()).containsExactly("weight");
        var logits = new BCEWithLogitsLoss(w, pw, Reduction.MEAN);
        assertClose(logits.forward(a, t), Losses.binaryCrossEntropyWithLogits(a, t, w, pw, Reduction.MEAN), 0f);
        assertThat(logits.stateDict().keySet()).containsExactly("weight", "pos_weight");
        assertThat(new BCEWithLogitsLoss(null, pw, Reduction.MEAN).stateDict().keySet()).containsExactly("pos_weight");
        // With no weights, BCE on sigmoid(x) equals BCE with logits on x.
        assertClose(new BCEWithLogitsLoss().forward(a, t), new BCELoss().forward(p, t), 1e-5f);
    }

    @Test
    void klDivAndCosine() {
        Tensor logq = dev.kindling.ops.Softmax.logSoftmax(a, 1), pt = dev.kindling.ops.Softmax.softmax(b, 1);
        assertClose(new KLDivLoss().forward(logq, pt), Losses.klDiv(logq, pt, Reduction.MEAN, false), 0f);
        assertClose(new KLDivLoss(Reduction.BATCHMEAN, true).forward(logq, pt.log()),
                Losses.klDiv(logq, pt.log(), Reduction.BATCHMEAN, true), 0f);
        assertClose(new CosineSimilarity().forward(a, b), Losses.cosineSimilarity(a, b, 1, 1e-8f), 0f);
        assertClose(new CosineSimilarity(0, 1e-6f).forward(a, b), Losses.cosineSimilarity(a, b, 0, 1e-6f), 0f);
        assertThatThrownBy(() -> new CosineSimilarity().forward(a)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void cosineEmbeddingLossKnownValues() {
        Tensor x1 = Tensor.of(new float[] {1, 0, 1, 1, 3, 4}, 3, 2), x2 = Tensor.of(new float[] {0, 1, 1, 1, 3, 4}, 3, 2);
        Tensor y = Tensor.ofLongs(new long[] {1, -1, 1}, 3);
        // cos = 0, 1, 1: target 1 -> 1 - cos; target -1 -> max(0, cos - margin).
        Tensor none = new CosineEmbeddingLoss(0.5f, Reduction.NONE).forward(x1, x2, y);
        assertThat(none.toFloatArray()).containsExactly(new float[] {1f, 0.5f, 0f}, within(1e-6f));
        assertThat(new CosineEmbeddingLoss().forward(x1, x2, y).item()).isCloseTo(2f / 3, within(1e-6f));
        Tensor x1g = x1.detach().clone().requiresGrad(true);
        new CosineEmbeddingLoss().forward(x1g, x2, y.toFloat()).backward();
        assertThat(x1g.grad().shape()).containsExactly(3, 2);
        assertThatThrownBy(() -> new CosineEmbeddingLoss().forward(x1, x2, Tensor.ofLongs(new long[] {1, 1}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CosineEmbeddingLoss");
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> new MSELoss(Reduction.BATCHMEAN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MSELoss").hasMessageContaining("BATCHMEAN");
        assertThatThrownBy(() -> new L1Loss(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CrossEntropyLoss.builder().labelSmoothing(1.5f).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelSmoothing");
        assertThatThrownBy(() -> new MSELoss().forward(a)).isInstanceOf(UnsupportedOperationException.class);
    }
}
