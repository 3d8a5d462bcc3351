package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** softmax / log_softmax: values against a double reference on every dim, stability, kernels, gradients. */
class SoftmaxTest {
    /** Reference softmax in double along {@code dim} of a contiguous tensor. */
    private static double[] reference(Tensor x, int dim, boolean log) {
        int[] s = x.shape();
        int outer = 1, n = s[dim], inner = 1;
        for (int i = 0; i < dim; i++) outer *= s[i];
        for (int i = dim + 1; i < s.length; i++) inner *= s[i];
        float[] a = x.toFloatArray();
        double[] out = new double[a.length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double m = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < n; j++) m = Math.max(m, a[(o * n + j) * inner + i]);
                for (int j = 0; j < n; j++) sum += Math.exp(a[(o * n + j) * inner + i] - m);
                for (int j = 0; j < n; j++) {
                    double v = a[(o * n + j) * inner + i] - m;
                    out[(o * n + j) * inner + i] = log ? v - Math.log(sum) : Math.exp(v) / sum;
                }
            }
        return out;
    }

    private static void assertClose(Tensor t, double[] ref, double tol) {
        float[] v = t.toFloatArray();
        assertThat(v).hasSize(ref.length);
        for (int i = 0; i < v.length; i++) assertThat((double) v[i]).as("index %d", i).isCloseTo(ref[i], within(tol));
    }

    @Test
    void knownValues() {
        Tensor x = Tensor.of(new float[] {0, 0, (float) Math.log(2)});
        assertThat(Softmax.softmax(x, 0).toFloatArray()).containsExactly(new float[] {0.25f, 0.25f, 0.5f}, within(1e-6f));
        assertThat(Softmax.logSoftmax(x, -1).toFloatArray())
                .containsExactly(new float[] {(float) Math.log(0.25), (float) Math.log(0.25), (float) Math.log(0.5)},
                        within(1e-6f));
    }

    @Test
    void everyDimMatchesTheReference() {
        Tensor x = Tensor.randn(new Generator(3), 3, 4, 5);
        for (int d = 0; d < 3; d++) {
            assertClose(Softmax.softmax(x, d), reference(x, d, false), 1e-6);
            assertClose(Softmax.logSoftmax(x, d - 3), reference(x, d, true), 1e-5);
        }
        // A non-contiguous input (transposed view) gives the same as its contiguous copy.
        Tensor xt = x.transpose(1, 2);
        assertClose(Softmax.softmax(xt, -1), reference(xt.contiguous(), 2, false), 1e-6);
    }

    @Test
    void largeLogitsDoNotOverflowAndMaskedEntriesGetZero() {
        Tensor x = Tensor.of(new float[] {1e4f, 1e4f - 1, -1e4f, 3e38f, 3e38f, 0, 0, Float.NEGATIVE_INFINITY, 1}, 3, 3);
        float[] p = Softmax.softmax(x, -1).toFloatArray();
        double e = Math.exp(-1);
        assertThat(p[0]).isCloseTo((float) (1 / (1 + e)), within(1e-6f));
        assertThat(p[1]).isCloseTo((float) (e / (1 + e)), within(1e-6f));
        assertThat(p[2]).isZero();
        assertThat(p[3]).isCloseTo(0.5f, within(1e-6f));
        assertThat(p[7]).isZero();
        float[] lp = Softmax.logSoftmax(x, -1).toFloatArray();
        // The vector kernel forms x - (max + log(sum)) in float, as PyTorch's CPU kernel does: ~1 ulp of 1e4.
        assertThat(lp[0]).isCloseTo((float) -Math.log1p(e), within(1e-3f));
        assertThat(lp[7]).isEqualTo(Float.NEGATIVE_INFINITY);
        for (float v : p) assertThat(v).isNotNaN();
    }

    @Test
    void vectorAndScalarKernelsAgree() {
        Tensor x = Tensor.randn(new Generator(5), 7, 37).mul(10f);
        boolean was = VectorSupport.enabled();
        try {
            VectorSupport.setEnabled(false);
            float[] s = Softmax.softmax(x, -1).toFloatArray(), ls = Softmax.logSoftmax(x, -1).toFloatArray();
            VectorSupport.setEnabled(true);
            assertThat(Softmax.softmax(x, -1).toFloatArray()).containsExactly(s, within(1e-6f));
            assertThat(Softmax.logSoftmax(x, -1).toFloatArray()).containsExactly(ls, within(1e-4f));
        } finally {
            VectorSupport.setEnabled(was);
        }
    }

    @Test
    void largeTensorsUseThreadsAndStayCorrect() {
        Tensor rows = Tensor.randn(new Generator(6), 256, 300);
        assertClose(Softmax.softmax(rows, 1), reference(rows, 1, false), 1e-6);
        Tensor cols = Tensor.randn(new Generator(7), 3, 40, 600);      // strided path, several column chunks
        assertClose(Softmax.logSoftmax(cols, 1), reference(cols, 1, true), 1e-5);
        Tensor g = Tensor.randn(new Generator(8), 3, 40, 600), x = cols.detach().requiresGrad(true);
        Softmax.softmax(x, 1).backward(g);
        // Reference backward: y * (g - sum(g * y)) along dim 1.
        double[] y = reference(cols, 1, false);
        float[] gd = g.toFloatArray(), gx = x.grad().toFloatArray();
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < 600; i += 97) {
                double dot = 0;
                for (int j = 0; j < 40; j++) dot += gd[(o * 40 + j) * 600 + i] * y[(o * 40 + j) * 600 + i];
                for (int j = 0; j < 40; j++) {
                    int p = (o * 40 + j) * 600 + i;
                    assertThat((double) gx[p]).isCloseTo(y[p] * (gd[p] - dot), within(1e-5));
                }
            }
    }

    @Test
    void badDimIsReported() {
        assertThatThrownBy(() -> Softmax.softmax(Tensor.zeros(2, 3), 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softmax").hasMessageContaining("dimension 2");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (int d = 0; d < 3; d++) {
            int dim = d;
            GradCheck.check("softmax dim " + d, t -> Softmax.softmax(t[0], dim),
                    Tensor.randn(new Generator(10 + d), 2, 3, 4).requiresGrad(true));
            GradCheck.check("log_softmax dim " + d, t -> Softmax.logSoftmax(t[0], dim),
                    Tensor.randn(new Generator(20 + d), 2, 3, 4).requiresGrad(true));
        }
        GradCheck.check("softmax of transposed", t -> Softmax.softmax(t[0].t(), -1),
                Tensor.randn(new Generator(30), 4, 3).requiresGrad(true));
    }
}
