// Shape: static helpers for shapes, strides, dims and broadcasting, with error messages that name the op.
package dev.kindling.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by all ops. */
public final class Shape {
    private Shape() {}

    /** Number of elements of a shape (1 for a scalar shape {@code []}). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= s;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has " + n
                + " elements; Kindling tensors hold at most " + Integer.MAX_VALUE);
        return (int) n;
    }

    /** Row-major (C order) strides for a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return st;
    }

    /** Normalizes a possibly negative dim against {@code rank}; {@code op} names the caller in errors. */
    public static int dim(String op, int d, int rank) {
        int r = Math.max(rank, 1);
        if (d < -r || d >= r) throw new IllegalArgumentException(op + ": dimension " + d
                + " out of range for a tensor of rank " + rank + " (expected in [" + (-r) + ", " + (r - 1) + "])");
        return d < 0 ? d + r : d;
    }

    /** Broadcasts two shapes (NumPy rules) or throws naming the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1) throw new IllegalArgumentException(op + ": shapes " + str(a) + " and "
                    + str(b) + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Formats a shape as {@code [2, 3]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Shape with -1 resolved, checking the element count. */
    public static int[] infer(String op, int[] shape, int numel) {
        int[] out = shape.clone();
        int neg = -1;
        long prod = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (neg >= 0) throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + str(shape));
                neg = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + out[i] + " in " + str(shape));
            } else prod *= out[i];
        }
        if (neg >= 0) {
            if (prod == 0 || numel % prod != 0) throw new IllegalArgumentException(op + ": shape " + str(shape)
                    + " is invalid for input of size " + numel);
            out[neg] = (int) (numel / prod);
        } else if (prod != numel) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " is invalid for input of size " + numel);
        }
        return out;
    }

    /** True when the two shapes are equal. */
    public static boolean same(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }
}
