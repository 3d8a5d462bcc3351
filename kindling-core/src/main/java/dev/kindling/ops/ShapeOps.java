// ShapeOps: ops that rearrange or copy values without arithmetic: cat, stack, chunk, split, repeat,
// pad, flip, tril/triu, each with its gradient. All copies go through one strided-copy routine that
// coalesces dims and moves contiguous runs with System.arraycopy, for float32, int64 and bool alike.
package dev.kindling.ops;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.List;

/**
 * Shape ops (functional API), PyTorch semantics. Ops that only copy values (cat, stack, repeat, pad, flip,
 * tril, triu) work for every dtype; gradients flow for float32.
 *
 * <p>Example: {@code Tensor qkv = ShapeOps.cat(new Tensor[] {q, k, v}, -1); // 3 x [B, T, C] -> [B, T, 3C]}
 */
public final class ShapeOps {
    private ShapeOps() {}

    // ---------------------------------------------------------------- cat / stack

    /** {@link #cat(Tensor[], int)} for a list. */
    public static Tensor cat(List<Tensor> ts, int dim) {
        return cat(ts.toArray(new Tensor[0]), dim);
    }

    /**
     * Concatenates tensors along {@code dim}.
     *
     * <p>Args: all tensors share dtype, rank and every size except {@code dim}. As in PyTorch, 1-D empty
     * tensors (shape {@code [0]}) are skipped. Shape: {@code [2, 3, 4]} and {@code [2, 2, 4]} along dim 1 give
     * {@code [2, 5, 4]}.
     */
    public static Tensor cat(Tensor[] ts, int dim) {
        if (ts == null || ts.length == 0) throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        int ref = -1;
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] == null) throw new IllegalArgumentException("cat: tensor " + i + " is null");
            if (ref < 0 && !isLegacyEmpty(ts[i])) ref = i;
        }
        if (ref < 0) ref = 0;
        int[] rs = ts[ref].shape();
        int d = Shape.dim("cat", dim, rs.length);
        if (rs.length == 0) throw new IllegalArgumentException("cat: zero-dimensional tensor (index " + ref
                + ") cannot be concatenated; unsqueeze it or use stack");
        DType dtype = ts[ref].dtype();
        int total = 0;
        for (int i = 0; i < ts.length; i++) {
            Tensor t = ts[i];
            if (t.dtype() != dtype) throw new IllegalArgumentException("cat: tensor " + i + " has dtype " + t.dtype()
                    + " but tensor " + ref + " has dtype " + dtype + "; convert them to one dtype first");
            if (i != ref && isLegacyEmpty(t)) continue;
            int[] s = t.shape();
            if (s.length != rs.length) throw new IllegalArgumentException("cat: tensor " + i + " has shape "
                    + Shape.str(s) + " with " + s.length + " dims but tensor " + ref + " has shape " + Shape.str(rs)
                    + " with " + rs.length + " dims; all tensors must have the same number of dims");
            for (int k = 0; k < s.length; k++) {
                if (k != d && s[k] != rs[k]) throw new IllegalArgumentException("cat: tensor " + i + " has shape "
                        + Shape.str(s) + " but tensor " + ref + " has shape " + Shape.str(rs)
                        + "; sizes must match except in dim " + d + " (mismatch in dim " + k + ")");
            }
            total += s[d];
        }
        int[] os = rs.clone();
        os[d] = total;
        Tensor out = Tensor.empty(dtype, os);
        int[] ost = out.strides();
        int[] starts = new int[ts.length];
        int pos = 0;
        for (int i = 0; i < ts.length; i++) {
            Tensor t = ts[i];
            starts[i] = pos;
            if (i != ref && isLegacyEmpty(t)) continue;
            copyStrided(t, data(out), pos * ost[d], ost);
            pos += t.shape()[d];
        }
        Tensor[] inputs = ts.clone();
        int refIdx = ref;
        return Autograd.record("cat", out, inputs, g -> {
            Tensor[] gs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                if (!t.requiresGrad()) continue;
                if (i != refIdx && isLegacyEmpty(t)) gs[i] = Tensor.zeros(0);
                else gs[i] = g.narrow(d, starts[i], t.shape()[d]).contiguous();
            }
            return gs;
        });
    }

    private static boolean isLegacyEmpty(Tensor t) {
        return t.dim() == 1 && t.shape()[0] == 0;
    }

    /** {@link #stack(Tensor[], int)} for a list. */
    public static Tensor stack(List<Tensor> ts, int dim) {
        return stack(ts.toArray(new Tensor[0]), dim);
    }

    /**
     * Stacks equally shaped tensors along a new dimension {@code dim} (in {@code [-(rank+1), rank]}).
     *
     * <p>Shape: two {@code [3, 4]} tensors with dim 0 give {@code [2, 3, 4]}; with dim -1, {@code [3, 4, 2]}.
     */
    public static Tensor stack(Tensor[] ts, int dim) {
        if (ts == null || ts.length == 0) throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        for (int i = 0; i < ts.length; i++) if (ts[i] == null) throw new IllegalArgumentException("stack: tensor " + i + " is null");
        int[] s0 = ts[0].shape();
        for (int i = 1; i < ts.length; i++) {
            if (!Shape.same(ts[i].shape(), s0)) throw new IllegalArgumentException("stack: tensor " + i + " has shape "
                    + Shape.str(ts[i].shape()) + " but tensor 0 has shape " + Shape.str(s0)
                    + "; stack expects every tensor to be equal size");
        }
        int d = Shape.dim("stack", dim, s0.length + 1);
        Tensor[] us = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) us[i] = ts[i].unsqueeze(d);
        return cat(us, d);
    }

    // ---------------------------------------------------------------- chunk / split

    /**
     * Splits {@code x} into at most {@code chunks} views along {@code dim}, each of size
     * {@code ceil(n / chunks)} except possibly the last (so fewer chunks may come back, as in PyTorch).
     *
     * <p>Example: a {@code [2, 9]} tensor in 3 chunks along dim 1 gives three {@code [2, 3]} views.
     */
    public static Tensor[] chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk: expected chunks > 0, got " + chunks);
        int d = Shape.dim("chunk", dim, x.dim());
        requireRank("chunk", x);
        int n = x.shape()[d];
        int size = (n + chunks - 1) / chunks;
        if (size == 0) return new Tensor[] {x.narrow(d, 0, 0)};
        return split(x, size, d);
    }

    /**
     * Splits {@code x} along {@code dim} into views of {@code size} elements (the last may be smaller).
     *
     * <p>Example: a {@code [7, 3]} tensor with size 3 along dim 0 gives {@code [3, 3]}, {@code [3, 3]}, {@code [1, 3]}.
     */
    public static Tensor[] split(Tensor x, int size, int dim) {
        int d = Shape.dim("split", dim, x.dim());
        requireRank("split", x);
        int n = x.shape()[d];
        if (size < 0 || (size == 0 && n != 0)) throw new IllegalArgumentException("split: split size must be positive"
                + " for a dim of size " + n + ", got " + size + " (shape " + Shape.str(x.shape()) + ")");
        if (n == 0) return new Tensor[] {x.narrow(d, 0, 0)};
        int count = (n + size - 1) / size;
        Tensor[] out = new Tensor[count];
        for (int i = 0; i < count; i++) out[i] = x.narrow(d, i * size, Math.min(size, n - i * size));
        return out;
    }

    private static void requireRank(String op, Tensor x) {
        if (x.dim() == 0) throw new IllegalArgumentException(op + ": expected a tensor with at least one dim, got a scalar");
    }

    // ---------------------------------------------------------------- repeat

    /**
     * Tiles {@code x}: dim {@code i} is repeated {@code repeats[i]} times (torch.Tensor.repeat). With more repeats
     * than dims, {@code x} is first viewed with leading size-1 dims.
     *
     * <p>Shape: {@code [2, 3]} with repeats (2, 3) gives {@code [4, 9]}; {@code [3]} with (2, 1, 2) gives {@code [2, 1, 6]}.
     */
    public static Tensor repeat(Tensor x, int... repeats) {
        int[] xs = x.shape();
        int r = repeats.length;
        if (r < xs.length) throw new IllegalArgumentException("repeat: number of repeats " + Shape.str(repeats)
                + " can not be smaller than the number of dims of the tensor (shape " + Shape.str(xs) + ")");
        int lead = r - xs.length;
        int[] ps = new int[r], pst = new int[r], os = new int[r];
        int[] xst = x.strides();
        for (int i = 0; i < r; i++) {
            if (repeats[i] < 0) throw new IllegalArgumentException("repeat: repeats must be non-negative, got "
                    + Shape.str(repeats));
            ps[i] = i < lead ? 1 : xs[i - lead];
            pst[i] = i < lead ? 0 : xst[i - lead];
            os[i] = ps[i] * repeats[i];
        }
        Tensor out = Tensor.empty(x.dtype(), os);
        // The output viewed as [r0, s0, r1, s1, ...]; the source is x with stride 0 on every repeat dim.
        int[] shape2 = new int[2 * r], src2 = new int[2 * r], dst2 = new int[2 * r];
        int[] ost = out.strides();
        for (int i = 0; i < r; i++) {
            shape2[2 * i] = repeats[i];
            shape2[2 * i + 1] = ps[i];
            src2[2 * i + 1] = pst[i];
            dst2[2 * i] = ost[i] * ps[i];
            dst2[2 * i + 1] = ost[i];
        }
        copyStrided(data(x), x.offset(), src2, data(out), 0, dst2, shape2);
        int[] sumDims = new int[r];
        for (int i = 0; i < r; i++) sumDims[i] = 2 * i;
        return Autograd.record("repeat", out, new Tensor[] {x},
                g -> new Tensor[] {Reductions.sum(g.reshape(shape2), sumDims, false).reshape(xs)});
    }

    // ---------------------------------------------------------------- pad

    /**
     * Constant padding (torch.nn.functional.pad, mode "constant"). {@code pad} holds (left, right) pairs starting
     * from the LAST dim and moving backwards; negative amounts crop.
     *
     * <p>Shape: {@code [2, 3, 4]} with pad (1, 2, 0, 1) gives {@code [2, 4, 7]}.
     */
    public static Tensor pad(Tensor x, int[] pad, float value) {
        int[] xs = x.shape();
        int r = xs.length;
        if (pad.length % 2 != 0) throw new IllegalArgumentException("pad: padding length must be even (pairs of "
                + "left, right), got " + pad.length + ": " + Shape.str(pad));
        if (pad.length / 2 > r) throw new IllegalArgumentException("pad: padding " + Shape.str(pad) + " pads "
                + pad.length / 2 + " dims but the input of shape " + Shape.str(xs) + " has only " + r);
        int[] lo = new int[r], hi = new int[r], os = xs.clone();
        for (int k = 0; k < pad.length / 2; k++) {
            int d = r - 1 - k;
            lo[d] = pad[2 * k];
            hi[d] = pad[2 * k + 1];
            os[d] = xs[d] + lo[d] + hi[d];
            if (os[d] < 0) throw new IllegalArgumentException("pad: the input size " + xs[d] + " of dim " + d
                    + " plus padding " + lo[d] + " and " + hi[d] + " gives a negative size " + os[d]
                    + " (input shape " + Shape.str(xs) + ", pad " + Shape.str(pad) + ")");
        }
        Tensor out = Tensor.empty(x.dtype(), os);
        fill(out, value);
        // Copy the part of x that survives cropping into its place in the output.
        int[] xst = x.strides(), ost = out.strides(), box = new int[r];
        int src = x.offset(), dst = 0;
        boolean empty = false;
        for (int d = 0; d < r; d++) {
            int cropLo = Math.max(0, -lo[d]), cropHi = Math.max(0, -hi[d]);
            box[d] = xs[d] - cropLo - cropHi;
            if (box[d] <= 0) empty = true;
            src += cropLo * xst[d];
            dst += Math.max(0, lo[d]) * ost[d];
        }
        if (!empty) copyStrided(data(x), src, xst, data(out), dst, ost, box);
        int[] inverse = new int[pad.length];
        for (int i = 0; i < pad.length; i++) inverse[i] = -pad[i];
        // The adjoint of padding is cropping back (and zeros where the forward cropped).
        return Autograd.record("pad", out, new Tensor[] {x}, g -> new Tensor[] {pad(g, inverse, 0f)});
    }

    // ---------------------------------------------------------------- flip

    /**
     * Reverses the order of elements along each of {@code dims}.
     *
     * <p>Example: {@code flip([[1, 2], [3, 4]], 1)} is {@code [[2, 1], [4, 3]]}.
     */
    public static Tensor flip(Tensor x, int... dims) {
        int r = x.dim();
        int[] xs = x.shape(), st = x.strides();
        int src = x.offset();
        boolean[] seen = new boolean[Math.max(r, 1)];
        for (int dim : dims) {
            int d = Shape.dim("flip", dim, r);
            if (seen[d]) throw new IllegalArgumentException("flip: dim " + d + " appears multiple times in the list of "
                    + "dims " + Shape.str(dims));
            seen[d] = true;
            if (r == 0) continue;
            // Start at the last element of the dim and walk it backwards.
            if (xs[d] > 0) src += (xs[d] - 1) * st[d];
            st[d] = -st[d];
        }
        Tensor out = Tensor.empty(x.dtype(), xs);
        if (out.numel() > 0) copyStrided(data(x), src, st, data(out), 0, out.strides(), xs);
        int[] ds = dims.clone();
        return Autograd.record("flip", out, new Tensor[] {x}, g -> new Tensor[] {flip(g, ds)});
    }

    // ---------------------------------------------------------------- tril / triu

    /**
     * Lower triangle of the last two dims (batched): keeps elements with {@code col - row <= diagonal}, zeroes the
     * rest. Works for bool, so {@code tril(ones-bool [T, T], 0)} is a causal mask.
     */
    public static Tensor tril(Tensor x, int diagonal) {
        return triangle(x, diagonal, true);
    }

    /** Upper triangle of the last two dims (batched): keeps elements with {@code col - row >= diagonal}. */
    public static Tensor triu(Tensor x, int diagonal) {
        return triangle(x, diagonal, false);
    }

    private static Tensor triangle(Tensor x, int diagonal, boolean lower) {
        String op = lower ? "tril" : "triu";
        int[] xs = x.shape();
        int r = xs.length;
        if (r < 2) throw new IllegalArgumentException(op + ": expected a tensor with at least 2 dims, got shape "
                + Shape.str(xs));
        Tensor c = x.detach().contiguous();
        Tensor out = Tensor.empty(x.dtype(), xs);
        int rows = xs[r - 2], cols = xs[r - 1];
        int batch = rows * cols == 0 ? 0 : out.numel() / (rows * cols);
        Object src = data(c), dst = data(out);
        int base = c.offset();
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < rows; i++) {
                // Keep columns [from, to) of row i; the fresh output is already zero elsewhere.
                long edge = (long) i + diagonal;
                int from = lower ? 0 : (int) Math.min(Math.max(edge, 0), cols);
                int to = lower ? (int) Math.min(Math.max(edge + 1, 0), cols) : cols;
                int row = (b * rows + i) * cols;
                if (to > from) System.arraycopy(src, base + row + from, dst, row + from, to - from);
            }
        }
        return Autograd.record(op, out, new Tensor[] {x}, g -> new Tensor[] {triangle(g, diagonal, lower)});
    }

    // ---------------------------------------------------------------- copy helpers (shared with Indexing)

    /** The backing array of {@code t} (float[], long[] or boolean[]). */
    static Object data(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.storage().floats();
            case INT64 -> t.storage().longs();
            case BOOL -> t.storage().bools();
        };
    }

    /** Fills a fresh contiguous tensor with {@code value} (converted to its dtype; bool: value != 0). */
    static void fill(Tensor t, float value) {
        if (value == 0f) return; // fresh tensors are zero already
        Object a = data(t);
        int n = t.numel(), off = t.offset();
        if (a instanceof float[] f) java.util.Arrays.fill(f, off, off + n, value);
        else if (a instanceof long[] l) java.util.Arrays.fill(l, off, off + n, (long) value);
        else java.util.Arrays.fill((boolean[]) a, off, off + n, true);
    }

    /** Copies the whole view {@code src} into {@code dst} at {@code dstOff} with strides {@code dstStrides}. */
    static void copyStrided(Tensor src, Object dst, int dstOff, int[] dstStrides) {
        copyStrided(data(src), src.offset(), src.strides(), dst, dstOff, dstStrides, src.shape());
    }

    /**
     * Strided copy of a box of {@code shape} between two arrays of the same element type. Strides may be zero
     * (broadcast) or negative (flip). Dims are coalesced first, so contiguous runs move with one arraycopy.
     */
    static void copyStrided(Object src, int srcOff, int[] srcStrides, Object dst, int dstOff, int[] dstStrides,
                            int[] shape) {
        int n = Shape.numel(shape);
        if (n == 0) return;
        int r0 = shape.length;
        int[] sh = new int[r0], ss = new int[r0], ds = new int[r0];
        int k = 0;
        for (int d = 0; d < r0; d++) {
            if (shape[d] == 1) continue;
            if (k > 0 && ss[k - 1] == srcStrides[d] * shape[d] && ds[k - 1] == dstStrides[d] * shape[d]) {
                sh[k - 1] *= shape[d];
                ss[k - 1] = srcStrides[d];
                ds[k - 1] = dstStrides[d];
            } else {
                sh[k] = shape[d];
                ss[k] = srcStrides[d];
                ds[k] = dstStrides[d];
                k++;
            }
        }
        if (k == 0) {
            System.arraycopy(src, srcOff, dst, dstOff, 1);
            return;
        }
        int inner = sh[k - 1], si = ss[k - 1], di = ds[k - 1];
        int outer = n / inner;
        int[] idx = new int[k];
        int p = srcOff, q = dstOff;
        for (int o = 0; o < outer; o++) {
            copyRun(src, p, si, dst, q, di, inner);
            for (int d = k - 2; d >= 0; d--) {
                p += ss[d];
                q += ds[d];
                if (++idx[d] < sh[d]) break;
                p -= ss[d] * sh[d];
                q -= ds[d] * sh[d];
                idx[d] = 0;
            }
        }
    }

    private static void copyRun(Object src, int p, int si, Object dst, int q, int di, int n) {
        if (si == 1 && di == 1) {
            System.arraycopy(src, p, dst, q, n);
        } else if (src instanceof float[] s) {
            float[] t = (float[]) dst;
            for (int i = 0; i < n; i++, p += si, q += di) t[q] = s[p];
        } else if (src instanceof long[] s) {
            long[] t = (long[]) dst;
            for (int i = 0; i < n; i++, p += si, q += di) t[q] = s[p];
        } else {
            boolean[] s = (boolean[]) src, t = (boolean[]) dst;
            for (int i = 0; i < n; i++, p += si, q += di) t[q] = s[p];
        }
    }
}
