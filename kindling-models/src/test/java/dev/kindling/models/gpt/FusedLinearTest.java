// FusedLinear (Conv1D layout) and Linalg.linear (the [out, in] layout GPT-2's head uses) against the generic
// matmul + add path: values and gradients.
package dev.kindling.models.gpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.ops.Linalg;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

class FusedLinearTest {
    static double maxDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        assertThat(x.length).isEqualTo(y.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    @Test
    void conv1dAndLinearMatchMatmulWithGradients() {
        Generator g = new Generator(5);
        for (boolean outIn : new boolean[] {false, true}) {
            Tensor x = Tensor.randn(g, 3, 5, 7).requiresGrad(true);
            Tensor w = (outIn ? Tensor.randn(g, 9, 7) : Tensor.randn(g, 7, 9)).requiresGrad(true);
            Tensor b = Tensor.randn(g, 9).requiresGrad(true);
            Tensor up = Tensor.randn(g, 3, 5, 9);
            Tensor y = outIn ? Linalg.linear(x, w, b) : FusedLinear.conv1d(x, w, b);   // [out, in]: core's
            y.mul(up).sum().backward();
            Tensor gx = x.grad(), gw = w.grad(), gb = b.grad();
            x.zeroGrad();
            w.zeroGrad();
            b.zeroGrad();
            Tensor ref = Linalg.matmul(x, outIn ? w.t() : w).add(b);
            ref.mul(up).sum().backward();
            assertThat(maxDiff(y, ref)).isLessThan(1e-5);
            assertThat(maxDiff(gx, x.grad())).isLessThan(1e-4);
            assertThat(maxDiff(gw, w.grad())).isLessThan(1e-4);
            assertThat(maxDiff(gb, b.grad())).isLessThan(1e-4);
        }
    }

    @Test
    void geluTanhEpilogueMatchesTheSeparateActivation() {
        Generator g = new Generator(9);
        Tensor x = Tensor.randn(g, 4, 6, 8).mul(2f).detach().requiresGrad(true);
        Tensor w = Tensor.randn(g, 8, 40).requiresGrad(true);
        Tensor b = Tensor.randn(g, 40).requiresGrad(true);
        Tensor up = Tensor.randn(g, 4, 6, 40);
        Tensor y = FusedLinear.conv1dGeluTanh(x, w, b);
        y.mul(up).sum().backward();
        Tensor gx = x.grad(), gw = w.grad(), gb = b.grad();
        x.zeroGrad();
        w.zeroGrad();
        b.zeroGrad();
        Tensor ref = dev.kindling.ops.Activations.gelu(FusedLinear.conv1d(x, w, b), "tanh");
        ref.mul(up).sum().backward();
        assertThat(maxDiff(y, ref)).isLessThan(1e-4);
        assertThat(maxDiff(gx, x.grad())).isLessThan(1e-3);
        assertThat(maxDiff(gw, w.grad())).isLessThan(1e-3);
        assertThat(maxDiff(gb, b.grad())).isLessThan(1e-3);
    }

    @Test
    void finiteDifferencesOnTheWeight() {
        Generator g = new Generator(7);
        Tensor x = Tensor.randn(g, 4, 3);
        Tensor w = Tensor.randn(g, 3, 2).requiresGrad(true);
        FusedLinear.conv1d(x, w, null).square().sum().backward();
        float[] analytic = w.grad().toFloatArray();
        float[] wd = w.storage().floats();
        double eps = 1e-2;
        for (int i = 0; i < wd.length; i++) {
            float keep = wd[i];
            wd[i] = (float) (keep + eps);
            double plus = FusedLinear.conv1d(x, w.detach(), null).square().sum().item();
            wd[i] = (float) (keep - eps);
            double minus = FusedLinear.conv1d(x, w.detach(), null).square().sum().item();
            wd[i] = keep;
            assertThat(analytic[i]).isCloseTo((float) ((plus - minus) / (2 * eps)), org.assertj.core.data.Offset.offset(2e-2f));
        }
    }
}
