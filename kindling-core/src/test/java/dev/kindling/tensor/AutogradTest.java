package dev.kindling.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Elementwise;
import org.junit.jupiter.api.Test;

class AutogradTest {
    @Test
    void scalarBackwardComputesProductRule() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor y = x.mul(x).sum(); // sum x^2
        y.backward();
        assertThat(x.grad().toFloatArray()).containsExactly(2f, 4f, 6f);
    }

    @Test
    void explicitGradientAndAccumulationAcrossCalls() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        x.mul(3f).backward(Tensor.of(new float[] {1, 10}));
        assertThat(x.grad().toFloatArray()).containsExactly(3f, 30f);
        x.mul(3f).backward(Tensor.of(new float[] {1, 1}));
        assertThat(x.grad().toFloatArray()).containsExactly(6f, 33f);
        x.zeroGrad();
        assertThat(x.grad()).isNull();
    }

    @Test
    void nonScalarBackwardWithoutGradientIsRejected() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        assertThatThrownBy(() -> x.mul(2f).backward()).hasMessageContaining("scalar outputs").hasMessageContaining("[2]");
    }

    @Test
    void secondBackwardThroughFreedGraphFailsClearly() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward();
        assertThatThrownBy(y::backward).hasMessageContaining("second time").hasMessageContaining("retainGraph");
    }

    @Test
    void retainGraphAllowsSecondBackward() {
        Tensor x = Tensor.of(new float[] {0, 1}).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward(Tensor.scalar(1f), true);
        y.backward(Tensor.scalar(1f), true);
        assertThat(x.grad().get(1)).isCloseTo((float) (2 * Math.E), within(1e-5f));
    }

    @Test
    void inPlaceModificationOfSavedTensorIsDetected() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4});
        Tensor y = a.mul(b).sum();
        b.add_(Tensor.of(new float[] {1, 1}));
        assertThatThrownBy(y::backward).hasMessageContaining("modified by an in-place operation")
                .hasMessageContaining("mul");
    }

    @Test
    void inPlaceOnTensorRequiringGradIsRejectedUnlessNoGrad() {
        Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        assertThatThrownBy(() -> w.add_(Tensor.of(new float[] {1, 1}))).hasMessageContaining("noGrad");
        try (var g = Autograd.noGrad()) {
            w.add_(Tensor.of(new float[] {1, 1}));
        }
        assertThat(w.toFloatArray()).containsExactly(2f, 3f);
    }

    @Test
    void noGradRecordsNothingAndDetachCutsTheGraph() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        try (var g = Autograd.noGrad()) {
            Tensor y = x.mul(2f);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.gradFn()).isNull();
        }
        Tensor d = x.detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.storage()).isSameAs(x.storage());
        assertThat(x.mul(2f).gradFn().op()).isEqualTo("mul");
    }

    @Test
    void gradientsFromSeveralPathsAreSummed() {
        Tensor x = Tensor.of(new float[] {2}).requiresGrad(true);
        Tensor a = x.mul(3f);
        Tensor b = x.mul(x);
        a.add(b).mul(a).sum().backward(); // (3x + x^2) * 3x = 9x^2 + 3x^3 -> 18x + 9x^2 = 36 + 36
        assertThat(x.grad().item()).isCloseTo(72f, within(1e-4f));
    }

    @Test
    void anomalyModeReportsTheOpThatProducedNaN() {
        Tensor x = Tensor.of(new float[] {-1, 1}).requiresGrad(true);
        try (var a = Autograd.detectAnomaly()) {
            assertThatThrownBy(() -> x.log()).isInstanceOf(AnomalyException.class).hasMessageContaining("'log'")
                    .hasMessageContaining("NaN");
        }
        // Backward: d sqrt(x)/dx at 0 is +Inf.
        Tensor z = Tensor.of(new float[] {0, 1}).requiresGrad(true);
        try (var a = Autograd.detectAnomaly()) {
            Tensor s = z.sqrt().sum();
            assertThatThrownBy(s::backward).isInstanceOf(AnomalyException.class).hasMessageContaining("backward of op 'sqrt'");
        }
        assertThat(x.log().toFloatArray()[0]).isNaN(); // outside anomaly mode NaN passes silently, as in PyTorch
    }

    @Test
    void retainGradKeepsNonLeafGradient() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor h = Activations.relu(x.mul(2f)).retainGrad();
        Elementwise.mul(h, h).sum().backward();
        assertThat(h.grad().toFloatArray()).containsExactly(4f, 8f);
        assertThat(x.grad().toFloatArray()).containsExactly(8f, 16f);
    }

    @Test
    void backwardOnTensorWithoutGradFails() {
        Tensor x = Tensor.of(new float[] {1});
        assertThatThrownBy(x::backward).hasMessageContaining("does not require grad");
    }
}
