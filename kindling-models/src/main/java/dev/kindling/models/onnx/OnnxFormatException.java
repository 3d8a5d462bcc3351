// OnnxFormatException: an ONNX file (or protobuf message) that cannot be decoded: truncated, corrupt, or using
// something the reader does not support. The message names the source, the byte offset and what was expected.
package dev.kindling.models.onnx;

import java.io.IOException;

/** A malformed or unsupported ONNX model; {@link #offset()} is the byte offset in the source where decoding failed. */
public final class OnnxFormatException extends IOException {
    private final long offset;

    public OnnxFormatException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    public OnnxFormatException(String message, long offset, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** Byte offset in the source where the problem was found, or -1 when it is not tied to one position. */
    public long offset() {
        return offset;
    }
}
