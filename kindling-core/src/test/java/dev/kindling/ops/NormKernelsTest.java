package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The Vector API layer / RMS norm rows (NormKernels) against Norms' scalar loops, forward and every gradient. */
class NormKernelsTest {
    private static final int[] WIDTHS = {1, 5, 15, 16, 17, 64, 128, 130};
    private static final int[] ROWS = {1, 3, 33, 70};

    /** Output and the gradients of sum(y * probe) w.r.t. x, weight and bias (null entries where absent). */
    private static float[][] run(boolean fast, Function<Tensor[], Tensor> f, Tensor probe, Tensor... inputs) {
        boolean was = VectorSupport.enabled();
        VectorSupport.setEnabled(fast);
        try {
            Tensor[] in = new Tensor[inputs.length];
            for (int i = 0; i < in.length; i++) in[i] = inputs[i] == null ? null : inputs[i].detach().requiresGrad(true);
            Tensor y = f.apply(in);
            y.mul(probe).sum().backward();
            float[][] r = new float[1 + in.length][];
            r[0] = y.toFloatArray();
            for (int i = 0; i < in.length; i++) r[1 + i] = in[i] == null ? null : in[i].grad().toFloatArray();
            return r;
        } finally {
            VectorSupport.setEnabled(was);
        }
    }

    private static void assertClose(float[][] fast, float[][] ref, String what) {
        String[] names = {"y", "dx", "dweight", "dbias"};
        for (int k = 0; k < ref.length; k++) {
            if (ref[k] == null) continue;
            for (int i = 0; i < ref[k].length; i++) {
                double tol = 2e-5 + 2e-5 * Math.abs(ref[k][i]);
                assertThat((double) Math.abs(fast[k][i] - ref[k][i])).as("%s %s[%d]: fast %s, scalar %s", what, names[k],
                        i, fast[k][i], ref[k][i]).isLessThanOrEqualTo(tol * (k >= 2 ? 10 : 1));
            }
        }
    }

    @Test
    void vectorRowsMatchScalarSpec() {
        assertThat(VectorSupport.present()).isTrue();
        Generator g = new Generator(5);
        for (int d : WIDTHS) {
            for (int rows : ROWS) {
                // an offset mean and a scale so that centering matters
                Tensor x = Tensor.randn(g, rows, d).mul(3f).add(2f), w = Tensor.randn(g, d), b = Tensor.randn(g, d);
                Tensor probe = Tensor.randn(g, rows, d);
                int[] ns = {d};
                String at = "rows=" + rows + " d=" + d;
                Function<Tensor[], Tensor> ln = t -> Norms.layerNorm(t[0], ns, t[1], t[2], 1e-5f);
                assertClose(run(true, ln, probe, x, w, b), run(false, ln, probe, x, w, b), "layerNorm " + at);
                Function<Tensor[], Tensor> lnPlain = t -> Norms.layerNorm(t[0], ns, null, null, 1e-5f);
                assertClose(run(true, lnPlain, probe, x), run(false, lnPlain, probe, x), "layerNorm no affine " + at);
                Function<Tensor[], Tensor> rms = t -> Norms.rmsNorm(t[0], ns, t[1], 1e-6f);
                assertClose(run(true, rms, probe, x, w), run(false, rms, probe, x, w), "rmsNorm " + at);
            }
        }
    }

    @Test
    void weightGradientDoesNotDependOnThreadCount() {
        Generator g = new Generator(6);
        Tensor x = Tensor.randn(g, 300, 96), w = Tensor.randn(g, 96), b = Tensor.randn(g, 96), probe = Tensor.randn(g, 300, 96);
        Function<Tensor[], Tensor> ln = t -> Norms.layerNorm(t[0], new int[] {96}, t[1], t[2], 1e-5f);
        int before = dev.kindling.kernels.Parallel.threads();
        try {
            dev.kindling.kernels.Parallel.setThreads(1);
            float[][] one = run(true, ln, probe, x, w, b);
            dev.kindling.kernels.Parallel.setThreads(3);
            float[][] three = run(true, ln, probe, x, w, b);
            for (int k = 0; k < one.length; k++) assertThat(three[k]).as("output %d", k).containsExactly(one[k]);
        } finally {
            dev.kindling.kernels.Parallel.setThreads(before);
        }
    }
}
