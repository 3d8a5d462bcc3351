// RMSprop: gradient scaled by a running RMS of past gradients, optionally centered and with momentum —
// PyTorch's torch.optim.RMSprop update (foreach=False), in float32 over flat arrays.
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RMSprop, as {@code torch.optim.RMSprop}:
 * <pre>
 *   g = grad (+ weight_decay * p)                    (negated when maximize)
 *   s = alpha * s + (1 - alpha) * g * g
 *   centered: a = lerp(a, g, 1 - alpha); avg = sqrt(s - a * a) + eps;   else avg = sqrt(s) + eps
 *   momentum > 0: buf = momentum * buf + g / avg; p = p - lr * buf;     else p = p - lr * g / avg
 * </pre>
 * State: {@code step}, {@code square_avg}, {@code momentum_buffer} (momentum > 0), {@code grad_avg} (centered).
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new RMSprop(model.parameters(), RMSprop.Options.builder().lr(1e-2).momentum(0.9).centered(true).build());
 * }</pre>
 */
public final class RMSprop extends Optimizer {
    private static final Set<String> STATE = Set.of("step", "square_avg", "momentum_buffer", "grad_avg");

    /**
     * RMSprop options (PyTorch defaults: lr 1e-2, alpha 0.99, eps 1e-8, no weight decay, no momentum).
     *
     * @param lr learning rate, >= 0
     * @param alpha smoothing constant of the running averages, >= 0
     * @param eps added to the denominator, >= 0
     * @param weightDecay L2 penalty added to the gradient, >= 0
     * @param momentum momentum factor, >= 0
     * @param centered normalize by the estimated variance (subtract the squared mean gradient)
     * @param maximize maximize the objective instead of minimizing it
     */
    public record Options(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered,
            boolean maximize) {
        /** A builder starting from PyTorch's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private double lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay, momentum;
            private boolean centered, maximize;

            public Builder lr(double v) { lr = v; return this; }
            public Builder alpha(double v) { alpha = v; return this; }
            public Builder eps(double v) { eps = v; return this; }
            public Builder weightDecay(double v) { weightDecay = v; return this; }
            public Builder momentum(double v) { momentum = v; return this; }
            public Builder centered(boolean v) { centered = v; return this; }
            public Builder maximize(boolean v) { maximize = v; return this; }

            public Options build() {
                return new Options(lr, alpha, eps, weightDecay, momentum, centered, maximize);
            }
        }

        Map<String, Double> toMap() {
            var m = new LinkedHashMap<String, Double>();
            m.put("lr", lr);
            m.put("alpha", alpha);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("momentum", momentum);
            m.put("centered", centered ? 1.0 : 0.0);
            m.put("maximize", maximize ? 1.0 : 0.0);
            return m;
        }
    }

    /** RMSprop over {@code params} with {@code options}. */
    public RMSprop(List<Tensor> params, Options options) {
        super("RMSprop", params, options.toMap());
    }

    /** RMSprop with learning rate {@code lr} and PyTorch's other defaults. */
    public RMSprop(List<Tensor> params, double lr) {
        this(params, Options.builder().lr(lr).build());
    }

    @Override
    protected void validate(Map<String, Double> o) {
        requireAtLeast("learning rate", o.get("lr"), 0);
        requireAtLeast("epsilon", o.get("eps"), 0);
        requireAtLeast("momentum", o.get("momentum"), 0);
        requireAtLeast("weight_decay", o.get("weight_decay"), 0);
        requireAtLeast("alpha", o.get("alpha"), 0);
    }

    @Override
    protected Set<String> requiredState(ParamGroup group) {
        var s = new java.util.HashSet<>(Set.of("step", "square_avg"));
        if (group.get("momentum") > 0) s.add("momentum_buffer");
        if (group.getBoolean("centered")) s.add("grad_avg");
        return s;
    }

    @Override
    protected Set<String> knownState() {
        return STATE;
    }

    @Override
    protected void update(ParamGroup group, ParamState st, float[] p, int pOff, float[] g, int gOff, int n) {
        double alphaD = group.get("alpha");
        float lr = (float) group.lr(), alpha = (float) alphaD, w = (float) (1 - alphaD), eps = (float) group.get("eps");
        float wd = (float) group.get("weight_decay"), momentum = (float) group.get("momentum");
        boolean centered = group.getBoolean("centered"), maximize = group.getBoolean("maximize");
        boolean lerpLow = w < 0.5f;
        float wc = 1f - w;   // lerp's upper branch uses (1 - weight)
        st.increment("step");
        float[] sq = st.buffer("square_avg", 0f);
        float[] avgG = centered ? st.buffer("grad_avg", 0f) : null;
        float[] buf = momentum > 0 ? st.buffer("momentum_buffer", 0f) : null;
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = maximize ? -g[gOff + i] : g[gOff + i];
            if (wd != 0) d += wd * pi;
            float s = sq[i] * alpha;
            s = s + w * d * d;
            sq[i] = s;
            float avg;
            if (centered) {
                float a = avgG[i];
                a = lerpLow ? a + w * (d - a) : d - (d - a) * wc;
                avgG[i] = a;
                avg = (float) Math.sqrt(s - a * a);
            } else {
                avg = (float) Math.sqrt(s);
            }
            avg += eps;
            if (buf != null) {
                float b = buf[i] * momentum + d / avg;
                buf[i] = b;
                p[pOff + i] = pi - lr * b;
            } else {
                p[pOff + i] = pi - lr * (d / avg);
            }
        }
    }
}
