package dev.kindling.kernels;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Losses;
import dev.kindling.ops.Reductions;
import dev.kindling.ops.Softmax;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/** Runs a small forward/backward workload N times and prints a hash of the last result's bits. */
public final class DeterminismProbe {
    static int workload() {
        Generator g = new Generator(11);
        Tensor x = Tensor.randn(g, 9, 37), w = Tensor.randn(g, 37, 21).requiresGrad(true);
        Tensor h = x.matmul(w);                                            // [9, 21]
        Tensor a = Activations.tanh(h).add(Activations.gelu(h)).add(Activations.sigmoid(h)).add(h.exp().mul(1e-3f));
        Tensor logits = a.add(Softmax.logSoftmax(h, 1));
        Tensor y = Tensor.randint(g, 0, 21, 9);
        Tensor loss = Losses.crossEntropy(logits, y).add(Reductions.sum(Softmax.softmax(h, 0)).mul(1e-2f));
        loss.backward();
        int hash = Arrays.hashCode(logits.toFloatArray());
        hash = 31 * hash + Float.floatToIntBits(loss.item());
        hash = 31 * hash + Float.floatToIntBits(Elementwise1D.sum(x.toFloatArray(), 0, x.numel()));
        return 31 * hash + Arrays.hashCode(w.grad().toFloatArray());
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int h = 0;
        for (int i = 0; i < n; i++) h = workload();
        System.out.println("hash=" + Integer.toHexString(h) + " fast=" + VectorSupport.enabled());
    }
}
