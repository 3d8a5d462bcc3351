// OnnxModelReaderTest: a tiny hand-built ONNX model (every initializer storage: raw_data, typed fields, external
// data), its graph structure and attributes, and corrupt files that must fail with a clear OnnxFormatException.
package dev.kindling.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelReaderTest {
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT64 = 7, BOOL = 9, FLOAT16 = 10, DOUBLE = 11, BFLOAT16 = 16;

    /** y = x @ W + b, plus one initializer for each storage field and a node with every attribute kind. */
    static ProtoWriter tinyGraph() {
        ProtoWriter g = new ProtoWriter();
        g.message(1, ProtoWriter.node("MatMul", new String[] {"x", "W"}, new String[] {"h"}));
        g.message(1, ProtoWriter.node("Add", new String[] {"h", "b"}, new String[] {"y"}));
        g.message(1, ProtoWriter.node("Constant", new String[] {}, new String[] {"c"},
                new ProtoWriter().string(1, "value").varint(20, 4)
                        .message(5, ProtoWriter.tensor("", FLOAT).packedFloats(4, 0.5f))));
        g.message(1, ProtoWriter.node("Custom", new String[] {"y", "", "c"}, new String[] {"z"},
                new ProtoWriter().string(1, "alpha").varint(20, 1).fixed32(2, 0.25f),
                new ProtoWriter().string(1, "axis").varint(20, 2).varint(3, -1),
                new ProtoWriter().string(1, "mode").varint(20, 3).string(4, "linear"),
                new ProtoWriter().string(1, "perm").varint(20, 7).packedVarints(8, 1, 0, 2),
                new ProtoWriter().string(1, "scales").varint(20, 6).packedFloats(7, 1f, 2f),
                new ProtoWriter().string(1, "names").varint(20, 8).string(9, "a").string(9, "b")));
        g.string(2, "tiny");
        g.message(5, ProtoWriter.tensor("W", FLOAT, 2, 3).bytes(9, ProtoWriter.floatsLE(1, 2, 3, 4, 5, 6)));
        g.message(5, ProtoWriter.tensor("b", FLOAT, 3).packedFloats(4, 0.5f, -0.5f, 2f));
        g.message(5, ProtoWriter.tensor("steps", INT64, 2).packedVarints(7, 5, -3));
        g.message(5, ProtoWriter.tensor("q8", INT8, 4).packedVarints(5, -128, -1, 0, 127));
        g.message(5, ProtoWriter.tensor("u8", UINT8, 2).bytes(9, new byte[] {(byte) 200, 7}));
        g.message(5, ProtoWriter.tensor("d", DOUBLE, 2).packedDoubles(10, 0.125, -4));
        g.message(5, ProtoWriter.tensor("h16", FLOAT16, 2).bytes(9, new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0}));
        g.message(5, ProtoWriter.tensor("bf", BFLOAT16, 1).packedVarints(5, 0x3FC0));
        g.message(5, ProtoWriter.tensor("flag", BOOL, 2).packedVarints(5, 1, 0));
        g.message(5, ProtoWriter.tensor("scalar", FLOAT).fixed32(4, 3.5f));
        g.message(11, ProtoWriter.valueInfo("x", FLOAT, "batch", 2L));
        g.message(12, ProtoWriter.valueInfo("y", FLOAT, "batch", 3L));
        return g;
    }

    static OnnxModel read(ProtoWriter graph) throws OnnxFormatException {
        return OnnxModelReader.read(ProtoWriter.model(graph), "tiny.onnx", null);
    }

    @Test
    void readsModelHeaderGraphStructureAndValueInfos() throws Exception {
        OnnxModel m = read(tinyGraph());
        assertThat(m.irVersion()).isEqualTo(8);
        assertThat(m.producerName()).isEqualTo("kindling-test");
        assertThat(m.opsets()).containsEntry("", 13L);
        OnnxGraph g = m.graph();
        assertThat(g.name()).isEqualTo("tiny");
        assertThat(g.nodes()).extracting(OnnxGraph.Node::opType).containsExactly("MatMul", "Add", "Constant", "Custom");
        assertThat(g.consumers("h")).extracting(OnnxGraph.Node::opType).containsExactly("Add");
        assertThat(g.producer("y").opType()).isEqualTo("Add");
        assertThat(g.producer("W")).isNull();
        assertThat(g.constant("c").toFloatArray()).containsExactly(0.5f);
        assertThat(g.constant("b").toFloatArray()).containsExactly(0.5f, -0.5f, 2f);
        assertThat(g.inputs()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("x");
            assertThat(v.elemType()).isEqualTo(OnnxDataType.FLOAT);
            assertThat(v.shape()).extracting(Object::toString).containsExactly("batch", "2");
        });
        assertThat(g.outputs().get(0).shape().get(1).value()).isEqualTo(3);
        assertThat(g.initializers()).hasSize(10);
        assertThat(m.numInitializerElements()).isEqualTo(6 + 3 + 2 + 4 + 2 + 2 + 2 + 1 + 2 + 1);
    }

    @Test
    void decodesEveryAttributeKind() throws Exception {
        OnnxGraph.Node n = read(tinyGraph()).graph().nodes().get(3);
        assertThat(n.input(1)).isNull();                       // "" marks an omitted optional input
        assertThat(n.input(2)).isEqualTo("c");
        var a = n.attributes();
        assertThat(a.get("alpha").type()).isEqualTo(OnnxGraph.AttributeType.FLOAT);
        assertThat(a.get("alpha").f()).isEqualTo(0.25f);
        assertThat(n.intAttribute("axis", 0)).isEqualTo(-1);
        assertThat(n.intAttribute("missing", 7)).isEqualTo(7);
        assertThat(a.get("mode").s()).isEqualTo("linear");
        assertThat(a.get("perm").ints()).containsExactly(1, 0, 2);
        assertThat(a.get("scales").floats()).containsExactly(1f, 2f);
        assertThat(a.get("names").strings()).containsExactly("a", "b");
    }

    @Test
    void decodesEveryInitializerStorage() throws Exception {
        OnnxGraph g = read(tinyGraph()).graph();
        Tensor w = g.initializer("W").toTensor();
        assertThat(w.shape()).containsExactly(2, 3);
        assertThat(w.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(g.initializer("b").toFloatArray()).containsExactly(0.5f, -0.5f, 2f);
        Tensor steps = g.initializer("steps").toTensor();
        assertThat(steps.dtype()).isEqualTo(DType.INT64);
        assertThat(steps.toLongArray()).containsExactly(5, -3);
        assertThat(g.initializer("q8").toLongArray()).containsExactly(-128, -1, 0, 127);
        assertThat(g.initializer("q8").rawData().get(0)).isEqualTo((byte) -128);  // typed fields become raw layout
        assertThat(g.initializer("u8").toLongArray()).containsExactly(200, 7);
        assertThat(g.initializer("u8").toFloatArray()).containsExactly(200f, 7f);
        assertThat(g.initializer("d").toFloatArray()).containsExactly(0.125f, -4f);
        assertThat(g.initializer("h16").toFloatArray()).containsExactly(1f, -2f);
        assertThat(g.initializer("bf").toFloatArray()).containsExactly(1.5f);
        assertThat(g.initializer("flag").toTensor().toBoolArray()).containsExactly(true, false);
        OnnxTensor s = g.initializer("scalar");
        assertThat(s.dims()).isEmpty();
        assertThat(s.toTensor().item()).isEqualTo(3.5f);
        assertThat(s.isExternal()).isFalse();
    }

    @Test
    void readsExternalDataRelativeToTheModelFile(@TempDir Path dir) throws Exception {
        ByteBuffer weights = ByteBuffer.allocate(8 + 24).order(ByteOrder.LITTLE_ENDIAN);
        weights.putLong(0x1122334455667788L);                // unrelated bytes before the tensor
        for (float v : new float[] {-1, 0.5f, 2, 3, 4, 5.25f}) weights.putFloat(v);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/weights.bin"), weights.array());
        Files.write(dir.resolve("model.onnx"), ProtoWriter.model(graphWithExternal("sub/weights.bin", "8", "24")));
        OnnxTensor e = OnnxModelReader.read(dir.resolve("model.onnx")).graph().initializer("E");
        assertThat(e.isExternal()).isTrue();
        assertThat(e.toTensor().shape()).containsExactly(3, 2);
        assertThat(e.toFloatArray()).containsExactly(-1, 0.5f, 2, 3, 4, 5.25f);

        Files.write(dir.resolve("bad-length.onnx"), ProtoWriter.model(graphWithExternal("sub/weights.bin", "8", "20")));
        assertThatThrownBy(() -> OnnxModelReader.read(dir.resolve("bad-length.onnx")))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("'E'").hasMessageContaining("needs 24 bytes");
        Files.write(dir.resolve("past-end.onnx"), ProtoWriter.model(graphWithExternal("sub/weights.bin", "16", "24")));
        assertThatThrownBy(() -> OnnxModelReader.read(dir.resolve("past-end.onnx"))).hasMessageContaining("past the end");
        Files.write(dir.resolve("escape.onnx"), ProtoWriter.model(graphWithExternal("../weights.bin", "0", "24")));
        assertThatThrownBy(() -> OnnxModelReader.read(dir.resolve("escape.onnx")))
                .hasMessageContaining("leaves the model's directory");
        Files.write(dir.resolve("missing.onnx"), ProtoWriter.model(graphWithExternal("nope.bin", "0", "24")));
        assertThatThrownBy(() -> OnnxModelReader.read(dir.resolve("missing.onnx"))).hasMessageContaining("not found");
        assertThatThrownBy(() -> read(graphWithExternal("sub/weights.bin", "8", "24")))
                .hasMessageContaining("read from memory");
    }

    private static ProtoWriter graphWithExternal(String location, String offset, String length) {
        ProtoWriter t = ProtoWriter.tensor("E", FLOAT, 3, 2)
                .message(13, new ProtoWriter().string(1, "location").string(2, location))
                .message(13, new ProtoWriter().string(1, "offset").string(2, offset))
                .message(13, new ProtoWriter().string(1, "length").string(2, length))
                .varint(14, 1);
        return new ProtoWriter().message(5, t);
    }

    @Test
    void dimsThatDisagreeWithTheDataAreRejected() {
        ProtoWriter raw = new ProtoWriter().message(5, ProtoWriter.tensor("W", FLOAT, 2, 3)
                .bytes(9, ProtoWriter.floatsLE(1, 2, 3, 4, 5)));
        assertThatThrownBy(() -> read(raw)).isInstanceOf(OnnxFormatException.class).hasMessageContaining("'W'")
                .hasMessageContaining("need 24 bytes, the data has 20");
        ProtoWriter typed = new ProtoWriter().message(5, ProtoWriter.tensor("b", FLOAT, 3).packedFloats(4, 1, 2));
        assertThatThrownBy(() -> read(typed)).hasMessageContaining("'b'").hasMessageContaining("float_data has 2");
        ProtoWriter none = new ProtoWriter().message(5, ProtoWriter.tensor("empty", INT64, 4));
        assertThatThrownBy(() -> read(none)).hasMessageContaining("no data");
        ProtoWriter range = new ProtoWriter().message(5, ProtoWriter.tensor("q", INT8, 1).packedVarints(5, 300));
        assertThatThrownBy(() -> read(range)).hasMessageContaining("out of range for INT8");
        ProtoWriter type = new ProtoWriter().message(5, ProtoWriter.tensor("t", 99, 1).bytes(9, new byte[4]));
        assertThatThrownBy(() -> read(type)).hasMessageContaining("unsupported data_type 99");
        ProtoWriter huge = new ProtoWriter().message(5, ProtoWriter.tensor("h", FLOAT, 1L << 40, 1L << 40)
                .bytes(9, new byte[4]));
        assertThatThrownBy(() -> read(huge)).isInstanceOf(OnnxFormatException.class).hasMessageContaining("'h'");
    }

    @Test
    void aFileWithoutAGraphIsRejected() {
        byte[] notOnnx = new ProtoWriter().varint(1, 8).bytes();
        assertThatThrownBy(() -> OnnxModelReader.read(notOnnx, "x.onnx", null)).hasMessageContaining("no graph");
        byte[] text = "hello, this is not protobuf".getBytes();
        assertThatThrownBy(() -> OnnxModelReader.read(text, "x.onnx", null)).isInstanceOf(OnnxFormatException.class);
    }

    @Test
    void everyTruncationInsideTheGraphFailsWithAnOffset() {
        byte[] full = ProtoWriter.model(tinyGraph());
        int graphEnd = full.length - new ProtoWriter().message(8, new ProtoWriter().string(1, "").varint(2, 13))
                .bytes().length;
        for (int cut = 1; cut < graphEnd; cut++) {
            byte[] prefix = Arrays.copyOf(full, cut);
            int at = cut;
            assertThatThrownBy(() -> OnnxModelReader.read(prefix, "cut.onnx", null))
                    .as("cut at %d", at).isInstanceOf(OnnxFormatException.class)
                    .satisfies(e -> assertThat(((OnnxFormatException) e).offset()).isBetween(0L, (long) at));
        }
    }

    @Test
    void randomByteCorruptionNeverEscapesAsAnotherException() {
        byte[] full = ProtoWriter.model(tinyGraph());
        Random rnd = new Random(7);
        int failures = 0;
        for (int trial = 0; trial < 1000; trial++) {
            byte[] b = full.clone();
            for (int k = 0; k <= trial % 3; k++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            try {
                OnnxModel m = OnnxModelReader.read(b, "fuzz.onnx", null);
                for (OnnxTensor t : m.graph().initializers().values()) {
                    if (t.dataType().byteSize() > 0) assertThat(t.rawData().remaining())
                            .isEqualTo(t.numel() * t.dataType().byteSize());
                }
            } catch (OnnxFormatException e) {
                failures++;
                assertThat(e.getMessage()).contains("fuzz.onnx");
            }
        }
        assertThat(failures).isGreaterThan(50);
    }

    @Test
    void float16ConversionMatchesKnownValues() throws Exception {
        // 0x3555 ~ 0.33325, 0x7BFF = 65504 (max), 0x0001 = 2^-24 (smallest subnormal)
        ProtoWriter g = new ProtoWriter().message(5, ProtoWriter.tensor("h", FLOAT16, 3)
                .bytes(9, new byte[] {0x55, 0x35, (byte) 0xFF, 0x7B, 0x01, 0x00}));
        float[] v = read(g).graph().initializer("h").toFloatArray();
        assertThat(v[0]).isCloseTo(0.33325f, within(1e-5f));
        assertThat(v[1]).isEqualTo(65504f);
        assertThat(v[2]).isEqualTo((float) Math.pow(2, -24));
    }
}
