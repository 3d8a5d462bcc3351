// ParamGroup: one group of parameters of an optimizer with its own learning rate and hyper-parameters,
// PyTorch param-group semantics (a named, mutable set of options; schedulers add keys like "initial_lr").
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group of parameters sharing hyper-parameters, like an entry of PyTorch's {@code optimizer.param_groups}.
 *
 * <p>Options are named with PyTorch's keys ({@code "lr"}, {@code "momentum"}, {@code "weight_decay"},
 * {@code "beta1"}, {@code "beta2"}, {@code "eps"}, ...); booleans ({@code "nesterov"}, {@code "amsgrad"}, ...)
 * are stored as 0/1. Schedulers add their own keys ({@code "initial_lr"}, {@code "max_lr"}, ...).
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new SGD(model.parameters(), 0.1);
 * opt.addParamGroup(head.parameters(), Map.of("lr", 0.01));
 * opt.paramGroups().get(1).lr();   // 0.01
 * }</pre>
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final LinkedHashMap<String, Double> options;

    ParamGroup(List<Tensor> params, Map<String, Double> options) {
        this.params = List.copyOf(params);
        this.options = new LinkedHashMap<>(options);
    }

    /** The parameters of this group, in order (unmodifiable). */
    public List<Tensor> params() {
        return params;
    }

    /** The learning rate of this group. */
    public double lr() {
        return get("lr");
    }

    /** Sets the learning rate of this group; it must be finite and non-negative. */
    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("ParamGroup.setLr: invalid learning "
                + "rate " + lr + ", expected a finite value >= 0");
        options.put("lr", lr);
    }

    /** True when this group has option {@code key}. */
    public boolean has(String key) {
        return options.containsKey(key);
    }

    /** The value of option {@code key}; throws naming the known keys when it is absent. */
    public double get(String key) {
        Double v = options.get(key);
        if (v == null) throw new IllegalArgumentException("ParamGroup.get: no option '" + key + "'; this group has "
                + options.keySet());
        return v;
    }

    /** The value of boolean option {@code key} (stored as 0/1). */
    public boolean getBoolean(String key) {
        return get(key) != 0;
    }

    /** Sets option {@code key} (adds it when absent). */
    public void set(String key, double value) {
        options.put(key, value);
    }

    /** Sets boolean option {@code key} (stored as 0/1). */
    public void set(String key, boolean value) {
        options.put(key, value ? 1.0 : 0.0);
    }

    /** All options of this group in insertion order (unmodifiable view). */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }

    void replaceOptions(Map<String, Double> next) {
        options.clear();
        options.putAll(next);
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, " + options + ")";
    }
}
