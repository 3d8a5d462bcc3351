// OnnxGraph: a decoded GraphProto: nodes (op type, inputs, outputs, attributes), initializers by name, and the
// graph inputs and outputs, with the look-ups an importer needs (who produces / consumes a value, constants).
package dev.kindling.models.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A computation graph of an ONNX model. Kindling does not execute it: importers read the initializers (the
 * weights) and follow the nodes to learn what each weight is for.
 *
 * <p>Example: {@code for (OnnxGraph.Node n : graph.consumers("onnx::MatMul_787")) System.out.println(n.opType());}
 */
public record OnnxGraph(String name, List<Node> nodes, Map<String, OnnxTensor> initializers, List<ValueInfo> inputs,
        List<ValueInfo> outputs) {

    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Attribute kinds ({@code AttributeProto.AttributeType}). */
    public enum AttributeType {
        UNDEFINED, FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS, STRINGS, TENSORS, GRAPHS, SPARSE_TENSOR,
        SPARSE_TENSORS, TYPE_PROTO, TYPE_PROTOS;

        static AttributeType ofCode(long code) {
            return code >= 0 && code < values().length ? values()[(int) code] : UNDEFINED;
        }
    }

    /**
     * A node attribute; only the field matching {@link #type()} is meaningful (numbers 0, lists empty otherwise).
     */
    public record Attribute(String name, AttributeType type, float f, long i, String s, OnnxTensor t, OnnxGraph g,
            float[] floats, long[] ints, List<String> strings, List<OnnxTensor> tensors, List<OnnxGraph> graphs) {}

    /** One operator application: {@code outputs = opType(inputs; attributes)}. An empty input name is "absent". */
    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {
        public Node {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }

        /** Integer attribute {@code key}, or {@code fallback} when absent. */
        public long intAttribute(String key, long fallback) {
            Attribute a = attributes.get(key);
            return a == null ? fallback : a.i();
        }

        /** Input {@code k}, or null when the node has fewer inputs or the input is left empty (optional). */
        public String input(int k) {
            return k < inputs.size() && !inputs.get(k).isEmpty() ? inputs.get(k) : null;
        }
    }

    /** One dimension of a value's shape: a fixed size, or a symbolic name ({@code value} -1). */
    public record Dim(long value, String param) {
        @Override
        public String toString() {
            return param != null ? param : value >= 0 ? Long.toString(value) : "?";
        }
    }

    /** A graph input or output: name, element type (null when not a tensor) and shape (null when unknown). */
    public record ValueInfo(String name, OnnxDataType elemType, List<Dim> shape) {}

    /** The initializer called {@code name}, or null. */
    public OnnxTensor initializer(String name) {
        return initializers.get(name);
    }

    /** The nodes that read value {@code name}, in graph order. */
    public List<Node> consumers(String valueName) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (n.inputs().contains(valueName)) out.add(n);
        return out;
    }

    /** The node that writes value {@code name}, or null (graph inputs and initializers have none). */
    public Node producer(String valueName) {
        for (Node n : nodes) if (n.outputs().contains(valueName)) return n;
        return null;
    }

    /** The constant behind {@code valueName}: an initializer or the 'value' of a Constant node; null otherwise. */
    public OnnxTensor constant(String valueName) {
        OnnxTensor t = initializers.get(valueName);
        if (t != null) return t;
        Node p = producer(valueName);
        if (p == null || !p.opType().equals("Constant")) return null;
        Attribute a = p.attributes().get("value");
        return a == null ? null : a.t();
    }

    /** Number of nodes per op type, most frequent first. */
    public Map<String, Integer> opHistogram() {
        Map<String, Integer> counts = new HashMap<>();
        for (Node n : nodes) counts.merge(n.opType(), 1, Integer::sum);
        LinkedHashMap<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
