// ProtoWriter: a minimal protobuf encoder for tests, to hand-build ONNX messages (valid and corrupt) byte by byte.
package dev.kindling.models.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Appends protobuf fields; {@link #bytes()} is the encoded message. */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static byte[] varintBytes(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            b.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
        return b.toByteArray();
    }

    ProtoWriter raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    ProtoWriter tag(int field, int wire) {
        return raw(varintBytes(((long) field << 3) | wire));
    }

    ProtoWriter varint(int field, long v) {
        return tag(field, 0).raw(varintBytes(v));
    }

    ProtoWriter fixed32(int field, float v) {
        return tag(field, 5).raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }

    ProtoWriter fixed64(int field, double v) {
        return tag(field, 1).raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array());
    }

    ProtoWriter bytes(int field, byte[] b) {
        return tag(field, 2).raw(varintBytes(b.length)).raw(b);
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.bytes());
    }

    ProtoWriter packedVarints(int field, long... v) {
        ProtoWriter p = new ProtoWriter();
        for (long x : v) p.raw(varintBytes(x));
        return bytes(field, p.bytes());
    }

    ProtoWriter packedFloats(int field, float... v) {
        return bytes(field, floatsLE(v));
    }

    ProtoWriter packedDoubles(int field, double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putDouble(x);
        return bytes(field, b.array());
    }

    static byte[] floatsLE(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- ONNX message builders

    /** TensorProto header: dims (packed), data_type, name. */
    static ProtoWriter tensor(String name, int dataType, long... dims) {
        return new ProtoWriter().packedVarints(1, dims).varint(2, dataType).string(8, name);
    }

    /** NodeProto. */
    static ProtoWriter node(String op, String[] inputs, String[] outputs, ProtoWriter... attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        n.string(3, op + "_node").string(4, op);
        for (ProtoWriter a : attributes) n.message(5, a);
        return n;
    }

    /** ValueInfoProto of a tensor; a dim is a Long (dim_value) or a String (dim_param). */
    static ProtoWriter valueInfo(String name, int elemType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = d instanceof String s ? new ProtoWriter().string(2, s)
                    : new ProtoWriter().varint(1, ((Number) d).longValue());
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, elemType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    /** ModelProto around a graph: ir_version 8, opset 13, producer "kindling-test". */
    static byte[] model(ProtoWriter graph) {
        return new ProtoWriter().varint(1, 8).string(2, "kindling-test").string(3, "1.0")
                .message(7, graph).message(8, new ProtoWriter().string(1, "").varint(2, 13)).bytes();
    }
}
