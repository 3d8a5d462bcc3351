// PoolArgs: argument checking and printing shared by the pooling and upsampling layers ({h, w} pairs
// given as one or two values; printed as an int when square, as PyTorch shows what the user passed).
package dev.kindling.nn;

import dev.kindling.tensor.Shape;

/** Helpers for {@code {h, w}} layer arguments. */
final class PoolArgs {
    private PoolArgs() {}

    /** {@code {h, w}} from one or two values, each >= {@code min}; the error names the layer and argument. */
    static int[] pair(String layer, String name, int[] v, int min) {
        if (v == null || (v.length != 1 && v.length != 2)) throw new IllegalArgumentException(layer + ": " + name
                + " must have 1 or 2 values, got " + (v == null ? "null" : Shape.str(v)));
        int[] p = v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
        if (p[0] < min || p[1] < min) throw new IllegalArgumentException(layer + ": " + name + " must be >= " + min
                + ", got " + Shape.str(v));
        return p;
    }

    /** {@code 2} for a square pair, {@code (2, 3)} otherwise. */
    static String str(int[] p) {
        return p[0] == p[1] ? Integer.toString(p[0]) : Repr.tuple(p);
    }
}
