// Tensor: an n-dimensional, strided view over a Storage (float32, int64 or bool), with autograd state.
// Views (reshape, permute, slice, expand, ...) share storage and never copy; ops live in op-family
// classes (dev.kindling.ops.*) and the methods here are thin, discoverable entry points to them.
package dev.kindling.tensor;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Elementwise;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Reductions;

/**
 * An n-dimensional array with reverse-mode autograd, row-major with strides.
 *
 * <p>Example:
 * <pre>{@code
 * var g = new Generator(0);
 * Tensor x = Tensor.randn(g, 4, 3);                       // [4, 3]
 * Tensor w = Tensor.randn(g, 3, 2).requiresGrad(true);    // [3, 2]
 * Tensor loss = x.matmul(w).relu().sum();                 // []
 * loss.backward();                                        // w.grad(): [3, 2]
 * }</pre>
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final DType dtype;
    boolean requiresGrad;
    boolean retainsGrad;
    Tensor grad;
    Node gradFn;
    /** Set by {@link Autograd#freshGradient} on a backward result that nothing else references; cleared by the engine. */
    boolean freshGradient;

    /** Internal: a view over {@code storage}. Ops create tensors through the factories below. */
    public Tensor(Storage storage, DType dtype, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** A float32 tensor over a copy-free wrap of {@code data}; shape defaults to 1-D {@code [data.length]}. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : shape.clone();
        checkLength("Tensor.of", data.length, s);
        return new Tensor(Storage.ofFloats(data), DType.FLOAT32, s, Shape.contiguousStrides(s), 0);
    }

    /** A 2-D float32 tensor from rows of equal length. */
    public static Tensor of(float[][] rows) {
        int r = rows.length, c = r == 0 ? 0 : rows[0].length;
        float[] d = new float[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) throw new IllegalArgumentException("Tensor.of: row " + i + " has length "
                    + rows[i].length + ", expected " + c + " like row 0");
            System.arraycopy(rows[i], 0, d, i * c, c);
        }
        return of(d, r, c);
    }

    /** An int64 tensor over {@code data}; shape defaults to {@code [data.length]}. */
    public static Tensor ofLongs(long[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : shape.clone();
        checkLength("Tensor.ofLongs", data.length, s);
        return new Tensor(Storage.ofLongs(data), DType.INT64, s, Shape.contiguousStrides(s), 0);
    }

    /** A bool tensor over {@code data}; shape defaults to {@code [data.length]}. */
    public static Tensor ofBools(boolean[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : shape.clone();
        checkLength("Tensor.ofBools", data.length, s);
        return new Tensor(Storage.ofBools(data), DType.BOOL, s, Shape.contiguousStrides(s), 0);
    }

    /**
     * A read-only float32 tensor over {@code Shape.numel(shape)} little-endian floats of {@code segment} (e.g. a
     * memory-mapped safetensors region): nothing is copied to the heap. Linear, matmul and embedding read it in place;
     * any other access copies it to the heap once (see {@link Storage}). The segment must stay valid while the tensor
     * is used (an automatic arena's segment keeps its mapping alive).
     *
     * @throws IllegalArgumentException when the segment is not exactly {@code 4 * numel} bytes
     */
    public static Tensor mapped(java.lang.foreign.MemorySegment segment, int... shape) {
        int[] s = shape.clone();
        return new Tensor(Storage.ofMapped(segment, Shape.numel(s)), DType.FLOAT32, s, Shape.contiguousStrides(s), 0);
    }

    private static void checkLength(String op, int len, int[] shape) {
        if (Shape.numel(shape) != len) throw new IllegalArgumentException(op + ": " + len
                + " values do not fill shape " + Shape.str(shape) + " (" + Shape.numel(shape) + " elements)");
    }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(float v) {
        return new Tensor(Storage.ofFloats(new float[] {v}), DType.FLOAT32, new int[0], new int[0], 0);
    }

    /** A 0-dimensional int64 tensor. */
    public static Tensor scalarLong(long v) {
        return new Tensor(Storage.ofLongs(new long[] {v}), DType.INT64, new int[0], new int[0], 0);
    }

    /** A new contiguous tensor of {@code dtype} filled with zeros (false). */
    public static Tensor empty(DType dtype, int... shape) {
        int n = Shape.numel(shape);
        Storage s = switch (dtype) {
            case FLOAT32 -> Storage.zeroFloats(n);
            case INT64 -> Storage.ofLongs(new long[n]);
            case BOOL -> Storage.ofBools(new boolean[n]);
        };
        return new Tensor(s, dtype, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** float32 zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        return empty(DType.FLOAT32, shape);
    }

    /** float32 ones of the given shape. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** float32 tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        java.util.Arrays.fill(t.storage.floats(), value);
        return t;
    }

    /** Zeros with the shape of {@code t} (float32). */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    /** Ones with the shape of {@code t} (float32). */
    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /** float32 {@code [0, 1, ..., end-1]}. */
    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    /** float32 values from {@code start} (inclusive) to {@code end} (exclusive) by {@code step}. */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) (start + i * step);
        return of(d, n);
    }

    /** int64 {@code [start, start+1, ..., end-1]}. */
    public static Tensor arangeLong(long start, long end) {
        int n = (int) Math.max(0, end - start);
        long[] d = new long[n];
        for (int i = 0; i < n; i++) d[i] = start + i;
        return ofLongs(d, n);
    }

    /** {@code steps} evenly spaced float32 values from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        if (steps < 0) throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
        float[] d = new float[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // Fill from both ends, as PyTorch does, so the last value is exactly `end`.
        for (int i = 0; i < steps; i++) d[i] = (float) (i < steps / 2 ? start + step * i : end - step * (steps - 1 - i));
        return of(d, steps);
    }

    /** {@code n x n} float32 identity matrix. */
    public static Tensor eye(int n) {
        Tensor t = zeros(n, n);
        float[] d = t.storage.floats();
        for (int i = 0; i < n; i++) d[i * n + i] = 1f;
        return t;
    }

    /** Uniform [0, 1) samples from {@code g}. */
    public static Tensor rand(Generator g, int... shape) {
        Tensor t = zeros(shape);
        float[] d = t.storage.floats();
        for (int i = 0; i < d.length; i++) d[i] = g.nextFloat();
        return t;
    }

    /** Standard normal samples from {@code g}. */
    public static Tensor randn(Generator g, int... shape) {
        Tensor t = zeros(shape);
        float[] d = t.storage.floats();
        for (int i = 0; i < d.length; i++) d[i] = (float) g.nextGaussian();
        return t;
    }

    /** int64 samples uniform in {@code [low, high)} from {@code g}. */
    public static Tensor randint(Generator g, long low, long high, int... shape) {
        if (high <= low) throw new IllegalArgumentException("randint: expected low < high, got low=" + low + ", high=" + high);
        Tensor t = empty(DType.INT64, shape);
        long[] d = t.storage.l;
        for (int i = 0; i < d.length; i++) d[i] = low + g.nextLong(high - low);
        return t;
    }

    // ---------------------------------------------------------------- metadata and data access

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code d} (negative counts from the end). */
    public int size(int d) {
        return shape[Shape.dim("size", d, shape.length)];
    }

    /** Number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return Shape.numel(shape);
    }

    /** Element type. */
    public DType dtype() {
        return dtype;
    }

    /** Strides in elements (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Offset of element {@code [0, ..., 0]} in the storage. */
    public int offset() {
        return offset;
    }

    /** Internal: the backing storage shared with other views. */
    public Storage storage() {
        return storage;
    }

    /** True while this tensor's values are read from a memory-mapped file (not yet copied to the heap). */
    public boolean isMapped() {
        return storage.isMapped();
    }

    /** True when elements are laid out row-major with no gaps starting at {@link #offset()}. */
    public boolean isContiguous() {
        int expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expect) return false;
            expect *= shape[i];
        }
        return true;
    }

    /** The single value of a one-element float tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item: only one-element tensors can be converted to a "
                + "number, this one has shape " + Shape.str(shape));
        return switch (dtype) {
            case FLOAT32 -> storage.floatAt(offset);
            case INT64 -> storage.l[offset];
            case BOOL -> storage.b[offset] ? 1f : 0f;
        };
    }

    /** The element at {@code idx} as a float (int64 and bool are converted). */
    public float get(int... idx) {
        int p = position("get", idx);
        return switch (dtype) {
            case FLOAT32 -> storage.floatAt(p);
            case INT64 -> storage.l[p];
            case BOOL -> storage.b[p] ? 1f : 0f;
        };
    }

    /** The element at {@code idx} of an int64 tensor. */
    public long getLong(int... idx) {
        requireDType("getLong", DType.INT64);
        return storage.l[position("getLong", idx)];
    }

    /** Sets the element at {@code idx} in place (float32 only). */
    public void set(float v, int... idx) {
        requireDType("set", DType.FLOAT32);
        checkInPlace("set");
        storage.floats()[position("set", idx)] = v;
        storage.bumpVersion();
    }

    private int position(String op, int[] idx) {
        if (idx.length != shape.length) throw new IllegalArgumentException(op + ": expected " + shape.length
                + " indices for shape " + Shape.str(shape) + ", got " + idx.length);
        int p = offset;
        for (int i = 0; i < idx.length; i++) {
            int k = idx[i] < 0 ? idx[i] + shape[i] : idx[i];
            if (k < 0 || k >= shape[i]) throw new IndexOutOfBoundsException(op + ": index " + idx[i]
                    + " is out of bounds for dimension " + i + " with size " + shape[i]);
            p += k * strides[i];
        }
        return p;
    }

    /** A contiguous copy of the values as a float array (int64/bool converted). */
    public float[] toFloatArray() {
        Tensor c = dtype == DType.FLOAT32 ? this : Elementwise.toFloat(this);
        float[] out = new float[numel()];
        Strided.copy(c, out, 0);
        return out;
    }

    /** A contiguous copy of an int64 tensor's values. */
    public long[] toLongArray() {
        requireDType("toLongArray", DType.INT64);
        long[] out = new long[numel()];
        Strided.copy(this, out, 0);
        return out;
    }

    /** A contiguous copy of a bool tensor's values. */
    public boolean[] toBoolArray() {
        requireDType("toBoolArray", DType.BOOL);
        boolean[] out = new boolean[numel()];
        Strided.copy(this, out, 0);
        return out;
    }

    /** Throws naming {@code op} unless this tensor has {@code want} dtype. */
    public Tensor requireDType(String op, DType want) {
        if (dtype != want) throw new IllegalArgumentException(op + ": expected a " + want + " tensor, got " + dtype
                + " with shape " + Shape.str(shape));
        return this;
    }

    // ---------------------------------------------------------------- autograd

    /** True when gradients flow to this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as requiring grad (float32 only); returns this. */
    public Tensor requiresGrad(boolean on) {
        if (on && dtype != DType.FLOAT32) throw new IllegalArgumentException("requiresGrad: only float32 tensors can "
                + "require gradients, this one is " + dtype);
        if (!on && gradFn != null) throw new IllegalStateException("requiresGrad(false): can only change the flag of a "
                + "leaf tensor; use detach() for a tensor produced by '" + gradFn.op + "'");
        requiresGrad = on;
        return this;
    }

    /** Keeps {@link #grad()} for this non-leaf tensor after backward. */
    public Tensor retainGrad() {
        retainsGrad = true;
        return this;
    }

    /** The accumulated gradient, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (used by optimizers and gradient clipping). */
    public void setGrad(Tensor g) {
        if (g != null && !Shape.same(g.shape, shape)) throw new IllegalArgumentException("setGrad: gradient shape "
                + Shape.str(g.shape) + " does not match tensor shape " + Shape.str(shape));
        grad = g;
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** True when this tensor was not produced by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Backward from a scalar: fills {@code grad()} of every leaf that requires grad. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backward with an explicit upstream gradient of this tensor's shape. */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    /** Backward; with {@code retainGraph} the graph can be walked again. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** A view sharing storage that is cut from the graph. */
    public Tensor detach() {
        return new Tensor(storage, dtype, shape, strides, offset);
    }

    void checkInPlace(String op) {
        if (requiresGrad && Autograd.isGradEnabled()) throw new IllegalStateException(op
                + ": in-place modification of a tensor that requires grad is not recorded by autograd; do it inside "
                + "Autograd.noGrad() (e.g. an optimizer step) or use the out-of-place op");
    }

    // ---------------------------------------------------------------- views (share storage)

    /** Same data with a new shape (one dim may be -1); copies only if this tensor is not contiguous. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /** Like {@link #reshape} but never copies: throws if the layout does not allow a view. */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape);
    }

    /** Reorders dimensions: {@code permute(2, 0, 1)} makes {@code [A, B, C]} into {@code [C, A, B]}. */
    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int d0, int d1) {
        return Views.transpose(this, d0, d1);
    }

    /** Transpose of a 2-D tensor (or swap of the last two dims). */
    public Tensor t() {
        return Views.transpose(this, -2, -1);
    }

    /** Elements {@code start, start+step, ...} (< end) of dimension {@code d}. Negative start/end count from the end. */
    public Tensor slice(int d, int start, int end, int step) {
        return Views.slice(this, d, start, end, step);
    }

    /** {@code slice(d, start, end, 1)}. */
    public Tensor slice(int d, int start, int end) {
        return Views.slice(this, d, start, end, 1);
    }

    /** {@code length} elements of dimension {@code d} from {@code start}. */
    public Tensor narrow(int d, int start, int length) {
        int dd = Shape.dim("narrow", d, dim());
        int n = shape[dd];
        int s = start < 0 ? start + n : start;
        if (s < 0 || s > n) throw new IndexOutOfBoundsException("narrow: start " + start + " out of range for dimension "
                + dd + " with size " + n);
        if (length < 0 || s + length > n) throw new IllegalArgumentException("narrow: start " + start + " + length "
                + length + " exceeds dimension " + dd + " of size " + n);
        return Views.slice(this, dd, s, s + length, 1);
    }

    /** Index {@code i} of dimension {@code d}, removing that dimension. */
    public Tensor select(int d, int i) {
        return Views.select(this, d, i);
    }

    /** Broadcast view to {@code newShape} (-1 keeps a dimension). */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    /** Removes dimension {@code d} if it has size 1. */
    public Tensor squeeze(int d) {
        return Views.squeeze(this, d);
    }

    /** Removes all size-1 dimensions. */
    public Tensor squeeze() {
        return Views.squeezeAll(this);
    }

    /** Inserts a size-1 dimension at {@code d}. */
    public Tensor unsqueeze(int d) {
        return Views.unsqueeze(this, d);
    }

    /** Flattens dimensions {@code start..end} (inclusive) into one. */
    public Tensor flatten(int start, int end) {
        return Views.flatten(this, start, end);
    }

    /** Flattens everything into 1-D. */
    public Tensor flatten() {
        return Views.flatten(this, 0, -1);
    }

    /** This tensor if contiguous, else a contiguous copy (gradient flows through). */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copy(this, "contiguous");
    }

    /** A contiguous copy with its own storage (gradient flows through). */
    public Tensor clone() {
        return Views.copy(this, "clone");
    }

    /** Sums this tensor down to {@code target} shape, undoing broadcasting (used by backward functions). */
    public Tensor sumToShape(int... target) {
        return Reductions.sumToShape(this, target);
    }

    // ---------------------------------------------------------------- in-place (not recorded by autograd)

    /** Fills with {@code v} in place. */
    public Tensor fill_(float v) {
        return InPlace.fill(this, v);
    }

    /** Fills with zeros in place. */
    public Tensor zero_() {
        return InPlace.fill(this, 0f);
    }

    /** Copies {@code src} (broadcast to this shape) into this tensor in place. */
    public Tensor copy_(Tensor src) {
        return InPlace.copy(this, src);
    }

    /** {@code this += alpha * other} in place (other broadcast to this shape). */
    public Tensor add_(Tensor other, float alpha) {
        return InPlace.addScaled(this, other, alpha);
    }

    /** {@code this += other} in place. */
    public Tensor add_(Tensor other) {
        return InPlace.addScaled(this, other, 1f);
    }

    /** {@code this -= other} in place. */
    public Tensor sub_(Tensor other) {
        return InPlace.addScaled(this, other, -1f);
    }

    /** {@code this *= s} in place. */
    public Tensor mul_(float s) {
        return InPlace.scale(this, s);
    }

    // ---------------------------------------------------------------- common ops (see dev.kindling.ops)

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }
    public Tensor add(float s) { return Elementwise.add(this, s); }
    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }
    public Tensor sub(float s) { return Elementwise.add(this, -s); }
    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }
    public Tensor mul(float s) { return Elementwise.mul(this, s); }
    public Tensor div(Tensor o) { return Elementwise.div(this, o); }
    public Tensor div(float s) { return Elementwise.mul(this, 1f / s); }
    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor pow(float e) { return Elementwise.pow(this, e); }
    public Tensor pow(Tensor e) { return Elementwise.pow(this, e); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor rsqrt() { return Elementwise.rsqrt(this); }
    public Tensor abs() { return Elementwise.abs(this); }
    public Tensor square() { return Elementwise.mul(this, this); }
    public Tensor clamp(float min, float max) { return Elementwise.clamp(this, min, max); }
    public Tensor maximum(Tensor o) { return Elementwise.maximum(this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.minimum(this, o); }
    public Tensor gt(float v) { return Elementwise.gt(this, v); }
    public Tensor lt(float v) { return Elementwise.lt(this, v); }
    public Tensor eq(Tensor o) { return Elementwise.eq(this, o); }
    public Tensor toFloat() { return Elementwise.toFloat(this); }
    public Tensor relu() { return Activations.relu(this); }
    public Tensor sigmoid() { return Activations.sigmoid(this); }
    public Tensor tanh() { return Activations.tanh(this); }
    public Tensor matmul(Tensor o) { return Linalg.matmul(this, o); }
    public Tensor sum() { return Reductions.sum(this); }
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim); }
    public Tensor mean() { return Reductions.mean(this); }
    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }

    // ---------------------------------------------------------------- printing

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        int n = numel();
        if (n <= 64) {
            Format.values(this, sb);
        } else {
            sb.append("<").append(n).append(" values>");
        }
        sb.append(", shape=").append(Shape.str(shape));
        if (dtype != DType.FLOAT32) sb.append(", dtype=").append(dtype);
        if (gradFn != null) sb.append(", gradFn=").append(gradFn);
        else if (requiresGrad) sb.append(", requiresGrad=true");
        return sb.append(')').toString();
    }
}
