// Storage: the flat array behind one or more tensor views, plus the version counter that autograd
// uses to detect in-place modification of a tensor saved for backward. float32 storage may also be lazy zeros
// (allocated on first access) or a read-only memory-mapped file region (copied to the heap on first array access).
package dev.kindling.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flat backing array shared by tensor views: float32, int64 or bool.
 *
 * <p>float32 storage has three states. <b>Heap</b>: a {@code float[]}. <b>Lazy</b>: large zero tensors
 * ({@link Tensor#zeros}) allocate their array only when {@link #floats()} is first called, so a model built only to
 * be loaded holds no memory for parameters the loader replaces. <b>Mapped</b>: the values are little-endian float32
 * in a read-only {@link MemorySegment} (a memory-mapped safetensors region, see {@link #attachMapped}); nothing is on
 * the heap. Mapped-aware ops (linear, matmul with a mapped 2-D operand, embedding lookup) read it through
 * {@link #readFloats} without copying the whole tensor; any other code calling {@link #floats()} gets a heap copy
 * made once (copy-on-access), after which the storage is an ordinary heap storage, so in-place writes (optimizer
 * steps, {@code copy_}, fine-tuning) keep working. {@link #materializations()} counts those copies.
 */
public final class Storage {
    /** Zero tensors at least this large (elements) are allocated lazily. */
    private static final int LAZY_MIN = 1 << 16;
    /** The mapped element layout: safetensors stores little-endian values, possibly unaligned in the file. */
    public static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final AtomicLong MATERIALIZATIONS = new AtomicLong();

    /** Heap floats; null for other dtypes, and while a float storage is lazy or mapped. */
    private volatile float[] f;
    /** Mapped float32 values; null unless mapped and not yet copied to the heap. */
    private volatile MemorySegment mapped;
    final long[] l;
    final boolean[] b;
    private final boolean isFloat;
    private final int capacity;
    private int version;

    private Storage(float[] f, long[] l, boolean[] b, boolean isFloat, int capacity) {
        this.f = f;
        this.l = l;
        this.b = b;
        this.isFloat = isFloat;
        this.capacity = capacity;
    }

    static Storage ofFloats(float[] f) {
        return new Storage(f, null, null, true, f.length);
    }

    /** float32 zeros; large ones are allocated on first access. */
    static Storage zeroFloats(int n) {
        return n >= LAZY_MIN ? new Storage(null, null, null, true, n) : ofFloats(new float[n]);
    }

    /** float32 storage over {@code n} little-endian floats of {@code segment} (read-only; see the class comment). */
    static Storage ofMapped(MemorySegment segment, int n) {
        Storage s = new Storage(null, null, null, true, n);
        s.attachMapped(segment);
        return s;
    }

    static Storage ofLongs(long[] l) {
        return new Storage(null, l, null, false, l.length);
    }

    static Storage ofBools(boolean[] b) {
        return new Storage(null, null, b, false, b.length);
    }

    /**
     * The float array (null unless float32). Internal: for kernels and ops. A lazy storage allocates it now; a mapped
     * storage is copied to the heap now (once), and stays a heap storage afterwards.
     */
    public float[] floats() {
        float[] a = f;
        return a != null || !isFloat ? a : materialize();
    }

    private synchronized float[] materialize() {
        if (f != null) return f;
        float[] a = new float[capacity];
        MemorySegment s = mapped;
        if (s != null) {
            MemorySegment.copy(s, FLOAT_LE, 0, a, 0, capacity);
            MATERIALIZATIONS.incrementAndGet();
        }
        f = a;          // published before mapped is cleared: a reader that misses the segment finds the array
        mapped = null;
        return a;
    }

    /** The long array (null unless int64). Internal: for kernels and ops. */
    public long[] longs() {
        return l;
    }

    /** The boolean array (null unless bool). Internal: for kernels and ops. */
    public boolean[] bools() {
        return b;
    }

    /** True while the float32 values live in a memory-mapped file region (not yet copied to the heap). */
    public boolean isMapped() {
        return mapped != null;
    }

    /**
     * Internal (mapped-aware kernels): the mapped segment of {@link #capacity()} floats in {@link #FLOAT_LE} layout,
     * or null when this storage is not mapped. Read-only; stays valid after a later materialization.
     */
    public MemorySegment mappedSegment() {
        return mapped;
    }

    /**
     * Copies {@code n} float32 values starting at element {@code from} into {@code dst[at..]}, from the mapping when
     * mapped (without materializing) or from the heap array. Safe to call from several threads.
     */
    public void readFloats(long from, float[] dst, int at, int n) {
        if (!isFloat) throw new IllegalStateException("Storage.readFloats: not a float32 storage");
        if (from < 0 || n < 0 || from + n > capacity) throw new IndexOutOfBoundsException("Storage.readFloats: elements ["
                + from + ", " + (from + n) + ") outside a storage of " + capacity);
        MemorySegment s = mapped;
        if (s != null) {
            MemorySegment.copy(s, FLOAT_LE, from * Float.BYTES, dst, at, n);
        } else {
            System.arraycopy(floats(), (int) from, dst, at, n);
        }
    }

    /** The float32 element at {@code i}, from the mapping when mapped (without materializing). */
    float floatAt(int i) {
        MemorySegment s = mapped;
        return s != null ? s.get(FLOAT_LE, (long) i * Float.BYTES) : floats()[i];
    }

    /**
     * Internal (loaders): replaces this float32 storage's values by a read-only mapping of {@code capacity()}
     * little-endian floats. The segment must stay valid as long as this storage is used (e.g. it comes from an
     * automatic arena, which the segment itself keeps alive). Any heap array is dropped, so call this before anyone
     * holds on to {@link #floats()} (right after building a model, while loading it).
     *
     * @throws IllegalArgumentException when the segment's size is not {@code 4 * capacity()} bytes
     */
    public synchronized void attachMapped(MemorySegment segment) {
        if (!isFloat) throw new IllegalStateException("Storage.attachMapped: only float32 storage can be mapped");
        if (segment.byteSize() != (long) capacity * Float.BYTES) throw new IllegalArgumentException("Storage.attachMapped: "
                + "segment of " + segment.byteSize() + " bytes for a storage of " + capacity + " floats (expected "
                + (long) capacity * Float.BYTES + ")");
        mapped = segment.asReadOnly();
        f = null;
        version++;
    }

    /** Times a mapped storage was copied to the heap by {@link #floats()} (process-wide; for tests and diagnostics). */
    public static long materializations() {
        return MATERIALIZATIONS.get();
    }

    /** Marks the storage as modified in place. Every in-place writer must call this. */
    public void markModified() {
        version++;
    }

    /** Number of elements in the backing array. */
    public int capacity() {
        return capacity;
    }

    /** Times this storage was modified in place; saved tensors remember it to detect modification. */
    public int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }
}
