// OnnxQuantization: turns the int8/uint8 weights of a dynamically quantized ONNX model (onnxruntime's quantizer:
// X_quantized + X_scale + X_zero_point, consumed by MatMulInteger, Gather + DequantizeLinear) back into float
// weights, w = (q - zero_point) * scale, per tensor or per output channel, so the float model code can run them.
package dev.kindling.models.onnx;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dequantization of weight initializers.
 *
 * <p>Example:
 * <pre>{@code
 * OnnxModel q = OnnxModelReader.read(Path.of("data/minilm/all-minilm-l6-v2-q.onnx"));
 * Map<String, OnnxTensor> weights = OnnxQuantization.dequantize(q.graph());
 * weights.get("onnx::MatMul_787");                  // float [384, 384], from onnx::MatMul_787_quantized
 * }</pre>
 */
public final class OnnxQuantization {
    /** Name suffixes the onnxruntime quantizer gives a weight's parts. */
    public static final String QUANTIZED = "_quantized", SCALE = "_scale", ZERO_POINT = "_zero_point";

    private OnnxQuantization() {
    }

    /**
     * All initializers of {@code graph}, with every quantized weight {@code X_quantized} (int8 or uint8, with
     * {@code X_scale} and optionally {@code X_zero_point}) replaced by a float32 {@code X}; the scale and zero-point
     * initializers are dropped. Float graphs come back unchanged. Order follows the graph.
     *
     * <p>A 1-D scale holds one value per channel. The channel axis comes from the graph: the columns (axis 1) of a
     * MatMulInteger weight, the 'axis' attribute of a DequantizeLinear that reads the weight; when no such node
     * exists it is the one axis whose size matches the scale.
     *
     * @throws OnnxFormatException when a scale or zero point has the wrong type or size
     */
    public static Map<String, OnnxTensor> dequantize(OnnxGraph graph) throws OnnxFormatException {
        Map<String, OnnxTensor> inits = graph.initializers();
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        for (OnnxTensor t : inits.values()) {
            String name = t.name();
            if (name.endsWith(QUANTIZED) && inits.containsKey(base(name) + SCALE)) {
                String b = base(name);
                out.put(b, dequantize(b, t, inits.get(b + SCALE), inits.get(b + ZERO_POINT), channelAxis(graph, t)));
            } else if (!isQuantizationPart(name, inits)) {
                out.put(name, t);
            }
        }
        return out;
    }

    /** True when the graph holds weights stored as {@code X_quantized} with a matching {@code X_scale}. */
    public static boolean isQuantized(OnnxGraph graph) {
        for (String n : graph.initializers().keySet()) {
            if (n.endsWith(QUANTIZED) && graph.initializers().containsKey(base(n) + SCALE)) return true;
        }
        return false;
    }

    /**
     * {@code (q - zeroPoint) * scale} as a float32 tensor called {@code name}. {@code scale} is a scalar (per tensor)
     * or 1-D along {@code axis} (per channel; {@code axis} -1: pick the axis whose size matches, which must be
     * unique); {@code zeroPoint} (may be null: 0) has the scale's shape and q's type.
     */
    public static OnnxTensor dequantize(String name, OnnxTensor q, OnnxTensor scale, OnnxTensor zeroPoint, int axis)
            throws OnnxFormatException {
        String what = "dequantizing '" + q.name() + "'";
        if (q.dataType() != OnnxDataType.INT8 && q.dataType() != OnnxDataType.UINT8) {
            throw new OnnxFormatException(what + ": expected int8 or uint8, got " + q.dataType(), -1);
        }
        if (scale.dataType() != OnnxDataType.FLOAT) {
            throw new OnnxFormatException(what + ": scale '" + scale.name() + "' is " + scale.dataType()
                    + ", expected float32", -1);
        }
        long[] dims = q.dims();
        int channels = (int) scale.numel();
        int channelAxis = -1;   // -1: per tensor
        if (scale.dims().length > 1 || (scale.dims().length == 1 && channels > 1)) {
            if (scale.dims().length != 1) throw new OnnxFormatException(what + ": scale has dims "
                    + Arrays.toString(scale.dims()) + ", expected a scalar or 1-D per-channel scale", -1);
            channelAxis = axis >= 0 ? axis : matchingAxis(what, dims, channels);
            if (channelAxis >= dims.length || dims[channelAxis] != channels) {
                throw new OnnxFormatException(what + ": " + channels + " per-channel scales do not match axis "
                        + channelAxis + " of dims " + Arrays.toString(dims), -1);
            }
        }
        float[] s = scale.toFloatArray();
        long[] zp = new long[s.length];
        if (zeroPoint != null) {
            if (zeroPoint.dataType() != q.dataType() || zeroPoint.numel() != s.length) {
                throw new OnnxFormatException(what + ": zero point '" + zeroPoint.name() + "' is " + zeroPoint.dataType()
                        + Arrays.toString(zeroPoint.dims()) + ", expected " + q.dataType() + " with " + s.length
                        + " value(s) like the scale", -1);
            }
            zp = zeroPoint.toLongArray();
        }
        // Row-major [outer, channels, inner] around the channel axis (per tensor: one channel, inner = numel).
        int n = (int) q.numel();
        long inner = n;
        if (channelAxis >= 0) {
            inner = 1;
            for (int d = channelAxis + 1; d < dims.length; d++) inner *= dims[d];
        }
        int in = (int) inner, ch = channelAxis < 0 ? 1 : channels, outer = n / Math.max(1, ch * in);
        java.nio.ByteBuffer raw = q.rawData();
        boolean unsigned = q.dataType() == OnnxDataType.UINT8;
        float[] w = new float[n];
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < ch; c++) {
                float sc = s[c];
                long z = zp[c];
                for (int k = 0; k < in; k++, i++) {
                    int v = unsigned ? raw.get(i) & 0xFF : raw.get(i);
                    w[i] = (v - z) * sc;
                }
            }
        }
        return OnnxTensor.ofFloats(name, w, dims);
    }

    private static int matchingAxis(String what, long[] dims, int channels) throws OnnxFormatException {
        int found = -1;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] != channels) continue;
            if (found >= 0) throw new OnnxFormatException(what + ": " + channels + " per-channel scales match "
                    + "several axes of dims " + Arrays.toString(dims) + " and no graph node says which", -1);
            found = d;
        }
        if (found < 0) throw new OnnxFormatException(what + ": " + channels + " per-channel scales match no axis of "
                + "dims " + Arrays.toString(dims), -1);
        return found;
    }

    /** The per-channel axis the graph gives the weight, or -1 when no node says. */
    private static int channelAxis(OnnxGraph graph, OnnxTensor q) {
        for (OnnxGraph.Node n : graph.consumers(q.name())) {
            // MatMulInteger(A, B, a_zero_point, b_zero_point): B's zero point (and scale) is per column of [K, N].
            if (n.opType().equals("MatMulInteger") && q.name().equals(n.input(1))) return q.dims().length - 1;
            if (n.opType().equals("DequantizeLinear") && q.name().equals(n.input(0))) {
                long axis = n.intAttribute("axis", 1);
                return (int) (axis < 0 ? axis + q.dims().length : axis);
            }
        }
        return -1;
    }

    private static boolean isQuantizationPart(String name, Map<String, OnnxTensor> inits) {
        for (String suffix : new String[] {SCALE, ZERO_POINT}) {
            if (name.endsWith(suffix)) {
                String b = name.substring(0, name.length() - suffix.length());
                if (inits.containsKey(b + QUANTIZED)) return true;
            }
        }
        return false;
    }

    private static String base(String quantizedName) {
        return quantizedName.substring(0, quantizedName.length() - QUANTIZED.length());
    }
}
