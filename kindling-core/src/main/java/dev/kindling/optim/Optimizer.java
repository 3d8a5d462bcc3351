// Optimizer: the base of every optimizer — parameter groups, per-parameter state, the no-grad step loop
// over flat float arrays, zeroGrad, and state dicts (tensors keyed "state.<i>.<name>" / "group.<g>.<key>")
// that a checkpoint can save in safetensors and load back for a bit-exact resume.
package dev.kindling.optim;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Base class of optimizers, with PyTorch's {@code torch.optim.Optimizer} semantics.
 *
 * <p>A subclass supplies its default hyper-parameters (PyTorch's names), a check of a group's options,
 * the names of the per-parameter state it keeps, and the element-wise update of one parameter over flat
 * arrays. {@link #step()} runs that update for every parameter that has a gradient, inside
 * {@link Autograd#noGrad()}.
 *
 * <p>State dict layout (all values are tensors, so a checkpoint stores it in safetensors):
 * <ul>
 *   <li>{@code state.<i>.<name>}: per-parameter state of the i-th parameter (counted across groups in
 *       order): float32 buffers of the parameter's shape ({@code exp_avg}, {@code momentum_buffer}, ...)
 *       and the int64 scalar {@code step};</li>
 *   <li>{@code group.<g>.<key>}: each option of group g ({@code lr}, {@code weight_decay}, ...) as an int64
 *       scalar holding the bits of the double (exact; a float32 scalar is also accepted when loading);</li>
 *   <li>{@code group.<g>.params}: int64 [k], the indices of the group's parameters.</li>
 * </ul>
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new Adam(model.parameters(), 1e-3);
 * for (var batch : loader) {
 *     opt.zeroGrad();
 *     Tensor loss = lossFn(model, batch);
 *     loss.backward();
 *     opt.step();
 * }
 * Map<String, Tensor> saved = opt.stateDict();
 * }</pre>
 */
public abstract class Optimizer {
    private final String name;
    private final LinkedHashMap<String, Double> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final IdentityHashMap<Tensor, LinkedHashMap<String, Tensor>> state = new IdentityHashMap<>();

    /**
     * Creates an optimizer over {@code params} (one group with {@code defaults}).
     *
     * @param name the optimizer's name, used in error messages
     * @param params float32 leaf tensors, each at most once
     * @param defaults the default options of every group (PyTorch's keys; booleans as 0/1)
     */
    protected Optimizer(String name, List<Tensor> params, Map<String, Double> defaults) {
        this.name = name;
        this.defaults = new LinkedHashMap<>(defaults);
        validate(this.defaults);
        addParamGroup(params);
    }

    // ---------------------------------------------------------------- subclass hooks

    /** Throws an {@link IllegalArgumentException} naming the optimizer when {@code options} are invalid. */
    protected abstract void validate(Map<String, Double> options);

    /** The state names a parameter of {@code group} has once stepped (checked when loading a state dict). */
    protected abstract Set<String> requiredState(ParamGroup group);

    /** Every state name this optimizer may keep for a parameter. */
    protected abstract Set<String> knownState();

    /**
     * Updates one parameter in place: {@code p[pOff .. pOff+n)} with its gradient {@code g[gOff .. gOff+n)}.
     * Both ranges are contiguous; state buffers come from {@code st}.
     */
    protected abstract void update(ParamGroup group, ParamState st, float[] p, int pOff, float[] g, int gOff, int n);

    // ---------------------------------------------------------------- groups

    /** The optimizer's name (e.g. "Adam"). */
    public final String name() {
        return name;
    }

    /** The default options of new groups (unmodifiable). */
    public final Map<String, Double> defaults() {
        return Collections.unmodifiableMap(defaults);
    }

    /** The parameter groups, in order (unmodifiable list; each group's options are mutable). */
    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** Adds a group of {@code params} with the default options. */
    public final void addParamGroup(List<Tensor> params) {
        addParamGroup(params, Map.of());
    }

    /**
     * Adds a group of {@code params} whose options are the defaults overridden by {@code overrides}
     * (PyTorch's keys, e.g. {@code Map.of("lr", 0.01, "weight_decay", 0.0)}; values are numbers or booleans).
     */
    public final void addParamGroup(List<Tensor> params, Map<String, ?> overrides) {
        String who = name + ".addParamGroup";
        if (params == null || params.isEmpty()) throw new IllegalArgumentException(name + ": got an empty parameter "
                + "list; pass the tensors to optimize, e.g. model.parameters()");
        LinkedHashMap<String, Double> opts = new LinkedHashMap<>(defaults);
        for (var e : overrides.entrySet()) {
            if (!defaults.containsKey(e.getKey())) throw new IllegalArgumentException(who + ": unknown option '"
                    + e.getKey() + "'; " + name + " options are " + defaults.keySet());
            opts.put(e.getKey(), toDouble(who, e.getKey(), e.getValue()));
        }
        validate(opts);
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) for (Tensor p : g.params()) seen.put(p, true);
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) throw new IllegalArgumentException(who + ": parameter " + i + " is null");
            if (p.dtype() != DType.FLOAT32) throw new IllegalArgumentException(who + ": parameter " + i + " is " + p.dtype()
                    + " with shape " + Arrays.toString(p.shape()) + "; only float32 tensors can be optimized");
            if (!p.isLeaf()) throw new IllegalArgumentException(who + ": parameter " + i + " (shape "
                    + Arrays.toString(p.shape()) + ") is not a leaf tensor (it was produced by '" + p.gradFn().op()
                    + "'); optimize the leaf parameters");
            if (seen.put(p, true) != null) throw new IllegalArgumentException(who + ": parameter " + i + " (shape "
                    + Arrays.toString(p.shape()) + ") appears more than once across the parameter groups");
        }
        groups.add(new ParamGroup(params, opts));
    }

    /** The learning rate of the first group. */
    public final double getLr() {
        return groups.get(0).lr();
    }

    /** Sets the learning rate of every group. */
    public final void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(name + ".setLr: invalid learning "
                + "rate " + lr + ", expected a finite value >= 0");
        for (ParamGroup g : groups) g.setLr(lr);
    }

    /** Every parameter of every group, in order (the indices used by the state dict). */
    public final List<Tensor> params() {
        List<Tensor> all = new ArrayList<>();
        for (ParamGroup g : groups) all.addAll(g.params());
        return all;
    }

    /** The state of {@code param} (e.g. "exp_avg" -> tensor), empty before its first step (unmodifiable). */
    public final Map<String, Tensor> state(Tensor param) {
        var s = state.get(param);
        return s == null ? Map.of() : Collections.unmodifiableMap(s);
    }

    // ---------------------------------------------------------------- step

    /** Sets the gradient of every parameter to null (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Tensor p : g.params()) p.zeroGrad();
    }

    /** Updates every parameter that has a gradient, in place, without recording the graph. */
    public void step() {
        try (var noGrad = Autograd.noGrad()) {
            for (ParamGroup group : groups) {
                for (Tensor p : group.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    if (grad.dtype() != DType.FLOAT32) throw new IllegalStateException(name + ".step: the gradient "
                            + "of a parameter of shape " + Arrays.toString(p.shape()) + " is " + grad.dtype()
                            + ", expected float32");
                    Tensor g = grad.detach().contiguous();                        // read-only view or copy
                    Tensor w = p.isContiguous() ? p : p.detach().contiguous();   // written, copied back if needed
                    var st = new ParamState(state.computeIfAbsent(p, k -> new LinkedHashMap<>()), p.shape());
                    update(group, st, w.storage().floats(), w.offset(), g.storage().floats(), g.offset(), p.numel());
                    if (w != p) p.copy_(w);
                    else p.storage().markModified();
                }
            }
        }
    }

    /** The per-parameter state handed to {@link #update}: named float32 buffers and the step counter. */
    public static final class ParamState {
        private final LinkedHashMap<String, Tensor> tensors;
        private final int[] shape;

        ParamState(LinkedHashMap<String, Tensor> tensors, int[] shape) {
            this.tensors = tensors;
            this.shape = shape;
        }

        /** True when buffer or counter {@code key} exists. */
        public boolean has(String key) {
            return tensors.containsKey(key);
        }

        /** The flat array of buffer {@code key} (offset 0, the parameter's size), created filled with {@code init}. */
        public float[] buffer(String key, float init) {
            Tensor t = tensors.get(key);
            if (t == null) {
                t = Tensor.full(init, shape);
                tensors.put(key, t);
            }
            t.storage().markModified();
            return t.storage().floats();
        }

        /** Adds one to counter {@code key} (created at 0) and returns the new value. */
        public long increment(String key) {
            Tensor t = tensors.computeIfAbsent(key, k -> Tensor.scalarLong(0));
            long[] d = t.storage().longs();
            d[t.offset()]++;
            t.storage().markModified();
            return d[t.offset()];
        }
    }

    // ---------------------------------------------------------------- state dict

    /** A snapshot (copies) of all per-parameter state and every group's options; see the class comment. */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            long[] ids = new long[g.params().size()];
            for (int j = 0; j < ids.length; j++, index++) {
                ids[j] = index;
                var s = state.get(g.params().get(j));
                if (s == null) continue;
                for (var e : s.entrySet()) sd.put("state." + index + "." + e.getKey(), e.getValue().clone());
            }
            for (var e : g.options().entrySet()) sd.put("group." + gi + "." + e.getKey(), StateTensors.ofDouble(e.getValue()));
            sd.put("group." + gi + ".params", Tensor.ofLongs(ids, ids.length));
        }
        return sd;
    }

    /**
     * Restores state and group options saved by {@link #stateDict()} of an optimizer of the same kind over
     * parameters of the same shapes and grouping. Everything is checked before anything changes: missing keys,
     * unexpected keys and shape/dtype mismatches are all reported in one {@link IllegalArgumentException}.
     */
    public void loadStateDict(Map<String, Tensor> sd) {
        String who = name + ".loadStateDict";
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        Set<String> used = new java.util.HashSet<>();
        // group options
        List<LinkedHashMap<String, Double>> newOptions = new ArrayList<>();
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            String prefix = "group." + gi + ".";
            LinkedHashMap<String, Double> opts = new LinkedHashMap<>();
            for (String k : defaults.keySet()) {
                Tensor t = sd.get(prefix + k);
                if (t == null) missing.add(prefix + k);
                else opts.put(k, readDouble(who, prefix + k, t, mismatched));
                used.add(prefix + k);
            }
            for (var e : sd.entrySet()) {
                String k = e.getKey();
                if (!k.startsWith(prefix) || used.contains(k) || k.equals(prefix + "params")) continue;
                String key = k.substring(prefix.length());
                if (key.isEmpty() || key.contains(".")) continue;           // reported as unexpected below
                opts.put(key, readDouble(who, k, e.getValue(), mismatched));   // scheduler keys, e.g. initial_lr
                used.add(k);
            }
            Tensor ids = sd.get(prefix + "params");
            used.add(prefix + "params");
            int k = g.params().size();
            if (ids == null) missing.add(prefix + "params");
            else if (ids.dtype() != DType.INT64 || ids.numel() != k) mismatched.add(prefix + "params: saved "
                    + ids.dtype() + " " + Arrays.toString(ids.shape()) + ", expected int64 [" + k + "] (the group has "
                    + k + " parameters)");
            else {
                long[] v = ids.contiguous().toLongArray();
                for (int j = 0; j < k; j++) if (v[j] != index + j) {
                    mismatched.add(prefix + "params: saved indices " + Arrays.toString(v) + ", expected " + index
                            + ".." + (index + k - 1));
                    break;
                }
            }
            index += k;
            newOptions.add(opts);
        }
        // per-parameter state
        List<LinkedHashMap<String, Tensor>> newState = new ArrayList<>();
        index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup probe = new ParamGroup(List.of(), newOptions.get(gi));
            for (Tensor p : groups.get(gi).params()) {
                String prefix = "state." + index++ + ".";
                LinkedHashMap<String, Tensor> s = new LinkedHashMap<>();
                for (var e : sd.entrySet()) {
                    String k = e.getKey();
                    if (!k.startsWith(prefix)) continue;
                    String key = k.substring(prefix.length());
                    if (!knownState().contains(key)) continue;                 // reported as unexpected below
                    used.add(k);
                    Tensor t = e.getValue();
                    if (key.equals("step")) {
                        if (t.numel() != 1) mismatched.add(k + ": saved shape " + Arrays.toString(t.shape())
                                + ", expected a scalar");
                        else s.put(key, Tensor.scalarLong(StateTensors.toLong(who, k, t)));
                    } else if (t.dtype() != DType.FLOAT32 || !Arrays.equals(t.shape(), p.shape())) {
                        mismatched.add(k + ": saved " + t.dtype() + " " + Arrays.toString(t.shape()) + ", parameter "
                                + "is float32 " + Arrays.toString(p.shape()));
                    } else {
                        Tensor copy = Tensor.zeros(p.shape());
                        copy.copy_(t);
                        s.put(key, copy);
                    }
                }
                if (!s.isEmpty() || hasPrefix(sd, prefix)) {
                    for (String r : requiredState(probe)) if (!s.containsKey(r) && !mismatchedKey(mismatched, prefix + r))
                        missing.add(prefix + r);
                }
                newState.add(s);
            }
        }
        for (String k : new TreeSet<>(sd.keySet())) if (!used.contains(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            StringBuilder sb = new StringBuilder(who + ": the state dict does not fit this optimizer ("
                    + groups.size() + " group(s), " + index + " parameter(s))");
            if (!missing.isEmpty()) sb.append("; missing keys ").append(missing);
            if (!unexpected.isEmpty()) sb.append("; unexpected keys ").append(unexpected);
            if (!mismatched.isEmpty()) sb.append("; mismatched ").append(mismatched);
            throw new IllegalArgumentException(sb.toString());
        }
        for (var opts : newOptions) validate(opts);
        // apply
        index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            g.replaceOptions(newOptions.get(gi));
            for (Tensor p : g.params()) {
                var s = newState.get(index++);
                if (s.isEmpty()) state.remove(p);
                else state.put(p, s);
            }
        }
    }

    private static boolean hasPrefix(Map<String, Tensor> sd, String prefix) {
        for (String k : sd.keySet()) if (k.startsWith(prefix)) return true;
        return false;
    }

    private static boolean mismatchedKey(List<String> mismatched, String key) {
        for (String m : mismatched) if (m.startsWith(key + ":")) return true;
        return false;
    }

    private static double readDouble(String who, String key, Tensor t, List<String> mismatched) {
        if (t.numel() != 1 || t.dtype() == DType.BOOL) {
            mismatched.add(key + ": saved " + t.dtype() + " " + Arrays.toString(t.shape()) + ", expected a scalar");
            return Double.NaN;
        }
        return StateTensors.toDouble(who, key, t);
    }

    private static double toDouble(String who, String key, Object v) {
        if (v instanceof Boolean b) return b ? 1.0 : 0.0;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException(who + ": option '" + key + "' must be a number or a boolean, got "
                + (v == null ? "null" : v.getClass().getSimpleName()));
    }

    // ---------------------------------------------------------------- helpers for subclasses' validate

    /** Throws unless {@code v >= min} (and finite). */
    protected final void requireAtLeast(String what, double v, double min) {
        if (!(v >= min) || Double.isInfinite(v)) throw new IllegalArgumentException(name + ": invalid " + what + " "
                + v + ", expected a finite value >= " + min);
    }

    /** Throws unless {@code lo <= v < hi}. */
    protected final void requireRange(String what, double v, double lo, double hi) {
        if (!(v >= lo && v < hi)) throw new IllegalArgumentException(name + ": invalid " + what + " " + v
                + ", expected " + lo + " <= " + what + " < " + hi);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (");
        for (int i = 0; i < groups.size(); i++) sb.append(i == 0 ? "" : ", ").append("group ").append(i).append(": ")
                .append(groups.get(i).params().size()).append(" params ").append(groups.get(i).options());
        return sb.append(')').toString();
    }
}
