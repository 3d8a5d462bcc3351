// GoldenRun: one execution of a golden case: its inputs as Kindling tensors and the extra checks an op adds.
package dev.kindling.golden;

import dev.kindling.ops.Elementwise;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of one case while it runs. Inputs are fresh copies of the stored tensors; float inputs that have an
 * expected gradient are leaves with {@code requiresGrad}. Ops read their arguments through {@link #c()}.
 */
final class GoldenRun {
    private final GoldenCase c;
    private final Map<String, Tensor> store;
    private final LinkedHashMap<String, Tensor> inputs = new LinkedHashMap<>();
    /** Expected tensor key → actual tensor, compared after the outputs (e.g. batch-norm running stats). */
    final LinkedHashMap<String, Tensor> extraChecks = new LinkedHashMap<>();

    GoldenRun(GoldenCase c, Map<String, Tensor> store) {
        this.c = c;
        this.store = store;
        c.inputs().forEach((name, key) -> {
            Tensor t = copy(stored(key));
            if (c.grads().containsKey(name) && t.dtype() == DType.FLOAT32) t.requiresGrad(true);
            inputs.put(name, t);
        });
    }

    GoldenCase c() {
        return c;
    }

    LinkedHashMap<String, Tensor> inputs() {
        return inputs;
    }

    /** The input called {@code name} in cases.json. */
    Tensor in(String name) {
        Tensor t = inputs.get(name);
        if (t == null) throw new IllegalArgumentException("case " + c.id() + " has no input '" + name + "' (inputs: "
                + inputs.keySet() + ")");
        return t;
    }

    /** The input called {@code name}, or null when the case does not pass it (optional weight, bias, ...). */
    Tensor opt(String name) {
        return inputs.get(name);
    }

    /** A float input used as a boolean mask: {@code input > threshold}. */
    Tensor mask(String name, float threshold) {
        Tensor t = in(name);
        return t.dtype() == DType.BOOL ? t : Elementwise.gt(t.dtype() == DType.FLOAT32 ? t : t.toFloat(), threshold);
    }

    /** A fresh copy of the {@code extra} tensor called {@code name}. */
    Tensor extra(String name) {
        String key = c.extra().get(name);
        if (key == null) throw new IllegalArgumentException("case " + c.id() + " has no extra tensor '" + name + "'");
        return copy(stored(key));
    }

    /** Also compare {@code actual} with the extra tensor called {@code name} after the outputs. */
    void checkExtra(String name, Tensor actual) {
        String key = c.extra().get(name);
        if (key == null) throw new IllegalArgumentException("case " + c.id() + " has no extra tensor '" + name + "'");
        extraChecks.put(key, actual);
    }

    Tensor stored(String key) {
        Tensor t = store.get(key);
        if (t == null) throw new IllegalStateException("cases.safetensors has no tensor '" + key + "'");
        return t;
    }

    /** A copy with its own storage, so ops that write in place cannot change the stored reference. */
    static Tensor copy(Tensor t) {
        Tensor out = Tensor.empty(t.dtype(), t.shape());
        switch (t.dtype()) {
            case FLOAT32 -> System.arraycopy(t.toFloatArray(), 0, out.storage().floats(), 0, t.numel());
            case INT64 -> System.arraycopy(t.toLongArray(), 0, out.storage().longs(), 0, t.numel());
            case BOOL -> System.arraycopy(t.toBoolArray(), 0, out.storage().bools(), 0, t.numel());
        }
        return out;
    }
}
