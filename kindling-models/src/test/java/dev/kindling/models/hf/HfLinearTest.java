package dev.kindling.models.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

class HfLinearTest {
    @Test
    void forwardMatchesPlainLoopsForDecodingAndBatchRows() {
        Generator g = new Generator(2);
        var layer = new HfLinear(37, 53, true, g, 0.5);
        try (var ng = Autograd.noGrad()) {
            layer.bias().copy_(Tensor.randn(g, 53));
        }
        for (int rows : new int[] {1, 3, 9}) {
            Tensor x = Tensor.randn(g, 1, rows, 37);
            Tensor want = reference(x, layer.weight(), layer.bias());   // plain double loops
            Tensor got;
            try (var ng = Autograd.noGrad()) {
                got = layer.forward(x.permute(0, 1, 2));
            }
            assertThat(got.shape()).containsExactly(1, rows, 53);
            assertThat(HfTestData.maxAbsDiff(got.toFloatArray(), want.toFloatArray())).as("rows %d", rows)
                    .isLessThan(1e-5);
        }
        // With autograd on, the layer records its gradient.
        Tensor y = layer.forward(Tensor.randn(g, 1, 37));
        y.sum().backward();
        assertThat(layer.weight().grad()).isNotNull();
    }

    /** {@code x W^T + b} in double, row by row: independent of Gemm's paths. */
    private static Tensor reference(Tensor x, Tensor w, Tensor b) {
        int in = w.size(1), out = w.size(0), rows = x.numel() / in;
        float[] xd = x.contiguous().toFloatArray(), wd = w.toFloatArray(), bd = b.toFloatArray();
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = bd[o];
                for (int i = 0; i < in; i++) acc += (double) xd[r * in + i] * wd[o * in + i];
                y[r * out + o] = (float) acc;
            }
        }
        return Tensor.of(y, 1, rows, out);
    }
}
