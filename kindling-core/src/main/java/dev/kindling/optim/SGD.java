// SGD: stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
// PyTorch's torch.optim.SGD update (foreach=False), computed in float32 over flat arrays.
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent, as {@code torch.optim.SGD}:
 * <pre>
 *   g = grad (+ weight_decay * p)          (negated when maximize)
 *   buf = g on the first step, else momentum * buf + (1 - dampening) * g
 *   g = nesterov ? g + momentum * buf : buf        (when momentum != 0)
 *   p = p - lr * g
 * </pre>
 * State: {@code momentum_buffer} (when momentum != 0).
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new SGD(model.parameters(),
 *         SGD.Options.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(1e-4).build());
 * var plain = new SGD(model.parameters(), 0.1);
 * }</pre>
 */
public final class SGD extends Optimizer {
    private static final Set<String> STATE = Set.of("momentum_buffer");

    /**
     * SGD options (PyTorch defaults: lr 1e-3, no momentum, no dampening, no weight decay).
     *
     * @param lr learning rate, >= 0
     * @param momentum momentum factor, >= 0
     * @param dampening dampening of the momentum, applied from the second step on
     * @param weightDecay L2 penalty added to the gradient, >= 0
     * @param nesterov Nesterov momentum (needs momentum > 0 and dampening 0)
     * @param maximize maximize the objective instead of minimizing it
     */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
            boolean maximize) {
        /** A builder starting from PyTorch's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private double lr = 1e-3, momentum, dampening, weightDecay;
            private boolean nesterov, maximize;

            public Builder lr(double v) { lr = v; return this; }
            public Builder momentum(double v) { momentum = v; return this; }
            public Builder dampening(double v) { dampening = v; return this; }
            public Builder weightDecay(double v) { weightDecay = v; return this; }
            public Builder nesterov(boolean v) { nesterov = v; return this; }
            public Builder maximize(boolean v) { maximize = v; return this; }

            public Options build() {
                return new Options(lr, momentum, dampening, weightDecay, nesterov, maximize);
            }
        }

        Map<String, Double> toMap() {
            var m = new LinkedHashMap<String, Double>();
            m.put("lr", lr);
            m.put("momentum", momentum);
            m.put("dampening", dampening);
            m.put("weight_decay", weightDecay);
            m.put("nesterov", nesterov ? 1.0 : 0.0);
            m.put("maximize", maximize ? 1.0 : 0.0);
            return m;
        }
    }

    /** SGD over {@code params} with {@code options}. */
    public SGD(List<Tensor> params, Options options) {
        super("SGD", params, options.toMap());
    }

    /** Plain SGD with learning rate {@code lr}. */
    public SGD(List<Tensor> params, double lr) {
        this(params, Options.builder().lr(lr).build());
    }

    @Override
    protected void validate(Map<String, Double> o) {
        requireAtLeast("learning rate", o.get("lr"), 0);
        requireAtLeast("momentum", o.get("momentum"), 0);
        requireAtLeast("weight_decay", o.get("weight_decay"), 0);
        if (o.get("nesterov") != 0 && (o.get("momentum") <= 0 || o.get("dampening") != 0))
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got "
                    + "momentum " + o.get("momentum") + " and dampening " + o.get("dampening"));
    }

    @Override
    protected Set<String> requiredState(ParamGroup group) {
        return group.get("momentum") != 0 ? STATE : Set.of();
    }

    @Override
    protected Set<String> knownState() {
        return STATE;
    }

    @Override
    protected void update(ParamGroup group, ParamState st, float[] p, int pOff, float[] g, int gOff, int n) {
        float lr = (float) group.lr(), wd = (float) group.get("weight_decay");
        float momentum = (float) group.get("momentum"), keep = (float) (1 - group.get("dampening"));
        boolean nesterov = group.getBoolean("nesterov"), maximize = group.getBoolean("maximize");
        boolean hasMomentum = group.get("momentum") != 0;
        boolean first = hasMomentum && !st.has("momentum_buffer");
        float[] buf = hasMomentum ? st.buffer("momentum_buffer", 0f) : null;
        for (int i = 0; i < n; i++) {
            float d = maximize ? -g[gOff + i] : g[gOff + i];
            if (wd != 0) d += wd * p[pOff + i];
            if (hasMomentum) {
                float b = first ? d : buf[i] * momentum + keep * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[pOff + i] -= lr * d;
        }
    }
}
