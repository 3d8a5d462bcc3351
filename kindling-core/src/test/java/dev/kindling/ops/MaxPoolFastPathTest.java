// MaxPoolFastPathTest: the 2x2 stride-2 max pool fast paths (vector and scalar) against a naive loop with PyTorch's
// rules: NaN propagates (gradient to the last NaN), ties and +0/-0 send the gradient to the first maximum, odd sizes
// drop the last row/column.
package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.kernels.VectorSupport;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MaxPoolFastPathTest {
    private static final float[] SPECIALS = {0f, -0f, Float.NaN, 1f, 1f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 1f};
    private static final float[] NO_NAN = {0f, -0f, 1f, 1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f};

    @Test
    void scalarPathMatchesNaiveLoopToo() {
        boolean saved = VectorSupport.enabled();
        try {
            VectorSupport.setEnabled(false);
            matchesNaiveLoopWithTiesSignedZerosAndNaN();
        } finally {
            VectorSupport.setEnabled(saved);
        }
    }

    @Test
    void matchesNaiveLoopWithTiesSignedZerosAndNaN() {
        check(7, 9, 3, SPECIALS, 7);
        // Vector path shapes (LeNet's 24x24 and 8x8, odd sizes, wide rows), specials dense and sparse.
        for (int[] hw : new int[][] {{24, 24}, {8, 8}, {13, 35}, {6, 66}}) {
            check(hw[0], hw[1], 3, SPECIALS, 8);
            check(hw[0], hw[1], 41, SPECIALS, 9);
            check(hw[0], hw[1], 2, NO_NAN, 10);
        }
    }

    /** Max pool 2x2 of random planes with every {@code every}-th value replaced by one of {@code specials}. */
    private static void check(int h, int w, int every, float[] specials, long seed) {
        Generator g = new Generator(seed);
        int n = 2, c = 3, oh = h / 2, ow = w / 2;
        float[] x = Tensor.randn(g, n * c * h * w).toFloatArray();
        for (int i = 0; i < x.length; i++) if (i % every == 0) x[i] = specials[(i / every) % specials.length];
        Tensor xt = Tensor.of(x, n, c, h, w).requiresGrad(true);
        Tensor up = Tensor.randn(g, n, c, oh, ow);
        Tensor y = Pooling.maxPool2d(xt, 2, 2, 0);
        y.backward(up);
        float[] yd = y.toFloatArray(), ud = up.toFloatArray(), gx = xt.grad().toFloatArray();
        float[] expectGx = new float[x.length];
        for (int p = 0; p < n * c; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int r = 2 * i; r < 2 * i + 2; r++)
                        for (int q = 2 * j; q < 2 * j + 2; q++) {
                            float v = x[p * h * w + r * w + q];
                            if (Float.isNaN(v)) { best = v; at = r * w + q; }             // last NaN wins
                            else if (!Float.isNaN(best) && (at < 0 || v > best)) { best = v; at = r * w + q; }
                        }
                    int o = p * oh * ow + i * ow + j;
                    assertThat(Float.floatToIntBits(yd[o])).as("out %d", o).isEqualTo(Float.floatToIntBits(
                            Float.isNaN(best) ? best : maxOfWindow(x, p * h * w, w, i, j)));
                    expectGx[p * h * w + at] += ud[o];
                }
        assertThat(gx).containsExactly(expectGx);
    }

    /** Math.max over the window: +0 beats -0 (a tie in value, so the gradient still goes to the first). */
    private static float maxOfWindow(float[] x, int base, int w, int i, int j) {
        int a = base + 2 * i * w + 2 * j;
        return Math.max(Math.max(x[a], x[a + 1]), Math.max(x[a + w], x[a + w + 1]));
    }
}
