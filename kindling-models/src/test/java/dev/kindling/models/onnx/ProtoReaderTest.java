// ProtoReaderTest: the protobuf wire-format decoder on hand-built bytes, including every kind of corruption it
// must reject with the byte offset.
package dev.kindling.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoReaderTest {
    private static ProtoReader reader(byte[] b) {
        return new ProtoReader(ByteBuffer.wrap(b), "test.bin");
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void varintsDecodeSingleMultiAndTenByteValues() throws Exception {
        var r = reader(bytes(0x01, 0xAC, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));
        assertThat(r.readVarint()).isEqualTo(1);
        assertThat(r.readVarint()).isEqualTo(300);
        assertThat(r.readVarint()).isEqualTo(-1L);   // int64 -1 is 10 bytes on the wire
        assertThat(r.hasMore()).isFalse();
        for (long v : new long[] {0, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(reader(ProtoWriter.varintBytes(v)).readVarint()).isEqualTo(v);
        }
    }

    @Test
    void fixedWidthFieldsAreLittleEndian() throws Exception {
        byte[] b = new ProtoWriter().fixed32(1, 1.5f).fixed64(2, -2.25).bytes();
        var r = reader(b);
        int t1 = r.readTag();
        assertThat(ProtoReader.fieldNumber(t1)).isEqualTo(1);
        assertThat(ProtoReader.wireType(t1)).isEqualTo(ProtoReader.FIXED32);
        assertThat(r.readFloat()).isEqualTo(1.5f);
        assertThat(ProtoReader.wireType(r.readTag())).isEqualTo(ProtoReader.FIXED64);
        assertThat(r.readDouble()).isEqualTo(-2.25);
    }

    @Test
    void nestedMessagesStringsAndSkipping() throws Exception {
        byte[] b = new ProtoWriter().varint(1, 7).string(2, "naïve").message(3, new ProtoWriter().varint(4, 9))
                .fixed32(5, 0f).fixed64(6, 0).varint(7, 42).bytes();
        var r = reader(b);
        r.readTag();
        r.skip(ProtoReader.VARINT);     // field 1
        int tag = r.readTag();
        assertThat(r.readString()).isEqualTo("naïve");
        tag = r.readTag();
        ProtoReader sub = r.readMessage();
        assertThat(ProtoReader.fieldNumber(sub.readTag())).isEqualTo(4);
        assertThat(sub.readVarint()).isEqualTo(9);
        assertThat(sub.hasMore()).isFalse();
        r.skip(r.readTag());
        r.skip(r.readTag());
        assertThat(ProtoReader.fieldNumber(r.readTag())).isEqualTo(7);
        assertThat(r.readVarint()).isEqualTo(42);
        assertThat(tag).isNotZero();
    }

    @Test
    void repeatedVarintsPackedAndUnpacked() throws Exception {
        byte[] b = new ProtoWriter().packedVarints(1, 3, 300, 5).varint(1, 6).varint(1, 7).bytes();
        var r = reader(b);
        List<Long> got = new ArrayList<>();
        while (r.hasMore()) r.readRepeatedVarint(r.readTag(), got::add);
        assertThat(got).containsExactly(3L, 300L, 5L, 6L, 7L);
    }

    @Test
    void truncatedVarintNamesItsOffset() throws Exception {
        var r = reader(bytes(0x08, 0x96));   // field 1 varint, then a continuation byte with nothing after it
        r.readTag();
        assertThatThrownBy(r::readVarint).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("test.bin").hasMessageContaining("truncated varint").hasMessageContaining("byte 1")
                .extracting(e -> ((OnnxFormatException) e).offset()).isEqualTo(1L);
    }

    @Test
    void overlongVarintIsRejected() {
        byte[] b = new byte[11];
        java.util.Arrays.fill(b, (byte) 0x80);
        assertThatThrownBy(() -> reader(b).readVarint()).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("longer than 10 bytes").hasMessageContaining("byte 0");
    }

    @Test
    void lengthPastTheEndIsRejected() throws Exception {
        // field 2, length-delimited, length 10, but only 3 bytes follow
        var r = reader(bytes(0x12, 0x0A, 'a', 'b', 'c'));
        r.readTag();
        assertThatThrownBy(r::readMessage).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("length 10 runs past the end").hasMessageContaining("at byte 1");
        // A sub-message may not read past its own end either, even when the enclosing buffer goes on.
        byte[] nested = new ProtoWriter().bytes(1, bytes(0x0A, 0x05)).varint(2, 1).bytes();
        var outer = reader(nested);
        outer.readTag();
        ProtoReader sub = outer.readMessage();
        sub.readTag();
        assertThatThrownBy(sub::readMessage).isInstanceOf(OnnxFormatException.class).hasMessageContaining("runs past");
    }

    @Test
    void unknownWireTypesAndGroupsAreRejected() {
        assertThatThrownBy(() -> reader(bytes(0x0E)).readTag()).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("unknown wire type 6").hasMessageContaining("byte 0");
        assertThatThrownBy(() -> reader(bytes(0x00, 0x01)).readTag()).hasMessageContaining("invalid field number 0");
        assertThatThrownBy(() -> reader(bytes(0x0B)).readTag()).hasMessageContaining("groups");
    }

    @Test
    void truncatedFixedFieldsAndBadUtf8AreRejected() throws Exception {
        var r = reader(bytes(0x0D, 0x00, 0x00));   // fixed32 with 2 of 4 bytes
        r.readTag();
        assertThatThrownBy(r::readFixed32).hasMessageContaining("truncated fixed32").hasMessageContaining("byte 1");
        var s = reader(bytes(0x0A, 0x02, 0xC3, 0x28));
        s.readTag();
        assertThatThrownBy(s::readString).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void wrongWireTypeForAFieldIsReported() throws Exception {
        var r = reader(new ProtoWriter().fixed32(1, 1f).bytes());
        int tag = r.readTag();
        assertThatThrownBy(() -> r.expect(tag, ProtoReader.VARINT)).hasMessageContaining("field 1 has wire type 5");
    }
}
