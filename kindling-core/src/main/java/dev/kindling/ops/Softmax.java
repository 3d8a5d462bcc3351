// Softmax: softmax and log-softmax over any dim, numerically stable (the row max is subtracted first),
// with fused backward passes. The last dim runs the vector row kernel; other dims run a strided kernel
// over the [outer, n, inner] layout, so no transpose is ever materialized.
package dev.kindling.ops;

import dev.kindling.kernels.RowKernels;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Softmax family (functional API).
 *
 * <p>Example: {@code Tensor p = Softmax.softmax(logits, -1); // [B, V], rows sum to 1}
 */
public final class Softmax {
    private Softmax() {}

    /**
     * {@code exp(x) / sum(exp(x))} along {@code dim}.
     *
     * <p>Args: {@code dim} may be negative. Shape: output has the shape of {@code x}.
     * Backward: {@code y * (g - sum(g * y))}.
     */
    public static Tensor softmax(Tensor x, int dim) {
        return run("softmax", x, dim, false);
    }

    /**
     * {@code x - logsumexp(x)} along {@code dim}; more accurate than {@code log(softmax(x))}.
     *
     * <p>Shape: output has the shape of {@code x}. Backward: {@code g - exp(y) * sum(g)}.
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return run("log_softmax", x, dim, true);
    }

    private static Tensor run(String op, Tensor x, int dim, boolean log) {
        Elementwise.requireFloat(op, x);
        int[] s = x.shape();
        int r = s.length, d = Shape.dim(op, dim, r);
        int outer = 1, n = r == 0 ? 1 : s[d], inner = 1;
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < r; i++) inner *= s[i];
        Tensor c = x.detach().contiguous();
        Tensor y = Tensor.zeros(s);                                     // same shape as x
        RowKernels.softmax(c.storage().floats(), c.offset(), y.storage().floats(), 0, outer, n, inner, log);
        int o = outer, len = n, in = inner;
        return Autograd.record(op, y, new Tensor[] {x}, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.zeros(s);
            RowKernels.softmaxBackward(y.storage().floats(), y.offset(), gc.storage().floats(), gc.offset(),
                    gx.storage().floats(), 0, o, len, in, log);
            return new Tensor[] {gx};
        }, y);
    }
}
