// Views: reshape, permute, slice, expand, squeeze/unsqueeze and copies, each with its gradient.
// Views share storage with their base; their backward maps the gradient back to the base's shape.
package dev.kindling.tensor;

/** View ops over {@link Tensor}. Reached through Tensor's methods. */
final class Views {
    private Views() {}

    private static Tensor viewOf(Tensor t, int[] shape, int[] strides, int offset) {
        return new Tensor(t.storage(), t.dtype(), shape, strides, offset);
    }

    static Tensor reshape(Tensor t, int[] newShape) {
        int[] s = Shape.infer("reshape", newShape, t.numel());
        Tensor base = t.isContiguous() ? t : copy(t, "reshape");
        return viewContiguous(base, s, "reshape");
    }

    static Tensor view(Tensor t, int[] newShape) {
        int[] s = Shape.infer("view", newShape, t.numel());
        if (!t.isContiguous()) throw new IllegalArgumentException("view: the tensor of shape " + Shape.str(t.shape())
                + " with strides " + Shape.str(t.strides()) + " is not contiguous; use reshape() (which copies) or "
                + "contiguous().view(...)");
        return viewContiguous(t, s, "view");
    }

    private static Tensor viewContiguous(Tensor t, int[] s, String op) {
        int[] in = t.shape();
        Tensor out = viewOf(t, s, Shape.contiguousStrides(s), t.offset());
        return Autograd.record(op, out, new Tensor[] {t}, g -> new Tensor[] {g.reshape(in)});
    }

    static Tensor permute(Tensor t, int[] dims) {
        int r = t.dim();
        if (dims.length != r) throw new IllegalArgumentException("permute: expected " + r + " dims for shape "
                + Shape.str(t.shape()) + ", got " + Shape.str(dims));
        int[] shape = t.shape(), st = t.strides(), ns = new int[r], nst = new int[r], inv = new int[r];
        boolean[] used = new boolean[r];
        for (int i = 0; i < r; i++) {
            int d = Shape.dim("permute", dims[i], r);
            if (used[d]) throw new IllegalArgumentException("permute: dim " + d + " repeated in " + Shape.str(dims));
            used[d] = true;
            ns[i] = shape[d];
            nst[i] = st[d];
            inv[d] = i;
        }
        Tensor out = viewOf(t, ns, nst, t.offset());
        return Autograd.record("permute", out, new Tensor[] {t}, g -> new Tensor[] {g.permute(inv)});
    }

    static Tensor transpose(Tensor t, int d0, int d1) {
        int r = t.dim();
        if (r < 2 && d0 == -2 && d1 == -1) return t;
        int a = Shape.dim("transpose", d0, r), b = Shape.dim("transpose", d1, r);
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        p[a] = b;
        p[b] = a;
        return permute(t, p);
    }

    static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int r = t.dim();
        int d = Shape.dim("slice", dim, r);
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int n = t.shape()[d];
        int s = start < 0 ? Math.max(0, start + n) : Math.min(start, n);
        int e = end < 0 ? Math.max(0, end + n) : Math.min(end, n);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = t.shape(), st = t.strides();
        int off = t.offset() + s * st[d];
        shape[d] = len;
        st[d] = st[d] * step;
        Tensor out = viewOf(t, shape, st, len == 0 ? t.offset() : off);
        int[] inShape = t.shape();
        return Autograd.record("slice", out, new Tensor[] {t}, g -> {
            Tensor z = Tensor.zeros(inShape);
            InPlace.copyRaw(slice(z, d, s, e, step), g);
            return new Tensor[] {z};
        });
    }

    static Tensor select(Tensor t, int dim, int i) {
        int d = Shape.dim("select", dim, t.dim());
        int n = t.shape()[d];
        int k = i < 0 ? i + n : i;
        if (k < 0 || k >= n) throw new IndexOutOfBoundsException("select: index " + i + " is out of bounds for dimension "
                + d + " with size " + n + " (shape " + Shape.str(t.shape()) + ")");
        return squeeze(slice(t, d, k, k + 1, 1), d);
    }

    static Tensor expand(Tensor t, int[] newShape) {
        int r = newShape.length, tr = t.dim();
        if (r < tr) throw new IllegalArgumentException("expand: target shape " + Shape.str(newShape)
                + " has fewer dims than the tensor's shape " + Shape.str(t.shape()));
        int[] shape = t.shape(), st = t.strides(), ns = new int[r], nst = new int[r];
        for (int i = 0; i < r; i++) {
            int j = i - (r - tr);
            int want = newShape[i];
            if (want < -1) throw new IllegalArgumentException("expand: invalid size " + want + " in target shape "
                    + Shape.str(newShape));
            if (j < 0) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 not allowed for new leading dim " + i);
                ns[i] = want;
                nst[i] = 0;
            } else if (want == -1 || want == shape[j]) {
                ns[i] = shape[j];
                nst[i] = st[j];
            } else if (shape[j] == 1) {
                ns[i] = want;
                nst[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: the tensor of shape " + Shape.str(shape)
                        + " cannot be expanded to " + Shape.str(newShape) + " (dim " + i + ": " + shape[j] + " is not 1)");
            }
        }
        Tensor out = viewOf(t, ns, nst, t.offset());
        return Autograd.record("expand", out, new Tensor[] {t}, g -> new Tensor[] {g.sumToShape(shape)});
    }

    static Tensor squeeze(Tensor t, int dim) {
        if (t.dim() == 0) return t;
        int d = Shape.dim("squeeze", dim, t.dim());
        if (t.shape()[d] != 1) return t;
        boolean[] drop = new boolean[t.dim()];
        drop[d] = true;
        return dropDims(t, drop);
    }

    static Tensor squeezeAll(Tensor t) {
        int[] shape = t.shape();
        boolean[] drop = new boolean[shape.length];
        boolean any = false;
        for (int i = 0; i < shape.length; i++) any |= drop[i] = shape[i] == 1;
        return any ? dropDims(t, drop) : t;
    }

    private static Tensor dropDims(Tensor t, boolean[] drop) {
        int[] shape = t.shape(), st = t.strides();
        int k = 0;
        for (boolean b : drop) if (!b) k++;
        int[] ns = new int[k], nst = new int[k];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (drop[i]) continue;
            ns[j] = shape[i];
            nst[j++] = st[i];
        }
        Tensor out = viewOf(t, ns, nst, t.offset());
        return Autograd.record("squeeze", out, new Tensor[] {t}, g -> new Tensor[] {g.reshape(shape)});
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int r = t.dim();
        int d = Shape.dim("unsqueeze", dim, r + 1);
        int[] shape = t.shape(), st = t.strides(), ns = new int[r + 1], nst = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == d) {
                ns[i] = 1;
                nst[i] = d < r ? st[d] * shape[d] : 1;
            } else {
                ns[i] = shape[j];
                nst[i] = st[j++];
            }
        }
        Tensor out = viewOf(t, ns, nst, t.offset());
        return Autograd.record("unsqueeze", out, new Tensor[] {t}, g -> new Tensor[] {g.reshape(shape)});
    }

    static Tensor flatten(Tensor t, int start, int end) {
        int r = t.dim();
        if (r == 0) return t.reshape(1);
        int s = Shape.dim("flatten", start, r), e = Shape.dim("flatten", end, r);
        if (s > e) throw new IllegalArgumentException("flatten: start dim " + start + " is after end dim " + end);
        int[] shape = t.shape();
        int[] ns = new int[r - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) ns[k++] = shape[i];
        int p = 1;
        for (int i = s; i <= e; i++) p *= shape[i];
        ns[k++] = p;
        for (int i = e + 1; i < r; i++) ns[k++] = shape[i];
        return t.reshape(ns);
    }

    static Tensor copy(Tensor t, String op) {
        Tensor out = Strided.materialize(t);
        return Autograd.record(op, out, new Tensor[] {t}, g -> new Tensor[] {g});
    }
}
