// OnnxDataType: the element types of ONNX TensorProto.DataType, with their codes and byte sizes, so tensors in
// raw_data can be sized and converted.
package dev.kindling.models.onnx;

/** ONNX tensor element types ({@code TensorProto.DataType}); {@link #byteSize()} is 0 where it is not fixed. */
public enum OnnxDataType {
    UNDEFINED(0, 0),
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    UINT16(4, 2),
    INT16(5, 2),
    INT32(6, 4),
    INT64(7, 8),
    STRING(8, 0),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    UINT32(12, 4),
    UINT64(13, 8),
    COMPLEX64(14, 8),
    COMPLEX128(15, 16),
    BFLOAT16(16, 2);

    private static final OnnxDataType[] BY_CODE = values();

    private final int code;
    private final int byteSize;

    OnnxDataType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** The numeric code in the file. */
    public int code() {
        return code;
    }

    /** Bytes per element in raw_data (0 for STRING and UNDEFINED). */
    public int byteSize() {
        return byteSize;
    }

    /** True for the integer types (and BOOL), which convert exactly to int64. */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64, BOOL -> true;
            default -> false;
        };
    }

    /** True for the real floating-point types. */
    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /** The type with this code, or null for codes this reader does not know (newer float8 / int4 types). */
    public static OnnxDataType ofCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
