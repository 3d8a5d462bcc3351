// RecurrentBenchmark: times forward and forward+backward of a 1-layer bidirectional LSTM (batch 64, 100 steps,
// input 128, hidden 128) after JIT warm-up, next to one GEMM of the same flop count as the throughput yardstick.
// A main, not a test (never run by Surefire); prints one RESULT line.
package dev.kindling.ops;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.Parallel;
import dev.kindling.nn.LSTM;
import dev.kindling.nn.RNNBase;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

public final class RecurrentBenchmark {
    private RecurrentBenchmark() {}

    public static void main(String[] args) {
        int B = 64, T = 100, in = 128, H = 128, reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Generator g = new Generator(1);
        var lstm = new LSTM(RNNBase.Config.builder(in, H).batchFirst(true).bidirectional(true).build(), g);
        Tensor x = Tensor.randn(g, B, T, in).requiresGrad(true);
        double[] fwd = new double[reps], both = new double[reps];
        for (int i = 0; i < 3; i++) step(lstm, x);   // warm-up
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            try (var s = Autograd.noGrad()) {
                lstm.forward(x);
            }
            fwd[i] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            step(lstm, x);
            both[i] = (System.nanoTime() - t0) / 1e6;
        }
        // GEMM flops: forward 2 directions x (input projection + recurrent) = 2 x 2 x 2*T*B*4H*(in|H);
        // backward twice that (dW and dx / dh).
        double gflop = 3 * 2 * 2 * 2.0 * T * B * 4 * H * in / 1e9;
        // Yardstick: one [T*B, in] x [in, 4H] GEMM repeated to the same flop count.
        float[] a = new float[T * B * in], w = new float[4 * H * in], c = new float[T * B * 4 * H];
        int gemms = 12;
        double[] gemmMs = new double[reps];
        for (int i = -3; i < reps; i++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < gemms; k++) Gemm.sgemm(false, true, T * B, 4 * H, in, a, 0, in, w, 0, in, c, 0, 4 * H, false);
            if (i >= 0) gemmMs[i] = (System.nanoTime() - t0) / 1e6;
        }
        double f = median(fwd), fb = median(both), gm = median(gemmMs);
        System.out.printf("bilstm B=%d T=%d in=%d H=%d threads=%d: forward (no grad) %.1f ms, forward+backward %.1f ms"
                + " (%.1f GFLOP/s), same-flop GEMM %.1f ms%n", B, T, in, H, Parallel.threads(), f, fb, gflop / fb * 1e3,
                gm);
        System.out.printf("RESULT lstm-bench forward_ms=%.1f fwd_bwd_ms=%.1f gflops=%.1f gemm_ratio=%.2f%n", f, fb,
                gflop / fb * 1e3, fb / gm);
    }

    private static void step(LSTM lstm, Tensor x) {
        lstm.zeroGrad();
        x.setGrad(null);
        lstm.forward(x).sum().backward();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
