// GoldenCase: one entry of golden/cases.json (a PyTorch reference call) and typed access to its arguments.
package dev.kindling.golden;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference case: {@code op} called with {@code args} on {@code inputs} (name → tensor key in cases.safetensors)
 * gives {@code outputs}; for differentiable cases {@code gradOutputs} are fed to the float outputs and {@code grads}
 * (input name → tensor key) are the expected input gradients. {@code extra} holds additional tensors (running stats).
 */
record GoldenCase(String id, String op, Map<String, Object> args, LinkedHashMap<String, String> inputs,
        List<String> outputs, List<String> gradOutputs, LinkedHashMap<String, String> grads,
        LinkedHashMap<String, String> extra) {

    /** PyTorch module cases: their parameters arrive as {@code param.*} inputs and need nn modules, not functions. */
    static final List<String> MODULE_OPS = List.of("rnn", "lstm", "gru", "multihead_attention",
            "transformer_encoder_layer");

    boolean isModuleCase() {
        return MODULE_OPS.contains(op);
    }

    @SuppressWarnings("unchecked")
    static GoldenCase fromJson(Map<String, Object> m) {
        return new GoldenCase((String) m.get("id"), (String) m.get("op"),
                m.get("args") == null ? Map.of() : (Map<String, Object>) m.get("args"),
                strings(m.get("inputs")),
                m.get("outputs") == null ? List.of() : (List<String>) m.get("outputs"),
                m.get("grad_outputs") == null ? List.of() : (List<String>) m.get("grad_outputs"),
                strings(m.get("grads")), strings(m.get("extra")));
    }

    @SuppressWarnings("unchecked")
    private static LinkedHashMap<String, String> strings(Object o) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        if (o != null) ((Map<String, Object>) o).forEach((k, v) -> out.put(k, (String) v));
        return out;
    }

    boolean has(String arg) {
        return args.containsKey(arg);
    }

    int intArg(String name, int dflt) {
        Object v = args.get(name);
        if (v == null) return dflt;
        if (v instanceof List<?> l && l.size() == 1) v = l.get(0);
        if (!(v instanceof Long l)) throw new IllegalArgumentException("case " + id + ": arg " + name + "=" + v
                + " is not an integer");
        return Math.toIntExact(l);
    }

    float floatArg(String name, float dflt) {
        Object v = args.get(name);
        if (v == null) return dflt;
        return ((Number) v).floatValue();
    }

    boolean boolArg(String name, boolean dflt) {
        Object v = args.get(name);
        return v == null ? dflt : (Boolean) v;
    }

    String stringArg(String name, String dflt) {
        Object v = args.get(name);
        return v == null ? dflt : (String) v;
    }

    /** An int or list-of-int argument as an array ({@code dflt} when absent). */
    int[] intsArg(String name, int[] dflt) {
        Object v = args.get(name);
        if (v == null) return dflt;
        if (v instanceof Long l) return new int[] {Math.toIntExact(l)};
        List<?> list = (List<?>) v;
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact((Long) list.get(i));
        return out;
    }

    /** An int-or-pair argument as {@code {h, w}} (PyTorch's _pair). */
    int[] pairArg(String name, int dflt) {
        int[] v = intsArg(name, new int[] {dflt});
        return v.length == 1 ? new int[] {v[0], v[0]} : v;
    }
}
