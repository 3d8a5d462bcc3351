// OnnxBertWeightsTest: a tiny hand-built BERT graph in the shape PyTorch exports it (anonymous MatMul weights
// [in, out], bias Add, scaled attention, decomposed LayerNorm), float and dynamically quantized; the importer must
// name and transpose every weight and read the architecture from the graph.
package dev.kindling.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnnxBertWeightsTest {
    static final int FLOAT = 1, INT8 = 3;
    static final int HIDDEN = 4, FFN = 6, VOCAB = 5, POSITIONS = 8;
    static final String L = "encoder.layer.0.";
    /** {HF linear name, graph weight name, in, out}. */
    static final String[][] LINEARS = {
        {L + "attention.self.query", "onnx::MatMul_1", "4", "4"},
        {L + "attention.self.key", "onnx::MatMul_2", "4", "4"},
        {L + "attention.self.value", "onnx::MatMul_3", "4", "4"},
        {L + "attention.output.dense", "onnx::MatMul_4", "4", "4"},
        {L + "intermediate.dense", "onnx::MatMul_5", "4", "6"},
        {L + "output.dense", "onnx::MatMul_6", "6", "4"},
    };

    static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    static ProtoWriter floatTensor(String name, float[] v, long... dims) {
        return ProtoWriter.tensor(name, FLOAT, dims).bytes(9, ProtoWriter.floatsLE(v));
    }

    /** The graph; {@code quantized}: weights as int8 + scale + zero point behind MatMulInteger/Cast/Mul. */
    static ProtoWriter bertGraph(boolean quantized, boolean withBiases) {
        Random r = new Random(1);
        ProtoWriter g = new ProtoWriter();
        g.message(5, floatTensor("embeddings.word_embeddings.weight", values(r, VOCAB * HIDDEN), VOCAB, HIDDEN));
        g.message(5, floatTensor("embeddings.position_embeddings.weight", values(r, POSITIONS * HIDDEN), POSITIONS, HIDDEN));
        g.message(5, floatTensor("embeddings.token_type_embeddings.weight", values(r, 2 * HIDDEN), 2, HIDDEN));
        g.message(5, ProtoWriter.tensor("embeddings.position_ids", 7, 1, 2).packedVarints(7, 0, 1));
        for (String ln : new String[] {"embeddings.LayerNorm", L + "attention.output.LayerNorm", L + "output.LayerNorm"}) {
            g.message(5, floatTensor(ln + ".weight", values(r, HIDDEN), HIDDEN));
            g.message(5, floatTensor(ln + ".bias", values(r, HIDDEN), HIDDEN));
        }
        for (String[] lin : LINEARS) {
            int in = Integer.parseInt(lin[2]), out = Integer.parseInt(lin[3]);
            if (withBiases) g.message(5, floatTensor(lin[0] + ".bias", values(r, out), out));
            String y = lin[1] + "_out";
            if (quantized) {
                long[] q = new long[in * out];
                for (int i = 0; i < q.length; i++) q[i] = r.nextInt(255) - 127;
                g.message(5, ProtoWriter.tensor(lin[1] + "_quantized", INT8, in, out).packedVarints(5, q));
                float[] scale = new float[out];
                long[] zp = new long[out];
                for (int j = 0; j < out; j++) {
                    scale[j] = 0.01f * (j + 1);
                    zp[j] = j - 2;
                }
                g.message(5, floatTensor(lin[1] + "_scale", scale, out));
                g.message(5, ProtoWriter.tensor(lin[1] + "_zero_point", INT8, out).packedVarints(5, zp));
                g.message(1, ProtoWriter.node("MatMulInteger", new String[] {"xq", lin[1] + "_quantized", "xzp",
                    lin[1] + "_zero_point"}, new String[] {y + "_int"}));
                g.message(1, ProtoWriter.node("Cast", new String[] {y + "_int"}, new String[] {y + "_cast"}));
                g.message(1, ProtoWriter.node("Mul", new String[] {y + "_cast", "scales"}, new String[] {y}));
            } else {
                g.message(5, floatTensor(lin[1], values(r, in * out), in, out));
                g.message(1, ProtoWriter.node("MatMul", new String[] {"x", lin[1]}, new String[] {y}));
            }
            // PyTorch puts the bias first: Add(bias, x @ W)
            g.message(1, ProtoWriter.node("Add", new String[] {lin[0] + ".bias", y}, new String[] {y + "_b"}));
        }
        // Attention scores: MatMul(q, k^T) / sqrt(head size 2) + mask -> Softmax
        g.message(1, ProtoWriter.node("Constant", new String[] {}, new String[] {"sqrt_d"},
                new ProtoWriter().string(1, "value").varint(20, 4)
                        .message(5, ProtoWriter.tensor("", FLOAT).packedFloats(4, (float) Math.sqrt(2)))));
        g.message(1, ProtoWriter.node("MatMul", new String[] {"q", "kt"}, new String[] {"scores"}));
        g.message(1, ProtoWriter.node("Div", new String[] {"scores", "sqrt_d"}, new String[] {"scaled"}));
        g.message(1, ProtoWriter.node("Add", new String[] {"scaled", "mask"}, new String[] {"masked"}));
        g.message(1, ProtoWriter.node("Softmax", new String[] {"masked"}, new String[] {"probs"}));
        // Decomposed LayerNorm: sqrt(var + eps)
        g.message(1, ProtoWriter.node("Constant", new String[] {}, new String[] {"eps"},
                new ProtoWriter().string(1, "value").varint(20, 4)
                        .message(5, ProtoWriter.tensor("", FLOAT).packedFloats(4, 1e-12f))));
        g.message(1, ProtoWriter.node("Add", new String[] {"var", "eps"}, new String[] {"var_eps"}));
        g.message(1, ProtoWriter.node("Sqrt", new String[] {"var_eps"}, new String[] {"std"}));
        g.message(1, ProtoWriter.node("Erf", new String[] {"ffn"}, new String[] {"erf"}));
        return g;
    }

    @Test
    void floatGraphNamesAndTransposesEveryWeight() throws Exception {
        OnnxModel m = OnnxModelReader.read(ProtoWriter.model(bertGraph(false, true)), "bert.onnx", null);
        OnnxBertWeights w = OnnxBertWeights.from(m);
        var a = w.architecture();
        assertThat(a.numLayers()).isEqualTo(1);
        assertThat(a.hiddenSize()).isEqualTo(HIDDEN);
        assertThat(a.numHeads()).isEqualTo(2);
        assertThat(a.intermediateSize()).isEqualTo(FFN);
        assertThat(a.vocabSize()).isEqualTo(VOCAB);
        assertThat(a.maxPositions()).isEqualTo(POSITIONS);
        assertThat(a.typeVocabSize()).isEqualTo(2);
        assertThat(a.layerNormEps()).isEqualTo(1e-12f);
        assertThat(a.exactGelu()).isTrue();
        assertThat(a.hasPooler()).isFalse();
        assertThat(w.stateDict()).doesNotContainKey("embeddings.position_ids").hasSize(3 + 6 + 6 + 6);
        for (String[] lin : LINEARS) {
            int in = Integer.parseInt(lin[2]), out = Integer.parseInt(lin[3]);
            Tensor hf = w.stateDict().get(lin[0] + ".weight");
            assertThat(hf.shape()).as(lin[0]).containsExactly(out, in);
            Tensor onnx = m.graph().initializer(lin[1]).toTensor();
            for (int i = 0; i < in; i++) for (int j = 0; j < out; j++) assertThat(hf.get(j, i)).isEqualTo(onnx.get(i, j));
            assertThat(w.matmulNames()).containsEntry(lin[0] + ".weight", lin[1]);
        }
    }

    @Test
    void quantizedGraphIsDequantizedThroughCastAndMul() throws Exception {
        OnnxModel m = OnnxModelReader.read(ProtoWriter.model(bertGraph(true, true)), "bert-q.onnx", null);
        OnnxBertWeights w = OnnxBertWeights.from(m);
        assertThat(w.architecture().numHeads()).isEqualTo(2);
        Tensor ffnOut = w.stateDict().get(L + "output.dense.weight");   // [out 4, in 6]
        assertThat(ffnOut.shape()).containsExactly(4, 6);
        long[] q = m.graph().initializer("onnx::MatMul_6_quantized").toLongArray();   // [6, 4]
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(ffnOut.get(j, i)).isEqualTo((q[i * 4 + j] - (j - 2)) * (0.01f * (j + 1)));
            }
        }
    }

    @Test
    void aMatMulWithoutBiasCannotBeNamed() {
        assertThatThrownBy(() -> OnnxBertWeights.from(OnnxModelReader.read(ProtoWriter.model(bertGraph(false, false)),
                "bert.onnx", null))).isInstanceOf(OnnxFormatException.class).hasMessageContaining("onnx::MatMul_1");
    }
}
