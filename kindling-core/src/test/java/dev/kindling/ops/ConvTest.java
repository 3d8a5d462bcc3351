package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.kernels.Parallel;
import dev.kindling.ops.ConvKernels.Geometry;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** conv1d / conv2d / convTranspose2d: known values, fast kernels vs the scalar reference, gradients, errors. */
class ConvTest {
    private static float[] randn(Generator g, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) g.nextGaussian();
        return a;
    }

    private static Tensor rnd(Generator g, int... shape) {
        return Tensor.randn(g, shape).requiresGrad(true);
    }

    private static Geometry geometry(int n, int inC, int h, int w, int outC, int kh, int kw, int sh, int sw, int ph,
            int pw, int dh, int dw, int groups) {
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        return new Geometry(n, inC, h, w, outC, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, groups);
    }

    private static void assertClose(String what, float[] got, float[] want, double tol) {
        assertThat(got.length).isGreaterThanOrEqualTo(want.length);
        double scale = 0;
        for (float v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(got[i] - want[i]) > tol * (1 + scale))
                throw new AssertionError(what + " differs at " + i + ": " + got[i] + " vs " + want[i]);
        }
    }

    /** Runs the fast kernels and the reference on the same random data and compares all three results. */
    private static void compareWithReference(Geometry g, long seed) {
        Generator gen = new Generator(seed);
        float[] x = randn(gen, g.batch() * g.inC() * g.inHW()), w = randn(gen, g.weightSize());
        float[] b = randn(gen, g.outC()), gOut = randn(gen, g.batch() * g.outC() * g.outHW());
        float[] fast = new float[gOut.length], ref = new float[gOut.length];
        ConvKernels.forward(g, x, w, b, fast);
        ConvReference.forward(g, x, w, b, ref);
        assertClose("forward " + g, fast, ref, 1e-5);
        float[] gxFast = new float[x.length], gxRef = new float[x.length];
        java.util.Arrays.fill(gxFast, 123f);                       // must be overwritten, not accumulated into
        ConvKernels.backwardInput(g, gOut, w, gxFast);
        ConvReference.backwardInput(g, gOut, w, gxRef);
        assertClose("input gradient " + g, gxFast, gxRef, 1e-5);
        float[] gwFast = new float[w.length], gwRef = new float[w.length];
        java.util.Arrays.fill(gwFast, 7f);
        ConvKernels.backwardWeight(g, x, gOut, gwFast);
        ConvReference.backwardWeight(g, x, gOut, gwRef);
        assertClose("weight gradient " + g, gwFast, gwRef, 1e-5);
    }

    @Test
    void knownValues() {
        // 3x3 input 1..9, 2x2 kernel of ones: each output is the sum of a 2x2 window, plus bias 0.5.
        Tensor x = Tensor.arange(1, 10, 1).reshape(1, 1, 3, 3);
        Tensor y = Conv.conv2d(x, Tensor.ones(1, 1, 2, 2), Tensor.of(new float[] {0.5f}, 1));
        assertThat(y.shape()).containsExactly(1, 1, 2, 2);
        assertThat(y.toFloatArray()).containsExactly(12.5f, 16.5f, 24.5f, 28.5f);
        // Padding 1, stride 2 with a 1x1 kernel of 2: samples the padded grid at even positions.
        Tensor z = Conv.conv2d(x, Tensor.full(2f, 1, 1, 1, 1), null, 2, 1);
        assertThat(z.toFloatArray()).containsExactly(0f, 0f, 0f, 0f, 10f, 0f, 0f, 0f, 0f);
    }

    @Test
    void fastKernelsMatchTheReference() {
        int[][] cases = {
                // n, inC, h, w, outC, kh, kw, sh, sw, ph, pw, dh, dw, groups
                {2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1},
                {3, 4, 11, 8, 6, 3, 2, 2, 3, 1, 0, 1, 1, 2},
                {2, 6, 9, 10, 6, 3, 3, 1, 2, 2, 3, 2, 1, 3},
                {1, 2, 5, 5, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1},
                {2, 4, 6, 7, 8, 1, 1, 1, 1, 0, 0, 1, 1, 4},         // pointwise, depthwise-style groups
                {3, 5, 6, 6, 2, 1, 1, 2, 2, 1, 1, 1, 1, 1},         // 1x1 with stride and padding
                {2, 3, 3, 4, 2, 4, 5, 1, 1, 2, 3, 1, 1, 1},         // kernel larger than the input
                {8, 4, 10, 10, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1},      // enough images to split the batch
                {1, 456, 18, 18, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1},     // column tiles that split output rows
        };
        long seed = 1;
        for (int[] c : cases) {
            compareWithReference(geometry(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11],
                    c[12], c[13]), seed++);
        }
        Generator gen = new Generator(99);
        for (int t = 0; t < 25; t++) {
            int groups = 1 + (int) gen.nextLong(3), kh = 1 + (int) gen.nextLong(4), kw = 1 + (int) gen.nextLong(4);
            int dh = 1 + (int) gen.nextLong(2), dw = 1 + (int) gen.nextLong(2);
            int ph = (int) gen.nextLong(3), pw = (int) gen.nextLong(3);
            int h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph) + (int) gen.nextLong(6);
            int w = Math.max(1, dw * (kw - 1) + 1 - 2 * pw) + (int) gen.nextLong(6);
            compareWithReference(geometry(1 + (int) gen.nextLong(3), groups * (1 + (int) gen.nextLong(3)), h, w,
                    groups * (1 + (int) gen.nextLong(3)), kh, kw, 1 + (int) gen.nextLong(3), 1 + (int) gen.nextLong(3),
                    ph, pw, dh, dw, groups), seed++);
        }
    }

    @Test
    void singleThreadedGivesTheSameResult() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            compareWithReference(geometry(4, 4, 10, 10, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1), 5);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void conv2dGradients() {
        Generator g = new Generator(3);
        GradCheck.check("conv2d", t -> Conv.conv2d(t[0], t[1], t[2], new int[] {2, 1}, new int[] {1, 2},
                new int[] {1, 2}, 2), rnd(g, 2, 4, 5, 6), rnd(g, 4, 2, 3, 2), rnd(g, 4));
        GradCheck.check("conv2d 1x1", t -> Conv.conv2d(t[0], t[1], null), rnd(g, 2, 3, 3, 4), rnd(g, 2, 3, 1, 1));
        GradCheck.check("conv2d unbatched", t -> Conv.conv2d(t[0], t[1], t[2], 1, 1), rnd(g, 2, 4, 3),
                rnd(g, 3, 2, 3, 3), rnd(g, 3));
    }

    @Test
    void conv1dMatchesConv2dWithHeightOne() {
        Generator g = new Generator(4);
        Tensor x = Tensor.randn(g, 2, 4, 9), w = Tensor.randn(g, 6, 2, 3), b = Tensor.randn(g, 6);
        Tensor y = Conv.conv1d(x, w, b, 2, 1, 2, 2);
        Tensor y2 = Conv.conv2d(x.unsqueeze(2), w.unsqueeze(2), b, new int[] {1, 2}, new int[] {0, 1},
                new int[] {1, 2}, 2).squeeze(2);
        assertThat(y.shape()).containsExactly(2, 6, 4);
        assertThat(y.toFloatArray()).containsExactly(y2.toFloatArray());
        GradCheck.check("conv1d", t -> Conv.conv1d(t[0], t[1], t[2], 2, 1, 2, 2), rnd(g, 2, 4, 9), rnd(g, 6, 2, 3),
                rnd(g, 6));
    }

    @Test
    void convTransposeIsTheAdjointOfConv() {
        // <conv(x, w), y> == <x, convT(y, w)> for the same stride, padding, dilation and groups.
        Generator g = new Generator(5);
        Tensor x = Tensor.randn(g, 2, 4, 9, 8), w = Tensor.randn(g, 6, 2, 3, 2);
        int[] s = {2, 3}, p = {1, 1}, d = {1, 2};
        Tensor cx = Conv.conv2d(x, w, null, s, p, d, 2);                  // [2, 6, 5, 2]
        Tensor y = Tensor.randn(g, cx.shape());
        // Output padding restores the input size the strided conv rounded away.
        int[] op = {(9 + 2 - 1 - 2) % 2, (8 + 2 - 2 - 1) % 3};
        Tensor ty = Conv.convTranspose2d(y, w, null, s, p, op, 2, d);
        assertThat(ty.shape()).containsExactly(x.shape());
        double lhs = 0, rhs = 0;
        float[] a = cx.toFloatArray(), b = y.toFloatArray(), c = x.toFloatArray(), e = ty.toFloatArray();
        for (int i = 0; i < a.length; i++) lhs += (double) a[i] * b[i];
        for (int i = 0; i < c.length; i++) rhs += (double) c[i] * e[i];
        assertThat(lhs).isCloseTo(rhs, org.assertj.core.data.Offset.offset(1e-3 * (1 + Math.abs(lhs))));
    }

    @Test
    void convTransposeKnownValuesAndGradients() {
        // Stride 2, 2x2 kernel of ones: each input pixel becomes a 2x2 block.
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor y = Conv.convTranspose2d(x, Tensor.ones(1, 1, 2, 2), Tensor.of(new float[] {1f}, 1), 2, 0, 0);
        assertThat(y.toFloatArray()).containsExactly(2, 2, 3, 3, 2, 2, 3, 3, 4, 4, 5, 5, 4, 4, 5, 5);
        Generator g = new Generator(6);
        GradCheck.check("convTranspose2d", t -> Conv.convTranspose2d(t[0], t[1], t[2], new int[] {2, 1},
                new int[] {1, 0}, new int[] {1, 0}, 2, new int[] {1, 2}), rnd(g, 2, 4, 3, 4), rnd(g, 4, 3, 3, 2),
                rnd(g, 6));
    }

    @Test
    void errorsNameTheOpAndShapes() {
        Tensor x = Tensor.zeros(1, 3, 5, 5);
        assertThatThrownBy(() -> Conv.conv2d(x, Tensor.zeros(4, 2, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d")
                .hasMessageContaining("[4, 2, 3, 3]").hasMessageContaining("[1, 3, 5, 5]");
        assertThatThrownBy(() -> Conv.conv2d(x, Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias [4]");
        assertThatThrownBy(() -> Conv.conv2d(x, Tensor.zeros(4, 3, 7, 7), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smaller than the dilated kernel");
        assertThatThrownBy(() -> Conv.conv2d(x, Tensor.zeros(4, 1, 3, 3), null, new int[] {1}, new int[] {0},
                new int[] {1}, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups=2");
        assertThatThrownBy(() -> Conv.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride must be >= 1");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(3, 5), Tensor.zeros(4, 3, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, Cin, H, W]");
        assertThatThrownBy(() -> Conv.convTranspose2d(x, Tensor.zeros(3, 2, 3, 3), null, 2, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outputPadding");
    }
}
