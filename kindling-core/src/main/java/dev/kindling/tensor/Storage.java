// Storage: the flat array behind one or more tensor views, plus the version counter that autograd
// uses to detect in-place modification of a tensor saved for backward.
package dev.kindling.tensor;

/** Flat backing array shared by tensor views. Exactly one of the arrays is non-null. */
public final class Storage {
    final float[] f;
    final long[] l;
    final boolean[] b;
    private int version;

    private Storage(float[] f, long[] l, boolean[] b) {
        this.f = f;
        this.l = l;
        this.b = b;
    }

    static Storage ofFloats(float[] f) {
        return new Storage(f, null, null);
    }

    static Storage ofLongs(long[] l) {
        return new Storage(null, l, null);
    }

    static Storage ofBools(boolean[] b) {
        return new Storage(null, null, b);
    }

    /** The float array (null unless float32). Internal: for kernels and ops. */
    public float[] floats() {
        return f;
    }

    /** The long array (null unless int64). Internal: for kernels and ops. */
    public long[] longs() {
        return l;
    }

    /** The boolean array (null unless bool). Internal: for kernels and ops. */
    public boolean[] bools() {
        return b;
    }

    /** Marks the storage as modified in place. Every in-place writer must call this. */
    public void markModified() {
        version++;
    }

    /** Number of elements in the backing array. */
    public int capacity() {
        return f != null ? f.length : l != null ? l.length : b.length;
    }

    /** Times this storage was modified in place; saved tensors remember it to detect modification. */
    public int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }
}
