// ProtoReader: a decoder of the protobuf wire format (varints, fixed32/64, length-delimited fields) over one
// byte buffer, as ONNX files use it. Every read is bounds-checked against the enclosing message, and every error
// names the source and the absolute byte offset, so a corrupt file fails loudly instead of decoding garbage.
package dev.kindling.models.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Reads one protobuf message: a sequence of (tag, value) fields between {@code position()} and {@code end()}.
 * Sub-messages are read with {@link #readMessage()}, which returns a reader over the same buffer limited to the
 * sub-message, so offsets in errors stay absolute positions in the source.
 *
 * <p>Example:
 * <pre>{@code
 * var r = new ProtoReader(ByteBuffer.wrap(bytes), "model.onnx");
 * while (r.hasMore()) {
 *     int tag = r.readTag();
 *     switch (ProtoReader.fieldNumber(tag)) {
 *         case 1 -> irVersion = r.readVarint();
 *         case 7 -> graph = parseGraph(r.readMessage());
 *         default -> r.skip(tag);
 *     }
 * }
 * }</pre>
 */
public final class ProtoReader {
    /** Wire types of the protobuf encoding. */
    public static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, START_GROUP = 3, END_GROUP = 4, FIXED32 = 5;

    private final ByteBuffer buf;   // little-endian view of the whole source
    private final String source;
    private final int end;
    private int pos;
    private int fieldStart;

    /** A reader over all of {@code buf} (from index 0 to its limit); {@code source} names it in errors. */
    public ProtoReader(ByteBuffer buf, String source) {
        this(buf.duplicate().order(ByteOrder.LITTLE_ENDIAN), source, 0, buf.limit());
    }

    private ProtoReader(ByteBuffer buf, String source, int start, int end) {
        this.buf = buf;
        this.source = source;
        this.pos = start;
        this.end = end;
        this.fieldStart = start;
    }

    /** Field number of a tag. */
    public static int fieldNumber(int tag) {
        return tag >>> 3;
    }

    /** Wire type of a tag. */
    public static int wireType(int tag) {
        return tag & 7;
    }

    public boolean hasMore() {
        return pos < end;
    }

    /** Absolute offset of the next byte to read. */
    public int position() {
        return pos;
    }

    /** Absolute offset just past this message. */
    public int end() {
        return end;
    }

    /** Absolute offset of the tag of the field being read (for error messages). */
    public int fieldStart() {
        return fieldStart;
    }

    /** The name of the source given at construction. */
    public String source() {
        return source;
    }

    /** Reads a field tag; rejects field number 0 and wire types that ONNX never uses (groups) or that do not exist. */
    public int readTag() throws OnnxFormatException {
        fieldStart = pos;
        long tag = readVarint();
        int wire = (int) (tag & 7);
        long field = tag >>> 3;
        if (field == 0 || field > 0x1FFFFFFF) throw error("invalid field number " + field, fieldStart);
        if (wire == START_GROUP || wire == END_GROUP) {
            throw error("unsupported wire type " + wire + " (protobuf groups) for field " + field, fieldStart);
        }
        if (wire > FIXED32) throw error("unknown wire type " + wire + " for field " + field, fieldStart);
        return (int) tag;
    }

    /** Reads a base-128 varint of at most 10 bytes. */
    public long readVarint() throws OnnxFormatException {
        int start = pos;
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) throw error("truncated varint (message ends at byte " + end + ")", start);
            int b = buf.get(pos++);
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw error("varint longer than 10 bytes", start);
    }

    /** A varint that must fit a non-negative int (lengths, enum values, int32 fields). */
    public int readVarint32(String what) throws OnnxFormatException {
        int start = pos;
        long v = readVarint();
        if (v < 0 || v > Integer.MAX_VALUE) throw error(what + " " + v + " out of range [0, 2^31)", start);
        return (int) v;
    }

    public int readFixed32() throws OnnxFormatException {
        require(4, "fixed32");
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    public long readFixed64() throws OnnxFormatException {
        require(8, "fixed64");
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    public float readFloat() throws OnnxFormatException {
        return Float.intBitsToFloat(readFixed32());
    }

    public double readDouble() throws OnnxFormatException {
        return Double.longBitsToDouble(readFixed64());
    }

    /** Reads a length prefix and checks that the payload lies inside this message; returns the payload start. */
    private int readLength() throws OnnxFormatException {
        int lengthAt = pos;
        long len = readVarint();
        if (len < 0 || len > end - pos) {
            throw error("length " + len + " runs past the end of the enclosing message (" + (end - pos)
                    + " bytes left, message ends at byte " + end + ")", lengthAt);
        }
        int start = pos;
        pos += (int) len;
        return start;
    }

    /** A length-delimited field read as a sub-message. */
    public ProtoReader readMessage() throws OnnxFormatException {
        int start = readLength();
        return new ProtoReader(buf, source, start, pos);
    }

    /** A length-delimited field as a little-endian view of the source (no copy). */
    public ByteBuffer readBytes() throws OnnxFormatException {
        int start = readLength();
        return buf.slice(start, pos - start).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A length-delimited field decoded as UTF-8; malformed UTF-8 is an error. */
    public String readString() throws OnnxFormatException {
        int at = pos;
        ByteBuffer b = readBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            throw error("string field is not valid UTF-8", at);
        }
    }

    /** Skips the value of a field with this tag. */
    public void skip(int tag) throws OnnxFormatException {
        switch (wireType(tag)) {
            case VARINT -> readVarint();
            case FIXED64 -> readFixed64();
            case FIXED32 -> readFixed32();
            case LENGTH_DELIMITED -> readLength();
            default -> throw error("unknown wire type " + wireType(tag), fieldStart);
        }
    }

    /**
     * A repeated varint field (int32/int64/uint64/enum/bool), packed (one length-delimited run) or not (one value
     * per tag); each value goes to {@code sink}.
     */
    public void readRepeatedVarint(int tag, LongConsumer sink) throws OnnxFormatException {
        if (wireType(tag) == VARINT) {
            sink.accept(readVarint());
        } else if (wireType(tag) == LENGTH_DELIMITED) {
            ProtoReader packed = readMessage();
            while (packed.hasMore()) sink.accept(packed.readVarint());
        } else {
            throw wrongWireType(tag, "varint or packed varints");
        }
    }

    /** The error for a field whose wire type does not match its schema. */
    public OnnxFormatException wrongWireType(int tag, String expected) {
        return error("field " + fieldNumber(tag) + " has wire type " + wireType(tag) + ", expected " + expected,
                fieldStart);
    }

    /** Checks that a field has the expected wire type. */
    public void expect(int tag, int wireType) throws OnnxFormatException {
        if (wireType(tag) != wireType) throw wrongWireType(tag, "wire type " + wireType);
    }

    /** An error at {@code offset}, naming the source. */
    public OnnxFormatException error(String what, long offset) {
        return new OnnxFormatException(source + ": " + what + " at byte " + offset, offset);
    }

    private void require(int n, String what) throws OnnxFormatException {
        if (end - pos < n) {
            throw error("truncated " + what + " (" + n + " bytes needed, " + (end - pos) + " left)", pos);
        }
    }
}
