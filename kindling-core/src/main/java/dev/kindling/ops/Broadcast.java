// Broadcast: iteration over the broadcast shape of several operands, with each operand's storage
// position at every output element. Used by the general (non-kernel) paths of elementwise ops.
package dev.kindling.ops;

import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Multi-operand broadcasting iteration. */
public final class Broadcast {
    private Broadcast() {}

    /** Visitor receiving the flat output index and the storage position in each operand. */
    @FunctionalInterface
    public interface Visitor {
        void visit(int outIndex, int[] pos);
    }

    /** Broadcast shape of all operands; {@code op} names the caller in errors. */
    public static int[] shape(String op, Tensor... ts) {
        int[] s = ts[0].shape();
        for (int i = 1; i < ts.length; i++) s = Shape.broadcast(op, s, ts[i].shape());
        return s;
    }

    /** Calls {@code v} for every element of {@code outShape} in row-major order. */
    public static void forEach(int[] outShape, Tensor[] ts, Visitor v) {
        int n = Shape.numel(outShape);
        if (n == 0) return;
        int r = outShape.length, k = ts.length;
        int[][] st = new int[k][];
        int[] pos = new int[k];
        for (int j = 0; j < k; j++) {
            st[j] = ts[j].detach().expand(outShape).strides();
            pos[j] = ts[j].offset();
        }
        int[] idx = new int[r];
        for (int i = 0; i < n; i++) {
            v.visit(i, pos);
            for (int d = r - 1; d >= 0; d--) {
                for (int j = 0; j < k; j++) pos[j] += st[j][d];
                if (++idx[d] < outShape[d]) break;
                for (int j = 0; j < k; j++) pos[j] -= st[j][d] * outShape[d];
                idx[d] = 0;
            }
        }
    }
}
