// Strided: gathers any strided view into a contiguous array. The inner dimension is copied with a
// tight loop (arraycopy when it is unit-stride) so non-contiguous copies stay cheap.
package dev.kindling.tensor;

/** Copies strided views into contiguous arrays, for every dtype. */
public final class Strided {
    private Strided() {}

    /** Copies the float32 view {@code t} into {@code dst[dstOff ..]} in row-major order. */
    public static void copy(Tensor t, float[] dst, int dstOff) {
        float[] src = t.storage().floats();
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
            else for (int i = 0, q = p; i < inner; i++, q += is) dst[o + i] = src[q];
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

    /** Copies the int64 view {@code t} into {@code dst[dstOff ..]}. */
    public static void copy(Tensor t, long[] dst, int dstOff) {
        long[] src = t.storage().longs();
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
            for (int i = 0, q = p; i < inner; i++, q += is) dst[o + i] = src[q];
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

    /** Copies the bool view {@code t} into {@code dst[dstOff ..]}. */
    public static void copy(Tensor t, boolean[] dst, int dstOff) {
        boolean[] src = t.storage().bools();
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
            for (int i = 0, q = p; i < inner; i++, q += is) dst[o + i] = src[q];
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
