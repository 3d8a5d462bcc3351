// InPlace: in-place writes (fill_, copy_, add_, mul_). They bump the storage version so autograd can
// detect a saved tensor that changed, and they refuse tensors that require grad while grad mode is on.
package dev.kindling.tensor;

/** In-place ops over float32 tensors. Reached through Tensor's {@code *_} methods. */
final class InPlace {
    private InPlace() {}

    static Tensor fill(Tensor t, float v) {
        t.requireDType("fill_", DType.FLOAT32);
        t.checkInPlace("fill_");
        forEach2(t, null, (d, p, s, q) -> d[p] = v);
        t.storage().bumpVersion();
        return t;
    }

    static Tensor copy(Tensor dst, Tensor src) {
        dst.checkInPlace("copy_");
        copyRaw(dst, src);
        return dst;
    }

    /** Copy without the autograd check; used by backward functions writing into fresh buffers. */
    static void copyRaw(Tensor dst, Tensor src) {
        dst.requireDType("copy_", DType.FLOAT32);
        Tensor s = src.dtype() == DType.FLOAT32 ? src : src.toFloat();
        Tensor e = s.detach().expand(dst.shape());
        forEach2(dst, e, (d, p, sd, q) -> d[p] = sd[q]);
        dst.storage().bumpVersion();
    }

    static Tensor addScaled(Tensor t, Tensor other, float alpha) {
        t.requireDType("add_", DType.FLOAT32);
        other.requireDType("add_", DType.FLOAT32);
        t.checkInPlace("add_");
        Tensor e = other.detach().expand(t.shape());
        if (t.isContiguous() && e.isContiguous()) {
            dev.kindling.kernels.Elementwise1D.axpy(alpha, e.storage().floats(), e.offset(), t.storage().floats(),
                    t.offset(), t.numel());
        } else {
            forEach2(t, e, (d, p, sd, q) -> d[p] += alpha * sd[q]);
        }
        t.storage().bumpVersion();
        return t;
    }

    static Tensor scale(Tensor t, float s) {
        t.requireDType("mul_", DType.FLOAT32);
        t.checkInPlace("mul_");
        forEach2(t, null, (d, p, sd, q) -> d[p] *= s);
        t.storage().bumpVersion();
        return t;
    }

    @FunctionalInterface
    interface Body {
        void at(float[] dst, int p, float[] src, int q);
    }

    /** Visits every element of {@code dst} with the matching position in {@code src} (same shape, or null). */
    static void forEach2(Tensor dst, Tensor src, Body body) {
        int n = dst.numel();
        if (n == 0) return;
        int[] shape = dst.shape(), ds = dst.strides(), ss = src == null ? new int[shape.length] : src.strides();
        float[] dd = dst.storage().floats(), sd = src == null ? null : src.storage().floats();
        int r = shape.length;
        int[] idx = new int[r];
        int p = dst.offset(), q = src == null ? 0 : src.offset();
        for (int i = 0; i < n; i++) {
            body.at(dd, p, sd, q);
            for (int d = r - 1; d >= 0; d--) {
                p += ds[d];
                q += ss[d];
                if (++idx[d] < shape[d]) break;
                p -= ds[d] * shape[d];
                q -= ss[d] * shape[d];
                idx[d] = 0;
            }
        }
    }
}
