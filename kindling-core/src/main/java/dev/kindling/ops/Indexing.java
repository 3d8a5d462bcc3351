// Indexing: ops that pick or place values by integer index or bool mask: gather, scatterAdd, indexSelect,
// maskedFill, embedding and oneHot, each with its gradient. Indices are int64 and bounds-checked up front,
// so an out-of-range index fails with the op, the index and the size instead of a raw array exception.
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Strided;
import dev.kindling.tensor.Tensor;

/**
 * Indexing ops (functional API), PyTorch semantics. Index tensors are int64; negative indices are rejected
 * (as PyTorch's gather/index_select/embedding do).
 *
 * <p>Example: {@code Tensor tok = Indexing.embedding(wte, ids); // [V, C] and [B, T] -> [B, T, C]}
 */
public final class Indexing {
    private Indexing() {}

    /** Marker for "no padding index" in {@link #embeddingImpl}. */
    private static final int NO_PADDING = Integer.MIN_VALUE;

    // ---------------------------------------------------------------- gather / scatterAdd

    /**
     * Picks values along {@code dim}: {@code out[i][j][k] = x[i][index[i][j][k]][k]} for dim 1.
     *
     * <p>Args: {@code index} int64 with the rank of {@code x}, {@code index.size(d) <= x.size(d)} for every other dim.
     * Shape: the output has {@code index}'s shape. Gradient: scatter-add of the output gradient into zeros.
     */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        int[] xs = x.shape();
        int d = Shape.dim("gather", dim, xs.length);
        requireIndex("gather", index);
        checkIndexShape("gather", "input", xs, index.shape(), d);
        Tensor xc = x.detach().contiguous();
        int[] pos = targetPositions("gather", xs, d, index);
        Tensor out = Tensor.empty(x.dtype(), index.shape());
        int n = pos.length, base = xc.offset();
        Object src = ShapeOps.data(xc), dst = ShapeOps.data(out);
        if (src instanceof float[] s) {
            float[] o = (float[]) dst;
            for (int i = 0; i < n; i++) o[i] = s[base + pos[i]];
        } else if (src instanceof long[] s) {
            long[] o = (long[]) dst;
            for (int i = 0; i < n; i++) o[i] = s[base + pos[i]];
        } else {
            boolean[] s = (boolean[]) src, o = (boolean[]) dst;
            for (int i = 0; i < n; i++) o[i] = s[base + pos[i]];
        }
        return Autograd.record("gather", out, new Tensor[] {x}, g -> {
            Tensor gx = Tensor.zeros(xs);
            float[] gd = g.contiguous().toFloatArray(), o = gx.storage().floats();
            for (int i = 0; i < n; i++) o[pos[i]] += gd[i];
            return new Tensor[] {gx};
        });
    }

    /**
     * Out-of-place scatter-add: a copy of {@code x} with {@code out[i][index[i][j]]...} += {@code src[i][j]...}
     * along {@code dim} (PyTorch {@code x.scatter_add(dim, index, src)}).
     *
     * <p>Args: {@code index} int64 of {@code x}'s rank with {@code index.size(d) <= src.size(d)} for all d and
     * {@code <= x.size(d)} for d != dim; {@code src} has {@code x}'s dtype (float32 or int64). Shape: as {@code x}.
     * Gradients: x gets the output gradient; src gets it gathered at {@code index}.
     */
    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        int[] xs = x.shape(), ss = src.shape(), is = index.shape();
        int d = Shape.dim("scatterAdd", dim, xs.length);
        requireIndex("scatterAdd", index);
        if (x.dtype() != src.dtype()) throw new IllegalArgumentException("scatterAdd: src dtype " + src.dtype()
                + " does not match input dtype " + x.dtype());
        if (x.dtype() == DType.BOOL) throw new IllegalArgumentException("scatterAdd: expected a float32 or int64 "
                + "input, got bool");
        checkIndexShape("scatterAdd", "input", xs, is, d);
        if (ss.length != is.length) throw new IllegalArgumentException("scatterAdd: index shape " + Shape.str(is)
                + " and src shape " + Shape.str(ss) + " must have the same number of dims");
        for (int k = 0; k < is.length; k++) {
            if (is[k] > ss[k]) throw new IllegalArgumentException("scatterAdd: index shape " + Shape.str(is)
                    + " is larger than src shape " + Shape.str(ss) + " in dim " + k);
        }
        int[] pos = targetPositions("scatterAdd", xs, d, index);
        int[] srcPos = boxPositions(is, Shape.contiguousStrides(ss));
        Tensor out = Strided.materialize(x);
        Tensor sc = src.detach().contiguous();
        int n = pos.length, sb = sc.offset();
        if (out.dtype() == DType.FLOAT32) {
            float[] o = out.storage().floats(), s = sc.storage().floats();
            for (int i = 0; i < n; i++) o[pos[i]] += s[sb + srcPos[i]];
        } else {
            long[] o = out.storage().longs(), s = sc.storage().longs();
            for (int i = 0; i < n; i++) o[pos[i]] += s[sb + srcPos[i]];
        }
        return Autograd.record("scatterAdd", out, new Tensor[] {x, src}, g -> {
            Tensor gsrc = null;
            if (src.requiresGrad()) {
                gsrc = Tensor.zeros(ss);
                float[] gd = g.contiguous().toFloatArray(), o = gsrc.storage().floats();
                for (int i = 0; i < n; i++) o[srcPos[i]] = gd[pos[i]];
            }
            return new Tensor[] {x.requiresGrad() ? g : null, gsrc};
        });
    }

    /**
     * For each element of {@code index} (row-major), its flat position in a contiguous tensor of shape
     * {@code xs} when the coordinate along {@code d} is replaced by the index value. Bounds-checked.
     */
    private static int[] targetPositions(String op, int[] xs, int d, Tensor index) {
        int[] is = index.shape();
        long[] iv = index.toLongArray();
        int[] xst = Shape.contiguousStrides(xs);
        int[] pos = boxPositions(is, xst);
        int size = xs.length == 0 ? 1 : xs[d], stride = xs.length == 0 ? 0 : xst[d];
        // boxPositions already counted the index's own coordinate along d: replace it by the index value.
        int inner = 1;
        for (int k = d + 1; k < is.length; k++) inner *= is[k];
        int along = is.length == 0 ? 1 : is[d];
        for (int i = 0; i < pos.length; i++) {
            long v = iv[i];
            if (v < 0 || v >= size) throw new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for "
                    + "dimension " + d + " with size " + size + " (input shape " + Shape.str(xs) + ", at flat position "
                    + i + " of index shape " + Shape.str(is) + ")");
            int own = (i / inner) % along;
            pos[i] += (int) (v - own) * stride;
        }
        return pos;
    }

    /** Flat positions, under {@code strides}, of every coordinate of a box of {@code shape} (row-major). */
    private static int[] boxPositions(int[] shape, int[] strides) {
        int n = Shape.numel(shape), r = shape.length;
        int[] pos = new int[n];
        if (n == 0 || r == 0) return pos;
        int[] idx = new int[r];
        int p = 0, inner = shape[r - 1], is = strides[r - 1];
        for (int o = 0, i = 0; o < n / inner; o++) {
            for (int j = 0; j < inner; j++) pos[i++] = p + j * is;
            for (int k = r - 2; k >= 0; k--) {
                p += strides[k];
                if (++idx[k] < shape[k]) break;
                p -= strides[k] * shape[k];
                idx[k] = 0;
            }
        }
        return pos;
    }

    private static void checkIndexShape(String op, String what, int[] xs, int[] is, int d) {
        if (is.length != xs.length) throw new IllegalArgumentException(op + ": index shape " + Shape.str(is)
                + " must have the same number of dims as the " + what + " shape " + Shape.str(xs));
        for (int k = 0; k < is.length; k++) {
            if (k != d && is[k] > xs[k]) throw new IllegalArgumentException(op + ": index shape " + Shape.str(is)
                    + " is larger than the " + what + " shape " + Shape.str(xs) + " in dim " + k + " (only dim " + d
                    + " may differ)");
        }
    }

    private static void requireIndex(String op, Tensor index) {
        if (index.dtype() != DType.INT64) throw new IllegalArgumentException(op + ": expected an int64 index tensor, "
                + "got " + index.dtype() + " with shape " + Shape.str(index.shape()));
    }

    // ---------------------------------------------------------------- indexSelect

    /**
     * Selects entries {@code index} along {@code dim}: {@code out.select(dim, j) == x.select(dim, index[j])}.
     * Works for every dtype (gradient for float32: index-add of the output gradient into zeros).
     *
     * <p>Shape: {@code [5, 3]} with a 4-element index along dim 0 gives {@code [4, 3]}.
     */
    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        int[] xs = x.shape();
        int d = Shape.dim("indexSelect", dim, xs.length);
        requireIndex("indexSelect", index);
        if (index.dim() > 1) throw new IllegalArgumentException("indexSelect: index must be 1-D (or a scalar), got "
                + "shape " + Shape.str(index.shape()));
        long[] iv = index.toLongArray();
        int size = xs.length == 0 ? 1 : xs[d];
        for (long v : iv) {
            if (v < 0 || v >= size) throw new IndexOutOfBoundsException("indexSelect: index " + v + " is out of bounds "
                    + "for dimension " + d + " with size " + size + " (input shape " + Shape.str(xs) + ")");
        }
        int m = iv.length;
        int[] os = xs.clone();
        if (os.length > 0) os[d] = m;
        int outer = 1, inner = 1;
        for (int k = 0; k < d; k++) outer *= xs[k];
        for (int k = d + 1; k < xs.length; k++) inner *= xs[k];
        Tensor xc = x.detach().contiguous();
        Tensor out = Tensor.empty(x.dtype(), os);
        Object src = ShapeOps.data(xc), dst = ShapeOps.data(out);
        int base = xc.offset(), in = inner;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                System.arraycopy(src, base + ((o * size) + (int) iv[j]) * in, dst, (o * m + j) * in, in);
            }
        }
        int outerN = outer;
        return Autograd.record("indexSelect", out, new Tensor[] {x}, g -> {
            Tensor gx = Tensor.zeros(xs);
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats(), o = gx.storage().floats();
            int gb = gc.offset();
            for (int a = 0; a < outerN; a++) {
                for (int j = 0; j < m; j++) {
                    Elementwise1D.axpy(1f, gd, gb + (a * m + j) * in, o, (a * size + (int) iv[j]) * in, in);
                }
            }
            return new Tensor[] {gx};
        });
    }

    // ---------------------------------------------------------------- maskedFill

    /**
     * Replaces elements where {@code mask} is true by {@code value}. {@code mask} is bool and broadcasts with
     * {@code x} (the output has the broadcast shape, normally {@code x}'s). The gradient is zero where filled.
     *
     * <p>Example: {@code maskedFill(scores, causal.logicalNot(), -1e9f)} with scores {@code [B, H, T, T]} and a
     * {@code [T, T]} mask.
     */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        if (mask.dtype() != DType.BOOL) throw new IllegalArgumentException("maskedFill: mask must be a bool tensor, "
                + "got " + mask.dtype() + " with shape " + Shape.str(mask.shape()) + " (use e.g. mask.gt(0))");
        int[] xs = x.shape();
        int[] os = Shape.broadcast("maskedFill", xs, mask.shape());
        Tensor out = Tensor.empty(x.dtype(), os);
        int[] ost = out.strides();
        ShapeOps.copyStrided(ShapeOps.data(x), x.offset(), x.detach().expand(os).strides(), ShapeOps.data(out), 0,
                ost, os);
        boolean[] m = new boolean[out.numel()];
        ShapeOps.copyStrided(mask.storage().bools(), mask.offset(), mask.expand(os).strides(), m, 0, ost, os);
        int n = m.length;
        Object o = ShapeOps.data(out);
        if (o instanceof float[] f) {
            for (int i = 0; i < n; i++) if (m[i]) f[i] = value;
        } else if (o instanceof long[] l) {
            long v = (long) value;
            for (int i = 0; i < n; i++) if (m[i]) l[i] = v;
        } else {
            boolean[] b = (boolean[]) o;
            boolean v = value != 0f;
            for (int i = 0; i < n; i++) if (m[i]) b[i] = v;
        }
        return Autograd.record("maskedFill", out, new Tensor[] {x}, g -> {
            float[] gi = g.contiguous().toFloatArray();
            for (int i = 0; i < n; i++) if (m[i]) gi[i] = 0f;
            return new Tensor[] {Tensor.of(gi, os).sumToShape(xs)};
        });
    }

    // ---------------------------------------------------------------- embedding / oneHot

    /**
     * Looks up rows of {@code weight}: {@code out[..., :] = weight[indices[...], :]}.
     *
     * <p>Shape: weight {@code [num, dim]}, indices int64 of any shape {@code [...]} → {@code [..., dim]}.
     * Gradient: rows of the output gradient are summed into the rows they came from.
     */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        return embeddingImpl(weight, indices, NO_PADDING);
    }

    /**
     * {@link #embedding(Tensor, Tensor)} where the row {@code paddingIdx} (negative counts from the end) gets no
     * gradient, as PyTorch's {@code padding_idx}. Its values are still looked up as stored.
     */
    public static Tensor embedding(Tensor weight, Tensor indices, int paddingIdx) {
        if (weight.dim() == 2) {
            int num = weight.shape()[0];
            if (paddingIdx < -num || paddingIdx >= num) throw new IllegalArgumentException("embedding: paddingIdx "
                    + paddingIdx + " must be within the " + num + " rows of the weight (in [" + (-num) + ", "
                    + (num - 1) + "])");
            if (paddingIdx < 0) paddingIdx += num;
        }
        return embeddingImpl(weight, indices, paddingIdx);
    }

    private static Tensor embeddingImpl(Tensor weight, Tensor indices, int paddingIdx) {
        Elementwise.requireFloat("embedding", weight);
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: weight must be 2-D [num, dim], got shape "
                + Shape.str(weight.shape()));
        requireIndex("embedding", indices);
        int[] ws = weight.shape();
        int num = ws[0], dim = ws[1];
        long[] iv = indices.toLongArray();
        for (int i = 0; i < iv.length; i++) {
            if (iv[i] < 0 || iv[i] >= num) throw new IndexOutOfBoundsException("embedding: index " + iv[i]
                    + " (at flat position " + i + " of indices shape " + Shape.str(indices.shape())
                    + ") is out of range for a vocabulary of size " + num + " (weight shape " + Shape.str(ws) + ")");
        }
        int[] is = indices.shape(), os = new int[is.length + 1];
        System.arraycopy(is, 0, os, 0, is.length);
        os[is.length] = dim;
        Tensor wc = weight.detach().contiguous();
        Tensor out = Tensor.zeros(os);
        float[] o = out.storage().floats();
        int wb = wc.offset(), n = iv.length;
        // Storage.readFloats copies one row from the heap array or, for a memory-mapped table, from the file: only the
        // looked-up rows are read, the table is never copied.
        var table = wc.storage();
        Parallel.forRange(n, Math.max(1, 8192 / Math.max(1, dim)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) table.readFloats(wb + iv[i] * dim, o, i * dim, dim);
        });
        return Autograd.record("embedding", out, new Tensor[] {weight}, g -> {
            Tensor gw = Tensor.zeros(ws);
            Tensor gc = g.contiguous();
            float[] gd = gc.storage().floats(), gwd = gw.storage().floats();
            int gb = gc.offset();
            // Serial: repeated indices add into the same row.
            for (int i = 0; i < n; i++) {
                int row = (int) iv[i];
                if (row == paddingIdx) continue;
                Elementwise1D.axpy(1f, gd, gb + i * dim, gwd, row * dim, dim);
            }
            return new Tensor[] {gw};
        });
    }

    /**
     * One-hot encoding: int64 {@code labels} of any shape → int64 {@code [..., numClasses]} with a 1 at each label.
     * {@code numClasses = -1} uses {@code max(labels) + 1}, as PyTorch.
     */
    public static Tensor oneHot(Tensor labels, int numClasses) {
        requireIndex("oneHot", labels);
        long[] lv = labels.toLongArray();
        if (numClasses == -1) {
            long max = -1;
            for (long v : lv) max = Math.max(max, v);
            if (lv.length == 0) throw new IllegalArgumentException("oneHot: can not infer the number of classes from "
                    + "an empty tensor; pass numClasses");
            numClasses = (int) Math.min(Integer.MAX_VALUE, max + 1);
        } else if (numClasses < 1) {
            throw new IllegalArgumentException("oneHot: numClasses must be positive or -1 (infer), got " + numClasses);
        }
        for (int i = 0; i < lv.length; i++) {
            if (lv[i] < 0 || lv[i] >= numClasses) throw new IndexOutOfBoundsException("oneHot: label " + lv[i]
                    + " (at flat position " + i + ") is out of range for " + numClasses + " classes");
        }
        int[] ls = labels.shape(), os = new int[ls.length + 1];
        System.arraycopy(ls, 0, os, 0, ls.length);
        os[ls.length] = numClasses;
        Tensor out = Tensor.empty(DType.INT64, os);
        long[] o = out.storage().longs();
        for (int i = 0; i < lv.length; i++) o[i * numClasses + (int) lv[i]] = 1L;
        return out;
    }
}
