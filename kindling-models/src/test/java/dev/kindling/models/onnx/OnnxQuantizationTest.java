// OnnxQuantizationTest: int8/uint8 weights with per-tensor and per-channel scales and zero points, dequantized to
// the exact float values (q - zero_point) * scale, with the channel axis taken from the graph.
package dev.kindling.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxQuantizationTest {
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3;

    static ProtoWriter int8(String name, long[] dims, long... values) {
        return ProtoWriter.tensor(name, INT8, dims).packedVarints(5, values);
    }

    @Test
    void matMulIntegerWeightsArePerColumn() throws Exception {
        // W_quantized [2, 3] int8, per output column (axis 1): scale [3], zero point [3]
        ProtoWriter g = new ProtoWriter()
                .message(1, ProtoWriter.node("MatMulInteger", new String[] {"xq", "W_quantized", "xzp", "W_zero_point"},
                        new String[] {"y"}))
                .message(5, int8("W_quantized", new long[] {2, 3}, 10, -20, 30, -128, 0, 127))
                .message(5, ProtoWriter.tensor("W_scale", FLOAT, 3).packedFloats(4, 0.5f, 0.25f, 2f))
                .message(5, int8("W_zero_point", new long[] {3}, 0, 4, -1))
                .message(5, ProtoWriter.tensor("bias", FLOAT, 3).packedFloats(4, 1, 2, 3));
        OnnxGraph graph = OnnxModelReader.read(ProtoWriter.model(g), "q.onnx", null).graph();
        assertThat(OnnxQuantization.isQuantized(graph)).isTrue();
        Map<String, OnnxTensor> w = OnnxQuantization.dequantize(graph);
        assertThat(w.keySet()).containsExactly("W", "bias");          // scale and zero point are consumed
        assertThat(w.get("W").dims()).containsExactly(2, 3);
        assertThat(w.get("W").toFloatArray()).containsExactly(
                (10 - 0) * 0.5f, (-20 - 4) * 0.25f, (30 + 1) * 2f,
                (-128 - 0) * 0.5f, (0 - 4) * 0.25f, (127 + 1) * 2f);
        assertThat(w.get("bias").toFloatArray()).containsExactly(1, 2, 3);
    }

    @Test
    void uint8EmbeddingsWithOneScale() throws Exception {
        ProtoWriter g = new ProtoWriter()
                .message(5, ProtoWriter.tensor("E_quantized", UINT8, 2, 2).bytes(9, new byte[] {0, (byte) 128, (byte) 255, 1}))
                .message(5, ProtoWriter.tensor("E_scale", FLOAT).packedFloats(4, 0.01f))
                .message(5, ProtoWriter.tensor("E_zero_point", UINT8).bytes(9, new byte[] {(byte) 128}));
        OnnxTensor e = OnnxQuantization.dequantize(OnnxModelReader.read(ProtoWriter.model(g), "q.onnx", null).graph())
                .get("E");
        assertThat(e.toFloatArray()).containsExactly(-128 * 0.01f, 0f, 127 * 0.01f, -127 * 0.01f);
    }

    @Test
    void dequantizeLinearAxisDecidesSquareWeightsAndAmbiguityIsAnError() throws Exception {
        ProtoWriter parts = new ProtoWriter()
                .message(5, int8("S_quantized", new long[] {2, 2}, 1, 2, 3, 4))
                .message(5, ProtoWriter.tensor("S_scale", FLOAT, 2).packedFloats(4, 1f, 10f));
        ProtoWriter withAxis0 = new ProtoWriter().raw(parts.bytes()).message(1, ProtoWriter.node("DequantizeLinear",
                new String[] {"S_quantized", "S_scale"}, new String[] {"S"},
                new ProtoWriter().string(1, "axis").varint(20, 2).varint(3, 0)));
        OnnxTensor rows = OnnxQuantization.dequantize(
                OnnxModelReader.read(ProtoWriter.model(withAxis0), "q.onnx", null).graph()).get("S");
        assertThat(rows.toFloatArray()).containsExactly(1, 2, 30, 40);   // row 1 scaled by 10
        assertThatThrownBy(() -> OnnxQuantization.dequantize(
                OnnxModelReader.read(ProtoWriter.model(parts), "q.onnx", null).graph()))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("several axes");
    }

    @Test
    void mismatchedScaleOrZeroPointIsRejected() {
        ProtoWriter badZero = new ProtoWriter()
                .message(5, int8("W_quantized", new long[] {2, 3}, 1, 2, 3, 4, 5, 6))
                .message(5, ProtoWriter.tensor("W_scale", FLOAT, 3).packedFloats(4, 1, 1, 1))
                .message(5, ProtoWriter.tensor("W_zero_point", UINT8, 3).bytes(9, new byte[3]));
        assertThatThrownBy(() -> OnnxQuantization.dequantize(
                OnnxModelReader.read(ProtoWriter.model(badZero), "q.onnx", null).graph()))
                .hasMessageContaining("zero point 'W_zero_point' is UINT8");
        ProtoWriter badScale = new ProtoWriter()
                .message(5, int8("W_quantized", new long[] {2, 3}, 1, 2, 3, 4, 5, 6))
                .message(5, ProtoWriter.tensor("W_scale", FLOAT, 4).packedFloats(4, 1, 1, 1, 1));
        assertThatThrownBy(() -> OnnxQuantization.dequantize(
                OnnxModelReader.read(ProtoWriter.model(badScale), "q.onnx", null).graph()))
                .hasMessageContaining("4 per-channel scales match no axis");
    }
}
