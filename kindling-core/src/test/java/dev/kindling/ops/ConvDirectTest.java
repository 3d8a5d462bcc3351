// ConvDirectTest: the direct (flat-row Vector API) convolution kernels against ConvReference on random stride-1
// shapes (odd sizes, padding, dilation, groups, 1x1, kernels wider than the input) and LeNet's two layers, forward
// and both gradients; non-finite values fall back to im2col and still match; the im2col path stays covered.
package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import dev.kindling.ops.ConvKernels.Geometry;
import dev.kindling.tensor.Generator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ConvDirectTest {
    /** What one kernel family computes for a geometry: forward, input gradient, weight gradient. */
    private interface Kernels {
        void forward(Geometry g, float[] x, float[] w, float[] b, float[] out);

        void backwardInput(Geometry g, float[] gOut, float[] w, float[] gx);

        void backwardWeight(Geometry g, float[] x, float[] gOut, float[] gw);
    }

    private static final Kernels DIRECT = new Kernels() {
        public void forward(Geometry g, float[] x, float[] w, float[] b, float[] out) {
            ConvDirect.forward(g, x, w, b, out);
        }

        public void backwardInput(Geometry g, float[] gOut, float[] w, float[] gx) {
            ConvDirect.backwardInput(g, gOut, w, gx);
        }

        public void backwardWeight(Geometry g, float[] x, float[] gOut, float[] gw) {
            ConvDirect.backwardWeight(g, x, gOut, gw);
        }
    };

    private static final Kernels DISPATCH = new Kernels() {
        public void forward(Geometry g, float[] x, float[] w, float[] b, float[] out) {
            ConvKernels.forward(g, x, w, b, out);
        }

        public void backwardInput(Geometry g, float[] gOut, float[] w, float[] gx) {
            ConvKernels.backwardInput(g, gOut, w, gx);
        }

        public void backwardWeight(Geometry g, float[] x, float[] gOut, float[] gw) {
            ConvKernels.backwardWeight(g, x, gOut, gw);
        }
    };

    private static Geometry geometry(int n, int inC, int h, int w, int outC, int kh, int kw, int ph, int pw, int dh,
            int dw, int groups) {
        int oh = h + 2 * ph - dh * (kh - 1), ow = w + 2 * pw - dw * (kw - 1);
        return new Geometry(n, inC, h, w, outC, kh, kw, oh, ow, 1, 1, ph, pw, dh, dw, groups);
    }

    private static float[] randn(Generator g, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) g.nextGaussian();
        return a;
    }

    /** Equal within {@code tol} relative to the largest reference value; NaN only where the reference has NaN. */
    private static void assertClose(String what, float[] got, float[] want, int n, double tol) {
        double scale = 0;
        for (int i = 0; i < n; i++) if (Float.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
        for (int i = 0; i < n; i++) {
            boolean ok = Float.isFinite(want[i]) ? Math.abs(got[i] - want[i]) <= tol * (1 + scale)
                    : Float.compare(got[i], want[i]) == 0 || Float.isNaN(got[i]) && Float.isNaN(want[i]);
            if (!ok) throw new AssertionError(what + " differs at " + i + ": " + got[i] + " vs " + want[i]);
        }
    }

    private static void compare(Kernels k, Geometry g, float[] x, float[] w, float[] b, float[] gOut) {
        int outN = g.batch() * g.outC() * g.outHW(), inN = g.batch() * g.inC() * g.inHW();
        float[] got = new float[outN + 5], want = new float[outN];
        Arrays.fill(got, 3f);                                      // overwritten, and nothing written past the end
        k.forward(g, x, w, b, got);
        ConvReference.forward(g, x, w, b, want);
        assertClose("forward " + g, got, want, outN, 1e-5);
        assertThat(got[outN]).isEqualTo(3f);
        float[] gx = new float[inN + 5], gxRef = new float[inN];
        Arrays.fill(gx, 123f);
        k.backwardInput(g, gOut, w, gx);
        ConvReference.backwardInput(g, gOut, w, gxRef);
        assertClose("input gradient " + g, gx, gxRef, inN, 1e-5);
        assertThat(gx[inN]).isEqualTo(123f);
        float[] gw = new float[g.weightSize()], gwRef = new float[g.weightSize()];
        Arrays.fill(gw, 7f);
        k.backwardWeight(g, x, gOut, gw);
        ConvReference.backwardWeight(g, x, gOut, gwRef);
        assertClose("weight gradient " + g, gw, gwRef, gw.length, 1e-5);
    }

    private static void compareRandom(Kernels k, Geometry g, long seed) {
        Generator gen = new Generator(seed);
        compare(k, g, randn(gen, g.batch() * g.inC() * g.inHW()), randn(gen, g.weightSize()), randn(gen, g.outC()),
                randn(gen, g.batch() * g.outC() * g.outHW()));
    }

    /** Random stride-1 geometries: odd sizes, padding up to the kernel size, dilation, groups, 1x1 kernels. */
    private static Geometry[] randomGeometries(int count, long seed) {
        Generator gen = new Generator(seed);
        Geometry[] out = new Geometry[count];
        for (int t = 0; t < count; t++) {
            int groups = 1 + (int) gen.nextLong(3), kh = 1 + (int) gen.nextLong(5), kw = 1 + (int) gen.nextLong(5);
            int dh = 1 + (int) gen.nextLong(2), dw = 1 + (int) gen.nextLong(2);
            int ph = (int) gen.nextLong(kh + 1), pw = (int) gen.nextLong(kw + 1);
            int h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph) + (int) gen.nextLong(9);
            int w = Math.max(1, dw * (kw - 1) + 1 - 2 * pw) + (int) gen.nextLong(30);
            out[t] = geometry(1 + (int) gen.nextLong(5), groups * (1 + (int) gen.nextLong(4)), h, w,
                    groups * (1 + (int) gen.nextLong(7)), kh, kw, ph, pw, dh, dw, groups);
        }
        return out;
    }

    @Test
    void directKernelsMatchTheReferenceOnRandomShapes() {
        assumeTrue(VectorSupport.enabled(), "direct kernels need the Vector API");
        try {
            for (int layout = 0; layout <= 2; layout++) {                // by waste, flat rows, compact columns
                ConvDirect.layoutForTests = layout;
                long seed = 1;
                for (Geometry g : randomGeometries(30, 11)) {
                    assertThat(ConvDirect.supports(g)).as("%s", g).isTrue();
                    compareRandom(DIRECT, g, seed++);
                }
                compareRandom(DIRECT, geometry(3, 2, 1, 17, 5, 1, 3, 0, 1, 1, 1, 1), seed++);   // conv1d-shaped
                compareRandom(DIRECT, geometry(2, 3, 4, 4, 9, 1, 1, 0, 0, 1, 1, 1), seed++);    // pointwise
                compareRandom(DIRECT, geometry(1, 2, 3, 3, 2, 5, 5, 2, 2, 1, 1, 1), seed++);    // kernel wider than input
                compareRandom(DIRECT, geometry(2, 1, 9, 40, 4, 3, 3, 1, 1, 1, 1, 1), seed);     // rows wider than a vector
            }
        } finally {
            ConvDirect.layoutForTests = 0;
        }
    }

    @Test
    void lenetLayersMatchTheReferenceAtBatch64() {
        assumeTrue(VectorSupport.enabled(), "direct kernels need the Vector API");
        Geometry conv1 = geometry(64, 1, 28, 28, 6, 5, 5, 0, 0, 1, 1, 1);
        Geometry conv2 = geometry(64, 6, 12, 12, 16, 5, 5, 0, 0, 1, 1, 1);
        assertThat(ConvDirect.supports(conv1) && ConvDirect.supports(conv2)).isTrue();
        compareRandom(DIRECT, conv1, 21);
        compareRandom(DIRECT, conv2, 22);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            compareRandom(DIRECT, conv2, 23);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void nonFiniteValuesGiveTheReferenceResult() {
        // The flat rows wrap: a non-finite x would meet the zeros of gOut's wrapped positions (0 * Inf = NaN) in
        // taps the reference never pairs it with; the dispatcher must then take the im2col path.
        Generator gen = new Generator(31);
        Geometry padded = geometry(2, 2, 6, 7, 3, 3, 3, 1, 1, 1, 1, 1);
        float[] x = randn(gen, 2 * 2 * 42), w = randn(gen, padded.weightSize()), b = randn(gen, 3);
        x[6] = Float.POSITIVE_INFINITY;                  // last column of row 0: only the right-hand taps see it
        x[50] = Float.NaN;
        compare(DISPATCH, padded, x, w, b, randn(gen, 2 * 3 * padded.outHW()));
        // Finite x and w, Inf in an unpadded gOut: the direct path itself gives the reference's Inf / NaN pattern.
        assumeTrue(VectorSupport.enabled(), "direct kernels need the Vector API");
        Geometry unpadded = geometry(2, 2, 6, 7, 3, 3, 3, 0, 0, 1, 1, 1);
        float[] gOut = randn(gen, 2 * 3 * unpadded.outHW());
        gOut[0] = Float.POSITIVE_INFINITY;
        gOut[7] = Float.NaN;
        compare(DIRECT, unpadded, randn(gen, x.length), w, b, gOut);
    }

    @Test
    void im2colPathStillMatchesForStrideOne() {
        boolean saved = VectorSupport.enabled();
        try {
            VectorSupport.setEnabled(false);
            long seed = 100;
            for (Geometry g : randomGeometries(8, 12)) compareRandom(DISPATCH, g, seed++);
        } finally {
            VectorSupport.setEnabled(saved);
        }
    }
}
