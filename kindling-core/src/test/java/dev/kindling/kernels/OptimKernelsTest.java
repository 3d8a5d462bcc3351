package dev.kindling.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector Adam step must be bit-identical to the scalar spec loop, every option combination, any length. */
class OptimKernelsTest {
    private static void scalarAdam(OptimKernels.AdamStep s, float[] p, float[] g, float[] m, float[] v, int n) {
        for (int i = 0; i < n; i++) {
            float pi = p[i];
            if (s.decay() != 1f) pi *= s.decay();
            float d = s.maximize() ? -g[i] : g[i];
            if (s.weightDecay() != 0) d += s.weightDecay() * pi;
            float mi = m[i];
            mi = s.lerpLow() ? mi + s.w1() * (d - mi) : d - (d - mi) * s.w1c();
            m[i] = mi;
            float vi = v[i] * s.beta2();
            vi = vi + s.w2() * d * d;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / s.bc2Sqrt() + s.eps();
            p[i] = pi - s.stepSize() * (mi / denom);
        }
    }

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
                        boolean ran = OptimKernels.adam(s, p, 0, g, 0, m, v, n);
                        scalarAdam(s, p2, g, m2, v2, n);
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
