// OnnxTensor: one decoded TensorProto (an initializer or a tensor attribute): name, element type, dims and its
// elements as little-endian bytes (a view of the file where possible), with conversions to Kindling tensors.
package dev.kindling.models.onnx;

import dev.kindling.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor of an ONNX graph. Whatever field the file stored it in (raw_data, float_data, int32_data, int64_data,
 * double_data, uint64_data or external data), the elements are held as {@code numel * byteSize} little-endian
 * bytes in the layout raw_data uses; STRING tensors hold their strings instead.
 *
 * <p>Example: {@code Tensor w = model.graph().initializer("embeddings.word_embeddings.weight").toTensor();}
 */
public final class OnnxTensor {
    private final String name;
    private final OnnxDataType dataType;
    private final long[] dims;
    private final ByteBuffer data;       // little-endian, exactly numel * byteSize bytes; null for STRING
    private final List<byte[]> strings;  // STRING tensors only
    private final boolean external;

    private OnnxTensor(String name, OnnxDataType dataType, long[] dims, ByteBuffer data, List<byte[]> strings,
            boolean external) {
        this.name = name;
        this.dataType = dataType;
        this.dims = dims;
        this.data = data;
        this.strings = strings;
        this.external = external;
    }

    /**
     * A numeric tensor over little-endian element bytes in raw_data layout.
     *
     * @throws IllegalArgumentException when the byte count is not {@code numel(dims) * dataType.byteSize()}
     */
    public static OnnxTensor of(String name, OnnxDataType dataType, long[] dims, ByteBuffer data, boolean external) {
        if (dataType.byteSize() == 0) throw new IllegalArgumentException("tensor '" + name + "': " + dataType
                + " has no fixed element size");
        long numel = numel(dims);
        if (numel < 0 || numel * dataType.byteSize() != data.remaining()) {
            throw new IllegalArgumentException("tensor '" + name + "': dims " + Arrays.toString(dims) + " of "
                    + dataType + " need " + (numel * dataType.byteSize()) + " bytes, data has " + data.remaining());
        }
        return new OnnxTensor(name, dataType, dims.clone(), data.slice().order(ByteOrder.LITTLE_ENDIAN), null, external);
    }

    /** A float32 tensor holding a copy of {@code values} (row-major). */
    public static OnnxTensor ofFloats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return of(name, OnnxDataType.FLOAT, dims, b, false);
    }

    /** A STRING tensor. */
    static OnnxTensor ofStrings(String name, long[] dims, List<byte[]> strings) {
        return new OnnxTensor(name, OnnxDataType.STRING, dims.clone(), null, List.copyOf(strings), false);
    }

    /** Product of the dims (1 for a scalar); -1 when a dim is negative or the product overflows. */
    static long numel(long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) return -1;
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    public String name() {
        return name;
    }

    public OnnxDataType dataType() {
        return dataType;
    }

    /** The dims as stored (a copy). */
    public long[] dims() {
        return dims.clone();
    }

    public long numel() {
        return numel(dims);
    }

    /** True when the elements came from an external data file. */
    public boolean isExternal() {
        return external;
    }

    /** The dims as a Kindling shape; fails when a dim does not fit an int. */
    public int[] shape() {
        int[] s = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) throw new IllegalStateException("tensor '" + name + "': dim " + i + " = "
                    + dims[i] + " is too large for a Kindling tensor");
            s[i] = (int) dims[i];
        }
        return s;
    }

    /** A read-only little-endian view of the element bytes (raw_data layout); null for STRING tensors. */
    public ByteBuffer rawData() {
        return data == null ? null : data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The strings of a STRING tensor. */
    public List<byte[]> strings() {
        if (strings == null) throw new IllegalStateException("tensor '" + name + "' is " + dataType + ", not STRING");
        return strings;
    }

    /** Number of elements as an int, checked. */
    private int count() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor '" + name + "' has " + n
                + " elements, more than a Java array holds");
        return (int) n;
    }

    /** The elements converted to float (exact for FLOAT, FLOAT16, BFLOAT16 and small integers). */
    public float[] toFloatArray() {
        int n = count();
        float[] out = new float[n];
        ByteBuffer b = rawDataOrFail();
        switch (dataType) {
            case FLOAT -> b.asFloatBuffer().get(out);
            case DOUBLE -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            case FLOAT16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(b.getShort(i * 2)); }
            case BFLOAT16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16); }
            default -> {
                if (!dataType.isInteger()) throw new IllegalStateException("tensor '" + name + "': cannot convert "
                        + dataType + " to float");
                long[] v = toLongArray();
                boolean unsigned64 = dataType == OnnxDataType.UINT64;
                for (int i = 0; i < n; i++) out[i] = unsigned64 && v[i] < 0 ? unsignedToFloat(v[i]) : (float) v[i];
            }
        }
        return out;
    }

    /** An unsigned 64-bit value above 2^63 (negative as a long) as float. */
    private static float unsignedToFloat(long v) {
        return (float) (((v >>> 1) * 2.0) + (v & 1));
    }

    /** The elements of an integer (or BOOL) tensor as int64; unsigned 64-bit values above 2^63 stay two's complement. */
    public long[] toLongArray() {
        int n = count();
        long[] out = new long[n];
        ByteBuffer b = rawDataOrFail();
        switch (dataType) {
            case INT64, UINT64 -> b.asLongBuffer().get(out);
            case INT32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case UINT32 -> { for (int i = 0; i < n; i++) out[i] = Integer.toUnsignedLong(b.getInt(i * 4)); }
            case INT16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case UINT16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2) & 0xFFFF; }
            case INT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case UINT8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xFF; }
            default -> throw new IllegalStateException("tensor '" + name + "' is " + dataType + ", not an integer type");
        }
        return out;
    }

    /** Float tensors at least this large (1 MiB) that lie in a memory-mapped file stay mapped in {@link #toTensor}. */
    static final long MAP_MIN_ELEMENTS = 1 << 18;

    /**
     * A Kindling tensor of the same shape: float32 for the floating-point types (large FLOAT tensors of a
     * memory-mapped file are read in place, see {@link Tensor#mapped}), int64 for the integer types, bool
     * for BOOL.
     */
    public Tensor toTensor() {
        int[] shape = shape();
        if (dataType == OnnxDataType.FLOAT && data != null && data.isDirect() && numel() >= MAP_MIN_ELEMENTS) {
            // float32 raw_data inside a memory-mapped file: read in place (Module.loadStateDict attaches it as is).
            return Tensor.mapped(java.lang.foreign.MemorySegment.ofBuffer(rawDataOrFail()), shape);
        }
        if (dataType.isFloatingPoint()) return Tensor.of(toFloatArray(), shape);
        if (dataType == OnnxDataType.BOOL) {
            long[] v = toLongArray();
            boolean[] z = new boolean[v.length];
            for (int i = 0; i < v.length; i++) z[i] = v[i] != 0;
            return Tensor.ofBools(z, shape);
        }
        if (dataType.isInteger()) return Tensor.ofLongs(toLongArray(), shape);
        throw new IllegalStateException("tensor '" + name + "': " + dataType + " has no Kindling tensor type");
    }

    private ByteBuffer rawDataOrFail() {
        if (data == null) throw new IllegalStateException("tensor '" + name + "' is " + dataType + ", not numeric");
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String toString() {
        return name + " " + dataType + Arrays.toString(dims) + (external ? " (external)" : "");
    }
}
