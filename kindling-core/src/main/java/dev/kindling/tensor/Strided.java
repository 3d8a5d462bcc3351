// Strided: gathers any strided view into a contiguous array. The inner dimension is copied with a
// tight loop (arraycopy when it is unit-stride) so non-contiguous copies stay cheap.
package dev.kindling.tensor;

/** Copies strided views into contiguous arrays, for every dtype. */
public final class Strided {
    private Strided() {}

    /** Copies the float32 view {@code t} into {@code dst[dstOff ..]} in row-major order. */
    public static void copy(Tensor t, float[] dst, int dstOff) {
        t.requireDType("copy", DType.FLOAT32);
        copyAny(t, t.storage().floats(), dst, dstOff);
    }

    /** Copies the int64 view {@code t} into {@code dst[dstOff ..]}. */
    public static void copy(Tensor t, long[] dst, int dstOff) {
        t.requireDType("copy", DType.INT64);
        copyAny(t, t.storage().longs(), dst, dstOff);
    }

    /** Copies the bool view {@code t} into {@code dst[dstOff ..]}. */
    public static void copy(Tensor t, boolean[] dst, int dstOff) {
        t.requireDType("copy", DType.BOOL);
        copyAny(t, t.storage().bools(), dst, dstOff);
    }

    /** One loop for every primitive array type: whole rows by arraycopy, strided rows element by element. */
    private static void copyAny(Tensor t, Object src, Object dst, int dstOff) {
        int n = t.numel();
        if (n == 0) return;
        if (t.isContiguous()) {
            System.arraycopy(src, t.offset(), dst, dstOff, n);
            return;
        }
        int[] shape = t.shape(), st = t.strides();
        int r = shape.length, inner = shape[r - 1], is = st[r - 1];
        int[] idx = new int[r];
        int p = t.offset(), o = dstOff;
        while (true) {
            if (is == 1) System.arraycopy(src, p, dst, o, inner);
            else stridedRow(src, p, is, dst, o, inner);
            o += inner;
            int d = r - 2;
            for (; d >= 0; d--) {
                p += st[d];
                if (++idx[d] < shape[d]) break;
                p -= st[d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }

    private static void stridedRow(Object src, int p, int is, Object dst, int o, int n) {
        switch (src) {
            case float[] s -> {
                float[] d = (float[]) dst;
                for (int i = 0; i < n; i++, p += is) d[o + i] = s[p];
            }
            case long[] s -> {
                long[] d = (long[]) dst;
                for (int i = 0; i < n; i++, p += is) d[o + i] = s[p];
            }
            case boolean[] s -> {
                boolean[] d = (boolean[]) dst;
                for (int i = 0; i < n; i++, p += is) d[o + i] = s[p];
            }
            default -> throw new IllegalStateException("unsupported storage " + src.getClass());
        }
    }

    /** A new contiguous tensor (own storage) with the values of {@code t}. Not recorded by autograd. */
    public static Tensor materialize(Tensor t) {
        Tensor out = Tensor.empty(t.dtype(), t.shape());
        switch (t.dtype()) {
            case FLOAT32 -> copy(t, out.storage().floats(), 0);
            case INT64 -> copy(t, out.storage().longs(), 0);
            case BOOL -> copy(t, out.storage().bools(), 0);
        }
        return out;
    }
}
