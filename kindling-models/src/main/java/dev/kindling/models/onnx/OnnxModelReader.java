// OnnxModelReader: decodes an .onnx file (ModelProto -> GraphProto -> nodes, initializers, inputs/outputs) with
// Kindling's own protobuf decoder, no ONNX Runtime. Initializers may sit in raw_data, in the typed repeated fields
// or in external data files; every size is checked, and corrupt input fails with the byte offset.
package dev.kindling.models.onnx;

import dev.kindling.models.onnx.OnnxGraph.Attribute;
import dev.kindling.models.onnx.OnnxGraph.AttributeType;
import dev.kindling.models.onnx.OnnxGraph.Dim;
import dev.kindling.models.onnx.OnnxGraph.Node;
import dev.kindling.models.onnx.OnnxGraph.ValueInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ONNX models.
 *
 * <p>Example:
 * <pre>{@code
 * OnnxModel m = OnnxModelReader.read(Path.of("data/minilm/all-minilm-l6-v2.onnx"));
 * Tensor emb = m.graph().initializer("embeddings.word_embeddings.weight").toTensor();   // [30522, 384]
 * }</pre>
 *
 * <p>Files are memory-mapped; tensors in raw_data are views of the mapping (no copy until converted).
 */
public final class OnnxModelReader {
    private final String source;
    private final Path externalDataDir;   // null: external data is an error

    private OnnxModelReader(String source, Path externalDataDir) {
        this.source = source;
        this.externalDataDir = externalDataDir;
    }

    /** Reads {@code file}; external data locations are resolved against its directory. */
    public static OnnxModel read(Path file) throws IOException {
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) throw new OnnxFormatException(file + ": " + size + " bytes; an ONNX "
                    + "protobuf is limited to 2 GiB (larger models keep their weights in external data files)", -1);
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "ONNX model file not found");
        }
        Path dir = file.toAbsolutePath().getParent();
        return new OnnxModelReader(file.toString(), dir).model(new ProtoReader(mapped, file.toString()));
    }

    /** Reads a model held in memory; {@code externalDataDir} may be null when the model has no external data. */
    public static OnnxModel read(byte[] bytes, String source, Path externalDataDir) throws OnnxFormatException {
        return new OnnxModelReader(source, externalDataDir).model(new ProtoReader(ByteBuffer.wrap(bytes), source));
    }

    /** Reads a whole stream (e.g. a classpath resource); the model must not use external data. */
    public static OnnxModel read(InputStream in, String source) throws IOException {
        return read(in.readAllBytes(), source, null);
    }

    // ---------------------------------------------------------------- ModelProto

    private OnnxModel model(ProtoReader r) throws OnnxFormatException {
        long irVersion = 0, modelVersion = 0;
        String producer = "", producerVersion = "", domain = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        OnnxGraph graph = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> irVersion = varint(r, tag);
                case 2 -> producer = string(r, tag);
                case 3 -> producerVersion = string(r, tag);
                case 4 -> domain = string(r, tag);
                case 5 -> modelVersion = varint(r, tag);
                case 7 -> graph = graph(message(r, tag));
                case 8 -> {
                    ProtoReader o = message(r, tag);
                    String d = "";
                    long v = 0;
                    while (o.hasMore()) {
                        int t = o.readTag();
                        switch (ProtoReader.fieldNumber(t)) {
                            case 1 -> d = string(o, t);
                            case 2 -> v = varint(o, t);
                            default -> o.skip(t);
                        }
                    }
                    opsets.put(d, v);
                }
                case 14 -> {
                    String[] kv = stringPair(message(r, tag));
                    metadata.put(kv[0], kv[1]);
                }
                default -> r.skip(tag);
            }
        }
        if (graph == null) throw r.error("no graph in the model (field 7 of ModelProto missing; is this an "
                + "ONNX file?)", r.end());
        return new OnnxModel(irVersion, producer, producerVersion, domain, modelVersion, opsets, metadata, graph);
    }

    // ---------------------------------------------------------------- GraphProto

    private OnnxGraph graph(ProtoReader r) throws OnnxFormatException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> nodes.add(node(message(r, tag)));
                case 2 -> name = string(r, tag);
                case 5 -> {
                    int at = r.fieldStart();
                    OnnxTensor t = tensor(message(r, tag));
                    if (inits.put(t.name(), t) != null) throw r.error("duplicate initializer '" + t.name() + "'", at);
                }
                case 11 -> inputs.add(valueInfo(message(r, tag)));
                case 12 -> outputs.add(valueInfo(message(r, tag)));
                case 15 -> throw r.error("sparse_initializer is not supported (the graph stores a sparse weight)",
                        r.fieldStart());
                default -> r.skip(tag);
            }
        }
        return new OnnxGraph(name, nodes, inits, inputs, outputs);
    }

    private Node node(ProtoReader r) throws OnnxFormatException {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        String name = "", op = "", domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> in.add(string(r, tag));
                case 2 -> out.add(string(r, tag));
                case 3 -> name = string(r, tag);
                case 4 -> op = string(r, tag);
                case 5 -> {
                    Attribute a = attribute(message(r, tag));
                    attrs.put(a.name(), a);
                }
                case 7 -> domain = string(r, tag);
                default -> r.skip(tag);
            }
        }
        if (op.isEmpty()) throw r.error("node '" + name + "' has no op_type", r.end());
        return new Node(name, op, domain, in, out, attrs);
    }

    private Attribute attribute(ProtoReader r) throws OnnxFormatException {
        String name = "", s = "";
        long type = 0, i = 0;
        float f = 0;
        OnnxTensor t = null;
        OnnxGraph g = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<String> strings = new ArrayList<>();
        List<OnnxTensor> tensors = new ArrayList<>();
        List<OnnxGraph> graphs = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> name = string(r, tag);
                case 2 -> {
                    r.expect(tag, ProtoReader.FIXED32);
                    f = r.readFloat();
                }
                case 3 -> i = varint(r, tag);
                case 4 -> s = lenientString(r, tag);
                case 5 -> t = tensor(message(r, tag));
                case 6 -> g = graph(message(r, tag));
                case 7 -> floats.read(r, tag);
                case 8 -> r.readRepeatedVarint(tag, ints::add);
                case 9 -> strings.add(lenientString(r, tag));
                case 10 -> tensors.add(tensor(message(r, tag)));
                case 11 -> graphs.add(graph(message(r, tag)));
                case 20 -> type = varint(r, tag);
                default -> r.skip(tag);
            }
        }
        return new Attribute(name, AttributeType.ofCode(type), f, i, s, t, g, floats.toArray(), ints.toArray(),
                strings, tensors, graphs);
    }

    private ValueInfo valueInfo(ProtoReader r) throws OnnxFormatException {
        String name = "";
        OnnxDataType elem = null;
        List<Dim> shape = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            if (ProtoReader.fieldNumber(tag) == 1) {
                name = string(r, tag);
            } else if (ProtoReader.fieldNumber(tag) == 2) {            // TypeProto
                ProtoReader type = message(r, tag);
                while (type.hasMore()) {
                    int tt = type.readTag();
                    if (ProtoReader.fieldNumber(tt) != 1) {            // only tensor_type is decoded
                        type.skip(tt);
                        continue;
                    }
                    ProtoReader tensorType = message(type, tt);
                    while (tensorType.hasMore()) {
                        int t3 = tensorType.readTag();
                        switch (ProtoReader.fieldNumber(t3)) {
                            case 1 -> elem = OnnxDataType.ofCode(varint(tensorType, t3));
                            case 2 -> shape = shape(message(tensorType, t3));
                            default -> tensorType.skip(t3);
                        }
                    }
                }
            } else {
                r.skip(tag);
            }
        }
        return new ValueInfo(name, elem, shape);
    }

    private List<Dim> shape(ProtoReader r) throws OnnxFormatException {
        List<Dim> dims = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            if (ProtoReader.fieldNumber(tag) != 1) {
                r.skip(tag);
                continue;
            }
            ProtoReader d = message(r, tag);
            long value = -1;
            String param = null;
            while (d.hasMore()) {
                int t = d.readTag();
                switch (ProtoReader.fieldNumber(t)) {
                    case 1 -> value = varint(d, t);
                    case 2 -> param = string(d, t);
                    default -> d.skip(t);
                }
            }
            dims.add(new Dim(value, param));
        }
        return dims;
    }

    // ---------------------------------------------------------------- TensorProto

    private OnnxTensor tensor(ProtoReader r) throws OnnxFormatException {
        int at = r.position();
        LongList dims = new LongList();
        long dataTypeCode = 0;
        String name = "";
        ByteBuffer raw = null;
        FixedChunks floatData = new FixedChunks(4), doubleData = new FixedChunks(8);
        LongList int32Data = new LongList(), int64Data = new LongList(), uint64Data = new LongList();
        List<byte[]> stringData = new ArrayList<>();
        Map<String, String> external = new LinkedHashMap<>();
        long location = 0;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> r.readRepeatedVarint(tag, dims::add);
                case 2 -> dataTypeCode = varint(r, tag);
                case 3 -> throw r.error("segmented tensors (TensorProto.segment) are not supported", r.fieldStart());
                case 4 -> floatData.read(r, tag);
                case 5 -> r.readRepeatedVarint(tag, int32Data::add);
                case 6 -> {
                    r.expect(tag, ProtoReader.LENGTH_DELIMITED);
                    ByteBuffer b = r.readBytes();
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    stringData.add(copy);
                }
                case 7 -> r.readRepeatedVarint(tag, int64Data::add);
                case 8 -> name = string(r, tag);
                case 9 -> {
                    r.expect(tag, ProtoReader.LENGTH_DELIMITED);
                    raw = r.readBytes();
                }
                case 10 -> doubleData.read(r, tag);
                case 11 -> r.readRepeatedVarint(tag, uint64Data::add);
                case 13 -> {
                    String[] kv = stringPair(message(r, tag));
                    external.put(kv[0], kv[1]);
                }
                case 14 -> location = varint(r, tag);
                default -> r.skip(tag);
            }
        }
        String what = "tensor '" + name + "' (TensorProto at byte " + at + ")";
        OnnxDataType type = OnnxDataType.ofCode(dataTypeCode);
        if (type == null || type == OnnxDataType.UNDEFINED) {
            throw r.error(what + ": unsupported data_type " + dataTypeCode, at);
        }
        long[] shape = dims.toArray();
        long numel = OnnxTensor.numel(shape);
        if (numel < 0) throw r.error(what + ": invalid dims " + Arrays.toString(shape), at);
        if (type == OnnxDataType.STRING) {
            if (stringData.size() != numel) throw r.error(what + ": dims " + Arrays.toString(shape) + " need " + numel
                    + " strings, string_data has " + stringData.size(), at);
            return OnnxTensor.ofStrings(name, shape, stringData);
        }
        if (type == OnnxDataType.COMPLEX64 || type == OnnxDataType.COMPLEX128) {
            throw r.error(what + ": complex tensors are not supported", at);
        }
        if (numel > Integer.MAX_VALUE / type.byteSize() && !isExternalLocation(location)) {
            throw r.error(what + ": dims " + Arrays.toString(shape) + " hold " + numel + " elements, more than an "
                    + "ONNX protobuf (2 GiB) can store inline", at);
        }
        if (numel > Long.MAX_VALUE / 16) throw r.error(what + ": invalid dims " + Arrays.toString(shape), at);
        long bytesNeeded = numel * type.byteSize();
        ByteBuffer data;
        boolean isExternal = location == 1;
        if (isExternal) {
            data = externalData(r, what, at, external, bytesNeeded);
        } else if (location != 0) {
            throw r.error(what + ": unknown data_location " + location, at);
        } else if (raw != null) {
            data = raw;
        } else {
            data = typedData(r, what, at, type, numel, floatData, doubleData, int32Data, int64Data, uint64Data);
        }
        if (data.remaining() != bytesNeeded) {
            throw r.error(what + ": dims " + Arrays.toString(shape) + " of " + type + " need " + bytesNeeded
                    + " bytes, the data has " + data.remaining(), at);
        }
        return OnnxTensor.of(name, type, shape, data, isExternal);
    }

    private static boolean isExternalLocation(long location) {
        return location == 1;
    }

    /** The elements of a tensor stored in the typed repeated field its type uses, as raw_data-layout bytes. */
    private static ByteBuffer typedData(ProtoReader r, String what, int at, OnnxDataType type, long numel,
            FixedChunks floatData, FixedChunks doubleData, LongList int32Data, LongList int64Data, LongList uint64Data)
            throws OnnxFormatException {
        LongList ints;
        String field;
        switch (type) {
            case FLOAT -> {
                checkCount(r, what, at, numel, floatData.count(), "float_data");
                return floatData.concat();
            }
            case DOUBLE -> {
                checkCount(r, what, at, numel, doubleData.count(), "double_data");
                return doubleData.concat();
            }
            case INT64 -> {
                ints = int64Data;
                field = "int64_data";
            }
            case UINT32, UINT64 -> {
                ints = uint64Data;
                field = "uint64_data";
            }
            default -> {          // INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16
                ints = int32Data;
                field = "int32_data";
            }
        }
        if (numel > 0 && ints.size() == 0 && floatData.count() + doubleData.count() + int32Data.size()
                + int64Data.size() + uint64Data.size() > 0) {
            throw r.error(what + ": a " + type + " tensor must keep its values in raw_data or " + field
                    + ", found them in another field", at);
        }
        checkCount(r, what, at, numel, ints.size(), field);
        int size = type.byteSize();
        ByteBuffer out = ByteBuffer.allocate((int) numel * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ints.size(); i++) {
            long v = ints.get(i);
            if (!fits(type, v)) throw r.error(what + ": " + field + "[" + i + "] = " + v + " is out of range for "
                    + type, at);
            switch (size) {
                case 1 -> out.put((byte) v);
                case 2 -> out.putShort((short) v);
                case 4 -> out.putInt((int) v);
                default -> out.putLong(v);
            }
        }
        return out.flip();
    }

    private static boolean fits(OnnxDataType type, long v) {
        return switch (type) {
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case UINT8 -> v >= 0 && v <= 0xFF;
            case BOOL -> v == 0 || v == 1;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case UINT16, FLOAT16, BFLOAT16 -> v >= 0 && v <= 0xFFFF;
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case UINT32 -> v >= 0 && v <= 0xFFFFFFFFL;
            default -> true;
        };
    }

    private static void checkCount(ProtoReader r, String what, int at, long numel, long have, String field)
            throws OnnxFormatException {
        if (have != numel) throw r.error(what + ": dims hold " + numel + " elements, " + field + " has " + have
                + (have == 0 ? " (the tensor has no data)" : ""), at);
    }

    /** Maps the external-data region of a tensor (keys location, offset, length) and checks it. */
    private ByteBuffer externalData(ProtoReader r, String what, int at, Map<String, String> kv, long bytesNeeded)
            throws OnnxFormatException {
        String location = kv.get("location");
        if (location == null || location.isEmpty()) throw r.error(what + ": external data without a 'location'", at);
        if (externalDataDir == null) throw r.error(what + ": stored in external file '" + location
                + "', but the model was read from memory; read it from its file so the location can be resolved", at);
        Path rel, file;
        try {
            rel = Path.of(location);
            file = externalDataDir.resolve(rel).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw r.error(what + ": external data location '" + location + "' is not a valid path", at);
        }
        if (rel.isAbsolute() || !file.startsWith(externalDataDir.normalize())) {
            throw r.error(what + ": external data location '" + location + "' leaves the model's directory", at);
        }
        long offset = parseKey(r, what, at, kv, "offset", 0);
        long length = parseKey(r, what, at, kv, "length", -1);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (length < 0) length = size - offset;
            if (offset > size || length > size - offset) throw r.error(what + ": external data [" + offset + ", "
                    + (offset + length) + ") lies past the end of " + file + " (" + size + " bytes)", at);
            if (length != bytesNeeded) throw r.error(what + ": needs " + bytesNeeded + " bytes, external data "
                    + "length is " + length + " (" + file.getFileName() + ")", at);
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw r.error(what + ": external data file " + file + " not found", at);
        } catch (IOException e) {
            throw new OnnxFormatException(source + ": " + what + ": cannot read external data " + file + ": "
                    + e.getMessage(), at, e);
        }
    }

    private static long parseKey(ProtoReader r, String what, int at, Map<String, String> kv, String key, long fallback)
            throws OnnxFormatException {
        String v = kv.get(key);
        if (v == null) return fallback;
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw r.error(what + ": external data '" + key + "' = '" + v + "' is not a non-negative integer", at);
        }
    }

    // ---------------------------------------------------------------- field helpers

    private static long varint(ProtoReader r, int tag) throws OnnxFormatException {
        r.expect(tag, ProtoReader.VARINT);
        return r.readVarint();
    }

    private static String string(ProtoReader r, int tag) throws OnnxFormatException {
        r.expect(tag, ProtoReader.LENGTH_DELIMITED);
        return r.readString();
    }

    /** Attribute bytes are arbitrary; decode them as UTF-8 with replacement rather than failing. */
    private static String lenientString(ProtoReader r, int tag) throws OnnxFormatException {
        r.expect(tag, ProtoReader.LENGTH_DELIMITED);
        ByteBuffer b = r.readBytes();
        return java.nio.charset.StandardCharsets.UTF_8.decode(b).toString();
    }

    private static ProtoReader message(ProtoReader r, int tag) throws OnnxFormatException {
        r.expect(tag, ProtoReader.LENGTH_DELIMITED);
        return r.readMessage();
    }

    /** A StringStringEntryProto: {key, value}. */
    private static String[] stringPair(ProtoReader r) throws OnnxFormatException {
        String[] kv = {"", ""};
        while (r.hasMore()) {
            int t = r.readTag();
            switch (ProtoReader.fieldNumber(t)) {
                case 1 -> kv[0] = string(r, t);
                case 2 -> kv[1] = string(r, t);
                default -> r.skip(t);
            }
        }
        return kv;
    }

    /** A growable long[]. */
    private static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long get(int i) {
            return a[i];
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable float[] for repeated float attributes (packed or one per tag). */
    private static final class FloatList {
        private float[] a = new float[4];
        private int n;

        void read(ProtoReader r, int tag) throws OnnxFormatException {
            if (ProtoReader.wireType(tag) == ProtoReader.FIXED32) {
                add(r.readFloat());
            } else if (ProtoReader.wireType(tag) == ProtoReader.LENGTH_DELIMITED) {
                ProtoReader p = r.readMessage();
                if ((p.end() - p.position()) % 4 != 0) throw r.error("packed floats of " + (p.end() - p.position())
                        + " bytes, not a multiple of 4", r.fieldStart());
                while (p.hasMore()) add(p.readFloat());
            } else {
                throw r.wrongWireType(tag, "fixed32 or packed fixed32");
            }
        }

        void add(float v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /**
     * A repeated fixed-width field (float_data, double_data), packed or not: kept as views of the source, joined
     * only when the field occurs more than once.
     */
    private static final class FixedChunks {
        private final int width;
        private final List<ByteBuffer> chunks = new ArrayList<>();
        private long bytes;

        FixedChunks(int width) {
            this.width = width;
        }

        void read(ProtoReader r, int tag) throws OnnxFormatException {
            int wire = ProtoReader.wireType(tag), single = width == 4 ? ProtoReader.FIXED32 : ProtoReader.FIXED64;
            ByteBuffer b;
            if (wire == ProtoReader.LENGTH_DELIMITED) {
                b = r.readBytes();
                if (b.remaining() % width != 0) throw r.error("packed field " + ProtoReader.fieldNumber(tag) + " of "
                        + b.remaining() + " bytes, not a multiple of " + width, r.fieldStart());
            } else if (wire == single) {
                b = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
                if (width == 4) b.putInt(0, r.readFixed32());
                else b.putLong(0, r.readFixed64());
            } else {
                throw r.wrongWireType(tag, "packed or single fixed" + (width * 8));
            }
            chunks.add(b);
            bytes += b.remaining();
        }

        long count() {
            return bytes / width;
        }

        ByteBuffer concat() {
            if (chunks.size() == 1) return chunks.get(0);
            ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
            for (ByteBuffer c : chunks) out.put(c.duplicate());
            return out.flip();
        }
    }
}
