// OrtBench: ONNX Runtime 1.23.2 (inference only) on the peer workloads: SGEMM (MatMul) and the MLP / LeNet forward
// pass at batch 64. Compiled only in the `peers` Maven profile. The ONNX models are encoded here as protobuf bytes
// with random weights (no onnx Python package is needed); intra-op threads from -Dthreads (default 2), inter-op 1.
package dev.kindling.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kindling.bench.peers.PeerHarness.Bench;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code OrtBench sgemm|mlp-infer|lenet-infer|minilm [reps]}. */
public final class OrtBench {
    private OrtBench() {}

    public static void main(String[] args) throws OrtException {
        int reps = PeerHarness.reps(args, 1);
        int threads = PeerHarness.threads();
        String label = "t" + threads;
        String system = "onnxruntime";
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (args[0].equals("sgemm")) {
            for (int n : PeerHarness.SGEMM_SIZES) {
                try (OrtSession s = env.createSession(matmulModel(n), so);
                     OnnxTensor a = tensor(env, PeerHarness.uniform(1, n * n), n, n);
                     OnnxTensor b = tensor(env, PeerHarness.uniform(2, n * n), n, n)) {
                    Map<String, OnnxTensor> in = Map.of("A", a, "B", b);
                    PeerHarness.sgemm(system, n, reps, label, () -> run(s, in));
                }
            }
            return;
        }
        Bench bench = Bench.of(args[0]);
        if (bench == Bench.MINILM) {
            minilm(env, so, reps, label);
            return;
        }
        byte[] model = switch (bench) {
            case MLP_INFER -> mlpModel();
            case LENET_INFER -> lenetModel();
            default -> throw new IllegalArgumentException("OrtBench: inference only, no '" + bench + "'");
        };
        long[] shape = bench == Bench.MLP_INFER ? new long[] {PeerHarness.BATCH, 784} : new long[] {PeerHarness.BATCH, 1, 28, 28};
        try (OrtSession s = env.createSession(model, so)) {
            float[][] x = new float[PeerHarness.DATA_BATCHES][];
            for (int i = 0; i < x.length; i++) x[i] = PeerHarness.uniform(100 + i, PeerHarness.BATCH * 784);
            int[] step = {0};
            PeerHarness.run(system, bench, reps, label, () -> {
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x[step[0]++ % x.length]), shape)) {
                    run(s, Map.of("X", t));
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /**
     * all-MiniLM-L6-v2 from the same .onnx file Kindling loads, on the same pre-tokenized batches; mean pooling and L2
     * norm in Java over the model's last hidden state (first output), as sentence-transformers does.
     */
    private static void minilm(OrtEnvironment env, OrtSession.SessionOptions so, int reps, String label) throws OrtException {
        java.nio.file.Path modelFile = java.nio.file.Path.of(MiniLmBatches.required(MiniLmWorkload.MODEL_PROP));
        java.util.List<MiniLmBatches.Batch> batches;
        try {
            batches = MiniLmBatches.read(java.nio.file.Path.of(MiniLmBatches.required(MiniLmWorkload.BATCHES_PROP))).batches();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        try (OrtSession s = env.createSession(modelFile.toString(), so)) {
            java.util.function.IntFunction<float[]> embed = k -> {
                MiniLmBatches.Batch b = batches.get(k);
                long[] shape = {b.size(), b.len()};
                try (OnnxTensor ids = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(b.ids()), shape);
                     OnnxTensor mask = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(b.mask()), shape);
                     OnnxTensor types = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(new long[b.ids().length]), shape);
                     OrtSession.Result r = s.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
                    OnnxTensor hidden = (OnnxTensor) r.get(0);                                  // [B, T, H]
                    long[] hs = hidden.getInfo().getShape();
                    FloatBuffer fb = hidden.getFloatBuffer();
                    float[] h = new float[fb.remaining()];
                    fb.get(h);
                    return MiniLmBatches.meanPoolNormalize(h, b.mask(), b.size(), b.len(), (int) hs[2]);
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            };
            long tokens = batches.stream().mapToLong(MiniLmBatches.Batch::tokens).sum();
            System.out.println(MiniLmBatches.check(embed.apply(0), batches.size(), batches.get(0).size(), tokens));
            int[] step = {0};
            PeerHarness.run("onnxruntime", Bench.MINILM, reps, label, () -> embed.apply(step[0]++ % batches.size()));
        }
    }

    private static void run(OrtSession s, Map<String, OnnxTensor> in) {
        try (OrtSession.Result r = s.run(in)) {
            r.get(0);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    // ---------------------------------------------------------------- models as ONNX protobuf

    static byte[] matmulModel(int n) {
        Graph g = new Graph();
        g.input("A", n, n).input("B", n, n).node("MatMul", new String[] {"A", "B"}, "Y").output("Y", n, n);
        return g.model();
    }

    static byte[] mlpModel() {
        Graph g = new Graph();
        g.input("X", PeerHarness.BATCH, 784);
        String h = g.gemm("X", 784, 256, 1);
        h = g.relu(h);
        h = g.relu(g.gemm(h, 256, 128, 2));
        g.node("Gemm", new String[] {h, g.weight("W3", 3, 128, 10), g.weight("B3", 30, 10)}, "Y");
        g.output("Y", PeerHarness.BATCH, 10);
        return g.model();
    }

    static byte[] lenetModel() {
        Graph g = new Graph();
        g.input("X", PeerHarness.BATCH, 1, 28, 28);
        String h = g.convReluPool("X", 1, 6, 1);            // [B, 6, 12, 12]
        h = g.convReluPool(h, 6, 16, 2);                     // [B, 16, 4, 4]
        g.node("Flatten", new String[] {h}, "flat", Pb.attrInt("axis", 1));
        h = g.relu(g.gemm("flat", 256, 120, 3));
        h = g.relu(g.gemm(h, 120, 84, 4));
        g.node("Gemm", new String[] {h, g.weight("W5", 5, 84, 10), g.weight("B5", 50, 10)}, "Y");
        g.output("Y", PeerHarness.BATCH, 10);
        return g.model();
    }

    /** A GraphProto under construction. */
    static final class Graph {
        final Pb graph = new Pb();
        int tmp;

        Graph input(String name, long... dims) {
            graph.msg(11, valueInfo(name, dims));
            return this;
        }

        Graph output(String name, long... dims) {
            graph.msg(12, valueInfo(name, dims));
            return this;
        }

        Graph node(String op, String[] inputs, String output, Pb... attrs) {
            Pb n = new Pb();
            for (String i : inputs) n.str(1, i);
            n.str(2, output).str(3, op + "_" + tmp++).str(4, op);
            for (Pb a : attrs) n.msg(5, a);
            graph.msg(1, n);
            return this;
        }

        /** A random float initializer (uniform in +-0.1: the values do not change the work); returns its name. */
        String weight(String name, long seed, long... dims) {
            long count = 1;
            for (long d : dims) count *= d;
            float[] u = PeerHarness.uniform(seed, (int) count);
            ByteBuffer raw = ByteBuffer.allocate(4 * (int) count).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : u) raw.putFloat((2 * v - 1) * 0.1f);
            Pb t = new Pb();
            for (long d : dims) t.varint(1, d);
            t.varint(2, 1).str(8, name).bytes(9, raw.array());   // FLOAT, name, raw_data
            graph.msg(5, t);
            return name;
        }

        String gemm(String x, int in, int out, int layer) {
            String y = "gemm" + layer;
            node("Gemm", new String[] {x, weight("W" + layer, layer, in, out), weight("B" + layer, 10L * layer, out)}, y);
            return y;
        }

        String relu(String x) {
            String y = x + "_relu";
            node("Relu", new String[] {x}, y);
            return y;
        }

        String convReluPool(String x, int cin, int cout, int layer) {
            String c = "conv" + layer, p = "pool" + layer;
            node("Conv", new String[] {x, weight("CW" + layer, 60L + layer, cout, cin, 5, 5), weight("CB" + layer, 70L + layer, cout)},
                    c, Pb.attrInts("kernel_shape", 5, 5));
            node("MaxPool", new String[] {relu(c)}, p, Pb.attrInts("kernel_shape", 2, 2), Pb.attrInts("strides", 2, 2));
            return p;
        }

        byte[] model() {
            graph.str(2, "peer_bench");
            Pb opset = new Pb().str(1, "").varint(2, 13);
            return new Pb().varint(1, 8).str(2, "kindling-peers").msg(7, graph).msg(8, opset).toBytes();
        }

        private static Pb valueInfo(String name, long... dims) {
            Pb shape = new Pb();
            for (long d : dims) shape.msg(1, new Pb().varint(1, d));
            Pb tensorType = new Pb().varint(1, 1).msg(2, shape);          // elem_type FLOAT, shape
            return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
        }
    }

    /** Minimal protobuf writer (varint, length-delimited). */
    static final class Pb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pb varint(int field, long v) {
            raw((long) field << 3);
            raw(v);
            return this;
        }

        Pb bytes(int field, byte[] b) {
            raw((long) field << 3 | 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        Pb str(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Pb msg(int field, Pb m) {
            return bytes(field, m.toBytes());
        }

        byte[] toBytes() {
            return out.toByteArray();
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        /** AttributeProto of type INT (2). */
        static Pb attrInt(String name, long v) {
            return new Pb().str(1, name).varint(3, v).varint(20, 2);
        }

        /** AttributeProto of type INTS (7). */
        static Pb attrInts(String name, long... v) {
            Pb a = new Pb().str(1, name);
            for (long x : v) a.varint(8, x);
            return a.varint(20, 7);
        }
    }
}
