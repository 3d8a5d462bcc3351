// Module: the base of every layer and model. Holds named parameters, buffers and submodules in
// registration order, so namedParameters() and stateDict() produce PyTorch / Hugging Face dotted keys
// ("encoder.layer.0.attention.self.query.weight") and checkpoints load with no mapping table.
package dev.kindling.nn;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Base class for layers and models, shaped like {@code torch.nn.Module}.
 *
 * <p>Example:
 * <pre>{@code
 * class Mlp extends Module {
 *     final Linear fc1 = registerModule("fc1", new Linear(784, 128, gen));
 *     final Linear fc2 = registerModule("fc2", new Linear(128, 10, gen));
 *     public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }   // [B, 784] -> [B, 10]
 * }
 * var model = new Mlp();
 * model.stateDict().keySet();   // [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
 * }</pre>
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new java.util.HashSet<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Single-input forward pass. Modules with other signatures (losses, attention) define their own. */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no single-input forward(Tensor)");
    }

    // ---------------------------------------------------------------- registration

    private static void checkName(String kind, String name) {
        if (name == null || name.isEmpty() || name.contains(".")) throw new IllegalArgumentException(
                "register" + kind + ": name must be non-empty and contain no '.', got '" + name + "'");
    }

    private void checkFree(String kind, String name) {
        checkName(kind, name);
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("register" + kind + ": '" + name + "' is already registered in "
                    + getClass().getSimpleName());
    }

    /**
     * Registers a trainable parameter (marked requiresGrad) under {@code name}; null registers an absent
     * optional parameter (e.g. {@code bias=False}) that is skipped everywhere. Returns the tensor.
     */
    protected Tensor registerParameter(String name, Tensor t) {
        checkFree("Parameter", name);
        if (t != null) {
            if (!t.isLeaf()) throw new IllegalArgumentException("registerParameter: '" + name + "' must be a leaf tensor "
                    + "(use detach() on a computed tensor)");
            t.requiresGrad(true);
        }
        parameters.put(name, t);
        return t;
    }

    /** Registers a buffer (state that is not trained, e.g. running statistics); persistent ones are saved. */
    protected Tensor registerBuffer(String name, Tensor t, boolean persistent) {
        checkFree("Buffer", name);
        buffers.put(name, t);
        if (!persistent) nonPersistent.add(name);
        return t;
    }

    /** Registers a persistent buffer. */
    protected Tensor registerBuffer(String name, Tensor t) {
        return registerBuffer(name, t, true);
    }

    /** Registers a submodule; its parameters appear under {@code name + "."}. Returns the module. */
    protected <M extends Module> M registerModule(String name, M m) {
        checkFree("Module", name);
        children.put(name, m);
        return m;
    }

    /** Replaces the tensor of an already registered parameter or buffer (e.g. tying weights). */
    protected void replaceTensor(String name, Tensor t) {
        if (parameters.containsKey(name)) {
            if (t != null) t.requiresGrad(true);
            parameters.put(name, t);
        } else if (buffers.containsKey(name)) {
            buffers.put(name, t);
        } else {
            throw new IllegalArgumentException("replaceTensor: no parameter or buffer '" + name + "' in "
                    + getClass().getSimpleName());
        }
    }

    // ---------------------------------------------------------------- traversal

    /** Direct submodules in registration order. */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module and all descendants with dotted names ("" for this one), depth first. */
    public Map<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        for (var e : children.entrySet())
            if (e.getValue() != null) e.getValue().collectModules(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
    }

    /** All parameters with dotted names; a tensor shared by two modules (tied weights) appears once. */
    public Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (var m : namedModules().entrySet()) {
            for (var p : m.getValue().parameters.entrySet()) {
                if (p.getValue() == null || seen.put(p.getValue(), true) != null) continue;
                out.put(qualify(m.getKey(), p.getKey()), p.getValue());
            }
        }
        return out;
    }

    /** All trainable tensors, for an optimizer. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** All buffers with dotted names. */
    public Map<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet())
            for (var b : m.getValue().buffers.entrySet())
                if (b.getValue() != null) out.put(qualify(m.getKey(), b.getKey()), b.getValue());
        return out;
    }

    private static String qualify(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** Calls {@code fn} on every module, children first (like PyTorch's {@code apply}); returns this. */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) if (c != null) c.apply(fn);
        fn.accept(this);
        return this;
    }

    /** Total number of trainable elements. */
    public long numParameters() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    // ---------------------------------------------------------------- modes and gradients

    /** Training mode (dropout active, batch norm uses batch statistics); applies to all submodules. */
    public Module train() {
        return train(true);
    }

    /** Sets training mode on this module and all submodules. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) if (c != null) c.train(on);
        return this;
    }

    /** Evaluation mode; same as {@code train(false)}. */
    public Module eval() {
        return train(false);
    }

    /** True in training mode. */
    public boolean isTraining() {
        return training;
    }

    /** Clears the gradients of all parameters. */
    public void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    // ---------------------------------------------------------------- state dict

    /** Parameters and persistent buffers with PyTorch's dotted names, in registration order. */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            Module mod = m.getValue();
            for (var p : mod.parameters.entrySet())
                if (p.getValue() != null) out.put(qualify(m.getKey(), p.getKey()), p.getValue().detach());
            for (var b : mod.buffers.entrySet())
                if (b.getValue() != null && !mod.nonPersistent.contains(b.getKey()))
                    out.put(qualify(m.getKey(), b.getKey()), b.getValue().detach());
        }
        return out;
    }

    /** Keys the checkpoint lacked and keys it had that the model does not. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        public boolean isClean() {
            return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
        }
    }

    /** {@code loadStateDict(state, true)}. */
    public LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers (in place, so optimizers keep
     * their references; a memory-mapped float tensor that covers a parameter's whole storage is attached rather than
     * copied, so the parameter keeps reading the file in place). Shapes must match (an error names the key and both shapes); float data is converted
     * from int64 where a buffer is float. With {@code strict}, missing or unexpected keys throw listing them all;
     * otherwise they are returned.
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) throw new IllegalArgumentException(
                "loadStateDict: error(s) loading state into " + getClass().getSimpleName()
                        + (missing.isEmpty() ? "" : ": missing keys " + missing)
                        + (unexpected.isEmpty() ? "" : ": unexpected keys " + unexpected));
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            Tensor dst = e.getValue();
            if (!Shape.same(src.shape(), dst.shape())) throw new IllegalArgumentException("loadStateDict: size mismatch "
                    + "for " + e.getKey() + ": checkpoint has shape " + Shape.str(src.shape()) + ", the model has "
                    + Shape.str(dst.shape()));
            try (var g = Autograd.noGrad()) {
                switch (dst.dtype()) {
                    case FLOAT32 -> {
                        if (!adoptMapping(dst, src)) dst.copy_(src.toFloat());
                    }
                    case INT64 -> copyLongs(e.getKey(), dst, src);
                    case BOOL -> copyBools(e.getKey(), dst, src);
                }
            }
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /**
     * A memory-mapped source that fills {@code dst}'s whole storage is attached instead of copied (the parameter then
     * reads the file in place and is copied to the heap only if something writes it; see Storage).
     */
    private static boolean adoptMapping(Tensor dst, Tensor src) {
        if (!src.isMapped() || src.dtype() != DType.FLOAT32 || !src.isContiguous() || src.offset() != 0
                || src.numel() != src.storage().capacity() || !dst.isContiguous() || dst.offset() != 0
                || dst.numel() != dst.storage().capacity()) {
            return false;
        }
        java.lang.foreign.MemorySegment seg = src.storage().mappedSegment();
        if (seg == null) return false;       // materialized meanwhile
        dst.storage().attachMapped(seg);
        return true;
    }

    private static void copyLongs(String key, Tensor dst, Tensor src) {
        if (src.dtype() != dev.kindling.tensor.DType.INT64) throw new IllegalArgumentException("loadStateDict: " + key
                + " is int64 in the model but " + src.dtype() + " in the checkpoint");
        long[] from = src.toLongArray(), to = dst.storage().longs();
        if (!dst.isContiguous()) throw new IllegalStateException("loadStateDict: buffer " + key + " is not contiguous");
        System.arraycopy(from, 0, to, dst.offset(), from.length);
        dst.storage().markModified();
    }

    private static void copyBools(String key, Tensor dst, Tensor src) {
        if (src.dtype() != dev.kindling.tensor.DType.BOOL) throw new IllegalArgumentException("loadStateDict: " + key
                + " is bool in the model but " + src.dtype() + " in the checkpoint");
        boolean[] from = src.toBoolArray(), to = dst.storage().bools();
        System.arraycopy(from, 0, to, dst.offset(), from.length);
        dst.storage().markModified();
    }

    // ---------------------------------------------------------------- printing

    /** Extra text shown after the class name, e.g. {@code in_features=784, out_features=128}. */
    protected String extraRepr() {
        return "";
    }

    /** PyTorch-style nested representation. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        String extra = extraRepr();
        if (children.isEmpty()) {
            sb.append(extra);
        } else {
            sb.append('\n');
            if (!extra.isEmpty()) sb.append("  ").append(extra.replace("\n", "\n  ")).append('\n');
            for (var e : children.entrySet()) {
                String child = String.valueOf(e.getValue()).replace("\n", "\n  ");
                sb.append("  (").append(e.getKey()).append("): ").append(child).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    /**
     * A table of every parameter and buffer: name, shape, element count, trainable or not, and the totals.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        int w = 4;
        Map<String, Tensor> params = namedParameters(), bufs = namedBuffers();
        for (String k : params.keySet()) w = Math.max(w, k.length());
        for (String k : bufs.keySet()) w = Math.max(w, k.length());
        String fmt = "%-" + w + "s  %-18s %12s  %s%n";
        sb.append(String.format(fmt, "name", "shape", "elements", "kind"));
        long trainable = 0;
        for (var e : params.entrySet()) {
            sb.append(String.format(fmt, e.getKey(), Shape.str(e.getValue().shape()), e.getValue().numel(), "parameter"));
            trainable += e.getValue().numel();
        }
        for (var e : bufs.entrySet())
            sb.append(String.format(fmt, e.getKey(), Shape.str(e.getValue().shape()), e.getValue().numel(), "buffer"));
        sb.append(String.format("%s: %,d trainable parameters in %d tensors%n", getClass().getSimpleName(), trainable,
                params.size()));
        return sb.toString();
    }
}
