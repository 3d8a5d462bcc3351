// Adagrad: per-element learning rates from the running sum of squared gradients, with learning-rate decay
// and L2 weight decay — PyTorch's torch.optim.Adagrad update (foreach=False), in float32 over flat arrays.
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adagrad, as {@code torch.optim.Adagrad}:
 * <pre>
 *   t = t + 1;  clr = lr / (1 + (t - 1) * lr_decay)
 *   g = grad (+ weight_decay * p)                    (negated when maximize)
 *   sum = sum + g * g                                (sum starts at initial_accumulator_value)
 *   p = p - clr * g / (sqrt(sum) + eps)
 * </pre>
 * State: {@code step}, {@code sum}.
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new Adagrad(model.parameters(), Adagrad.Options.builder().lr(0.1).lrDecay(1e-4).build());
 * }</pre>
 */
public final class Adagrad extends Optimizer {
    private static final Set<String> STATE = Set.of("step", "sum");

    /**
     * Adagrad options (PyTorch defaults: lr 1e-2, no decay, accumulator starting at 0, eps 1e-10).
     *
     * @param lr learning rate, >= 0
     * @param lrDecay learning-rate decay per step, >= 0
     * @param weightDecay L2 penalty added to the gradient, >= 0
     * @param initialAccumulatorValue starting value of the sum of squares, >= 0
     * @param eps added to the denominator, >= 0
     * @param maximize maximize the objective instead of minimizing it
     */
    public record Options(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps,
            boolean maximize) {
        /** A builder starting from PyTorch's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private double lr = 1e-2, lrDecay, weightDecay, initialAccumulatorValue, eps = 1e-10;
            private boolean maximize;

            public Builder lr(double v) { lr = v; return this; }
            public Builder lrDecay(double v) { lrDecay = v; return this; }
            public Builder weightDecay(double v) { weightDecay = v; return this; }
            public Builder initialAccumulatorValue(double v) { initialAccumulatorValue = v; return this; }
            public Builder eps(double v) { eps = v; return this; }
            public Builder maximize(boolean v) { maximize = v; return this; }

            public Options build() {
                return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize);
            }
        }

        Map<String, Double> toMap() {
            var m = new LinkedHashMap<String, Double>();
            m.put("lr", lr);
            m.put("lr_decay", lrDecay);
            m.put("weight_decay", weightDecay);
            m.put("initial_accumulator_value", initialAccumulatorValue);
            m.put("eps", eps);
            m.put("maximize", maximize ? 1.0 : 0.0);
            return m;
        }
    }

    /** Adagrad over {@code params} with {@code options}. */
    public Adagrad(List<Tensor> params, Options options) {
        super("Adagrad", params, options.toMap());
    }

    /** Adagrad with learning rate {@code lr} and PyTorch's other defaults. */
    public Adagrad(List<Tensor> params, double lr) {
        this(params, Options.builder().lr(lr).build());
    }

    @Override
    protected void validate(Map<String, Double> o) {
        requireAtLeast("learning rate", o.get("lr"), 0);
        requireAtLeast("lr_decay", o.get("lr_decay"), 0);
        requireAtLeast("weight_decay", o.get("weight_decay"), 0);
        requireAtLeast("initial_accumulator_value", o.get("initial_accumulator_value"), 0);
        requireAtLeast("epsilon", o.get("eps"), 0);
    }

    @Override
    protected Set<String> requiredState(ParamGroup group) {
        return STATE;
    }

    @Override
    protected Set<String> knownState() {
        return STATE;
    }

    @Override
    protected void update(ParamGroup group, ParamState st, float[] p, int pOff, float[] g, int gOff, int n) {
        long step = st.increment("step");
        float clr = (float) (group.lr() / (1 + (step - 1) * group.get("lr_decay")));
        float wd = (float) group.get("weight_decay"), eps = (float) group.get("eps");
        boolean maximize = group.getBoolean("maximize");
        float[] sum = st.buffer("sum", (float) group.get("initial_accumulator_value"));
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = maximize ? -g[gOff + i] : g[gOff + i];
            if (wd != 0) d += wd * pi;
            float s = sum[i] + d * d;
            sum[i] = s;
            p[pOff + i] = pi - clr * (d / ((float) Math.sqrt(s) + eps));
        }
    }
}
