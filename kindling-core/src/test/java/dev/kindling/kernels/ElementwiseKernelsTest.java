package dev.kindling.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fast (Vector API) 1-D kernels against the scalar reference, on lengths around the vector width. */
class ElementwiseKernelsTest {
    private static final int[] LENGTHS = {0, 1, 3, 7, 15, 16, 17, 31, 33, 64, 100, 257, 1000, 70_001};

    private static float[] random(SplittableRandom r, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    private static void close(float[] fast, float[] ref, double rtol, double atol, String what) {
        for (int i = 0; i < ref.length; i++) {
            double tol = atol + rtol * Math.abs(ref[i]);
            assertThat((double) Math.abs(fast[i] - ref[i])).as("%s at %d: fast %s ref %s", what, i, fast[i], ref[i])
                    .isLessThanOrEqualTo(tol);
        }
    }

    @Test
    void unaryOpsMatchReference() {
        assertThat(VectorSupport.enabled()).as("tests run with " + VectorSupport.FLAG).isTrue();
        SplittableRandom r = new SplittableRandom(1);
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : LENGTHS) {
                boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.POW_SCALAR;
                float[] x = random(r, n + 3, positive ? 0.05 : -6, 6);
                float[] ref = new float[n], fast = new float[n];
                ScalarKernels.unary(op, x, 3, ref, 0, n, 0.7f);
                VectorKernels.unary(op, x, 3, fast, 0, n, 0.7f);
                close(fast, ref, 2e-6, 2e-6, op + " n=" + n);
                float[] g = random(r, n, -1, 1), rb = new float[n], fb = new float[n];
                ScalarKernels.unaryBackward(op, x, 3, ref, 0, g, 0, rb, 0, n, 0.7f);
                VectorKernels.unaryBackward(op, x, 3, ref, 0, g, 0, fb, 0, n, 0.7f);
                close(fb, rb, 2e-6, 2e-6, op + " backward n=" + n);
            }
        }
    }

    @Test
    void binaryOpsMatchReferenceWithBroadcastStrides() {
        SplittableRandom r = new SplittableRandom(2);
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : LENGTHS) {
                float[] a = random(r, n + 1, 0.1, 3), b = random(r, n + 2, 0.1, 3);
                for (int as = 0; as <= 1; as++) {
                    for (int bs = 0; bs <= 1; bs++) {
                        float[] ref = new float[n], fast = new float[n];
                        ScalarKernels.binary(op, a, 1, as, b, 2, bs, ref, 0, n);
                        VectorKernels.binary(op, a, 1, as, b, 2, bs, fast, 0, n);
                        close(fast, ref, 1e-6, 1e-6, op + " n=" + n + " strides " + as + "," + bs);
                    }
                }
            }
        }
    }

    @Test
    void reductionsAndSoftmaxRowsMatchReference() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : LENGTHS) {
            if (n == 0) continue;
            float[] x = random(r, n, -50, 50), y = random(r, n, -1, 1);
            assertThat((double) VectorKernels.sum(x, 0, n)).isCloseTo(ScalarKernels.sum(x, 0, n),
                    org.assertj.core.api.Assertions.within(1e-4 * n));
            assertThat(VectorKernels.max(x, 0, n)).isEqualTo(ScalarKernels.max(x, 0, n));
            assertThat((double) VectorKernels.dot(x, 0, y, 0, n)).isCloseTo(ScalarKernels.dot(x, 0, y, 0, n),
                    org.assertj.core.api.Assertions.within(1e-4 * n));
            for (boolean log : new boolean[] {false, true}) {
                float[] ref = new float[n], fast = new float[n];
                ScalarKernels.softmaxRow(x, 0, ref, 0, n, log);
                VectorKernels.softmaxRow(x, 0, fast, 0, n, log);
                // log-softmax of logits up to |50|: float32 spacing there is ~4e-6, the float log(sum) adds ~1 ulp.
                close(fast, ref, 1e-5, log ? 1e-5 : 1e-6, "softmax log=" + log + " n=" + n);
            }
        }
    }

    @Test
    void parallelSplitGivesSameResultAsOneThread() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 200_003;
        float[] x = random(r, n, -3, 3);
        float[] one = new float[n], two = new float[n];
        int prev = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Elementwise1D.unary(UnaryOp.TANH, x, 0, one, 0, n, 0f);
            Parallel.setThreads(2);
            Elementwise1D.unary(UnaryOp.TANH, x, 0, two, 0, n, 0f);
        } finally {
            Parallel.setThreads(prev);
        }
        assertThat(two).containsExactly(one);
    }
}
