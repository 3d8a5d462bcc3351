// OnnxBertWeights: reads a BERT encoder exported to ONNX by PyTorch (float or dynamically quantized) as a Hugging
// Face state dict. Biases and LayerNorm tensors keep their HF names; the anonymous MatMul weights (onnx::MatMul_N,
// [in, out]) are named by following the graph to the Add of their bias, and transposed to nn.Linear's [out, in].
package dev.kindling.models.onnx;

import dev.kindling.models.bert.BertConfig;
import dev.kindling.models.bert.BertModel;
import dev.kindling.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT state dict and architecture read from an ONNX graph.
 *
 * <p>Example:
 * <pre>{@code
 * OnnxBertWeights w = OnnxBertWeights.from(OnnxModelReader.read(Path.of("data/minilm/all-minilm-l6-v2.onnx")));
 * w.architecture();                                   // 6 layers, hidden 384, 12 heads, FFN 1536, ...
 * w.stateDict().get("encoder.layer.0.attention.self.query.weight");   // [384, 384], [out, in]
 * }</pre>
 *
 * @param stateDict HF BERT names to float32 tensors (no {@code embeddings.position_ids}, no pooler unless present)
 * @param architecture the sizes read from the weights and the graph
 * @param matmulNames the graph's MatMul weight name for each HF name it was mapped to
 */
public record OnnxBertWeights(Map<String, Tensor> stateDict, Architecture architecture, Map<String, String> matmulNames) {

    /**
     * Sizes of the encoder. {@code numHeads} comes from the attention-score scale constant (1/sqrt(head size)),
     * {@code layerNormEps} from the decomposed LayerNorm, {@code exactGelu} from an Erf node.
     */
    public record Architecture(int numLayers, int hiddenSize, int numHeads, int intermediateSize, int vocabSize,
            int maxPositions, int typeVocabSize, double layerNormEps, boolean exactGelu, boolean hasPooler) {}

    private static final Set<String> PASS_THROUGH = Set.of("Cast", "Mul");

    /**
     * The Kindling BERT config of this architecture; dropout 0.1 and init range 0.02 (Hugging Face defaults, used
     * only when fine-tuning or re-initialising).
     */
    public BertConfig config() {
        Architecture a = architecture;
        return new BertConfig(a.vocabSize(), a.hiddenSize(), a.numLayers(), a.numHeads(), a.intermediateSize(),
                a.exactGelu() ? "gelu" : "gelu_new", a.maxPositions(), Math.max(1, a.typeVocabSize()),
                (float) a.layerNormEps(), 0.1f, 0.02f, a.hasPooler());
    }

    /** A {@link BertModel} of {@link #config()} with these weights loaded (every parameter must be present). */
    public BertModel toBertModel() {
        BertModel model = new BertModel(config(), null);
        model.loadStateDict(stateDict, true);
        return model;
    }

    /** Reads the state dict of a float or quantized (dequantized on the fly) BERT graph. */
    public static OnnxBertWeights from(OnnxModel model) throws OnnxFormatException {
        OnnxGraph g = model.graph();
        Map<String, OnnxTensor> inits = OnnxQuantization.dequantize(g);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (OnnxTensor t : inits.values()) {
            String n = t.name();
            if (n.equals("embeddings.position_ids")) continue;
            if (n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler.")) {
                state.put(n, t.toTensor());
            }
        }
        Map<String, String> matmulNames = new LinkedHashMap<>();
        List<String> unmapped = new ArrayList<>();
        for (OnnxGraph.Node node : g.nodes()) {
            boolean integer = node.opType().equals("MatMulInteger");
            if (!integer && !node.opType().equals("MatMul")) continue;
            String w = node.input(1);
            if (w == null) continue;
            String weightName = integer && w.endsWith(OnnxQuantization.QUANTIZED)
                    ? w.substring(0, w.length() - OnnxQuantization.QUANTIZED.length()) : w;
            OnnxTensor weight = inits.get(weightName);
            if (weight == null) continue;                  // activation x activation (attention scores)
            String bias = biasAfter(g, node, inits);
            if (bias == null) {
                unmapped.add(weightName);
                continue;
            }
            String hf = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            state.put(hf, transpose2d(weight));
            matmulNames.put(hf, weightName);
        }
        if (!unmapped.isEmpty()) throw new OnnxFormatException("BERT import: MatMul weight(s) " + unmapped + " are "
                + "not followed by an Add of a '*.bias' initializer, so their Hugging Face names are unknown", -1);
        return new OnnxBertWeights(state, architecture(g, state), matmulNames);
    }

    /** The '*.bias' initializer added to the MatMul's output, following Cast/Mul nodes (quantized graphs). */
    private static String biasAfter(OnnxGraph g, OnnxGraph.Node matmul, Map<String, OnnxTensor> inits) {
        ArrayDeque<String> values = new ArrayDeque<>(matmul.outputs());
        for (int hops = 0; hops < 4 && !values.isEmpty(); hops++) {
            ArrayDeque<String> next = new ArrayDeque<>();
            for (String v : values) {
                for (OnnxGraph.Node c : g.consumers(v)) {
                    if (c.opType().equals("Add")) {
                        for (String in : c.inputs()) if (in.endsWith(".bias") && inits.containsKey(in)) return in;
                    } else if (PASS_THROUGH.contains(c.opType())) {
                        next.addAll(c.outputs());
                    }
                }
            }
            values = next;
        }
        return null;
    }

    /** {@code [in, out]} to {@code [out, in]}. */
    private static Tensor transpose2d(OnnxTensor t) throws OnnxFormatException {
        long[] d = t.dims();
        if (d.length != 2) throw new OnnxFormatException("BERT import: MatMul weight '" + t.name() + "' has dims "
                + java.util.Arrays.toString(d) + ", expected 2-D [in, out]", -1);
        int rows = (int) d[0], cols = (int) d[1];
        float[] a = t.toFloatArray(), out = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
        }
        return Tensor.of(out, cols, rows);
    }

    private static Architecture architecture(OnnxGraph g, Map<String, Tensor> s) throws OnnxFormatException {
        Tensor words = require(s, "embeddings.word_embeddings.weight");
        int hidden = words.size(1);
        int layers = 0;
        while (s.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) layers++;
        if (layers == 0) throw new OnnxFormatException("BERT import: no encoder.layer.0.attention.self.query.weight "
                + "(is this a BERT graph?)", -1);
        int ffn = require(s, "encoder.layer.0.intermediate.dense.weight").size(0);
        int positions = require(s, "embeddings.position_embeddings.weight").size(0);
        Tensor types = s.get("embeddings.token_type_embeddings.weight");
        int headSize = headSize(g, hidden);
        boolean erf = g.nodes().stream().anyMatch(n -> n.opType().equals("Erf"));
        return new Architecture(layers, hidden, hidden / headSize, ffn, words.size(0), positions,
                types == null ? 0 : types.size(0), layerNormEps(g), erf, s.containsKey("pooler.dense.weight"));
    }

    private static Tensor require(Map<String, Tensor> s, String name) throws OnnxFormatException {
        Tensor t = s.get(name);
        if (t == null) throw new OnnxFormatException("BERT import: the graph has no initializer '" + name + "'", -1);
        return t;
    }

    /**
     * The attention head size: scores are divided by sqrt(head size) (or multiplied by its inverse) just before the
     * mask is added and the Softmax taken.
     */
    private static int headSize(OnnxGraph g, int hidden) throws OnnxFormatException {
        for (OnnxGraph.Node softmax : g.nodes()) {
            if (!softmax.opType().equals("Softmax")) continue;
            OnnxGraph.Node n = g.producer(softmax.inputs().get(0));
            for (int hops = 0; hops < 3 && n != null; hops++) {
                if (n.opType().equals("Div") || n.opType().equals("Mul")) {
                    float c = scalar(g, n.input(1));
                    if (!Float.isNaN(c) && c > 0) {
                        double size = n.opType().equals("Div") ? (double) c * c : 1.0 / ((double) c * c);
                        long rounded = Math.round(size);
                        if (Math.abs(size - rounded) < 1e-3 * rounded && rounded > 0 && hidden % rounded == 0) {
                            return (int) rounded;
                        }
                    }
                }
                n = g.producer(n.inputs().get(0));
            }
        }
        throw new OnnxFormatException("BERT import: cannot find the attention scale (Div by sqrt(head size) before "
                + "Softmax), so the number of heads is unknown", -1);
    }

    /** The epsilon added to the variance before Sqrt in the first decomposed LayerNorm; 1e-12 when not found. */
    private static double layerNormEps(OnnxGraph g) {
        for (OnnxGraph.Node sqrt : g.nodes()) {
            if (!sqrt.opType().equals("Sqrt")) continue;
            OnnxGraph.Node add = g.producer(sqrt.inputs().get(0));
            if (add == null || !add.opType().equals("Add")) continue;
            for (String in : add.inputs()) {
                float c = scalar(g, in);
                if (!Float.isNaN(c)) return c;
            }
        }
        return 1e-12;
    }

    /** The value of a one-element float constant, or NaN. */
    private static float scalar(OnnxGraph g, String name) {
        if (name == null) return Float.NaN;
        OnnxTensor t = g.constant(name);
        if (t == null || t.numel() != 1 || !t.dataType().isFloatingPoint()) return Float.NaN;
        return t.toFloatArray()[0];
    }
}
