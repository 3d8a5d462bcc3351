package dev.kindling.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector Adam step must be bit-identical to the scalar spec loop, every option combination, any length. */
class OptimKernelsTest {
    @Test
    void vectorAdamIsBitIdenticalToScalarLoop() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int threads : new int[] {1, 2}) {
            int saved = Parallel.threads();
            Parallel.setThreads(threads);
            try {
                for (int n : new int[] {1, 15, 16, 17, 1000, 70_001}) {
                    for (int opts = 0; opts < 8; opts++) {
                        boolean maximize = (opts & 1) != 0, lerpLow = (opts & 2) != 0, decoupled = (opts & 4) != 0;
                        var s = new OptimKernels.AdamStep(decoupled ? 0.9999f : 1f, decoupled ? 0f : 0.01f, maximize,
                                lerpLow, lerpLow ? 0.1f : 0.6f, lerpLow ? 0.9f : 0.4f, 0.999f, 0.001f, 1e-3f / 0.19f,
                                (float) Math.sqrt(0.002), 1e-8f);
                        float[] p = rand(rnd, n), g = rand(rnd, n), m = rand(rnd, n), v = abs(rand(rnd, n));
                        float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
                        boolean ran = OptimKernels.adam(s, p, 0, g, 0, m, v, null, n);
                        OptimKernels.adamScalar(s, p2, 0, g, 0, m2, v2, null, 0, n);
                        assertThat(ran).isEqualTo(VectorSupport.enabled());
                        if (!ran) return;
                        assertThat(p).as("p, n=%d opts=%d threads=%d", n, opts, threads).isEqualTo(p2);
                        assertThat(m).isEqualTo(m2);
                        assertThat(v).isEqualTo(v2);
                    }
                }
            } finally {
                Parallel.setThreads(saved);
            }
        }
    }

    private static float[] rand(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextGaussian());
        return x;
    }

    private static float[] abs(float[] x) {
        for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]);
        return x;
    }
}
