// Adam: adaptive moment estimation with bias correction, optional AMSGrad and L2 weight decay — PyTorch's
// torch.optim.Adam update (foreach=False), in float32 over flat arrays. AdamW reuses it with decoupled decay.
package dev.kindling.optim;

import dev.kindling.kernels.OptimKernels;

import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam, as {@code torch.optim.Adam}:
 * <pre>
 *   t = t + 1;  g = grad (+ weight_decay * p)       (negated when maximize)
 *   m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
 *   vmax = max(vmax, v)                              (amsgrad; then vmax replaces v below)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State: {@code step}, {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (amsgrad).
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new Adam(model.parameters(), Adam.Options.builder().lr(1e-3).betas(0.9, 0.999).amsgrad(true).build());
 * }</pre>
 */
public class Adam extends Optimizer {
    private static final Set<String> STATE = Set.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq");
    private static final Set<String> REQUIRED = Set.of("step", "exp_avg", "exp_avg_sq");
    private static final Set<String> REQUIRED_AMSGRAD = STATE;
    private final boolean decoupled;

    /**
     * Adam options (PyTorch defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay).
     *
     * @param lr learning rate, >= 0
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param eps added to the denominator, >= 0
     * @param weightDecay L2 penalty added to the gradient (AdamW: decoupled decay), >= 0
     * @param amsgrad keep the maximum of the second moment (AMSGrad)
     * @param maximize maximize the objective instead of minimizing it
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
            boolean maximize) {
        /** A builder starting from Adam's defaults. */
        public static Builder builder() {
            return new Builder(0);
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
            private boolean amsgrad, maximize;

            Builder(double weightDecay) {
                this.weightDecay = weightDecay;
            }

            public Builder lr(double v) { lr = v; return this; }
            public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
            public Builder eps(double v) { eps = v; return this; }
            public Builder weightDecay(double v) { weightDecay = v; return this; }
            public Builder amsgrad(boolean v) { amsgrad = v; return this; }
            public Builder maximize(boolean v) { maximize = v; return this; }

            public Options build() {
                return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
            }
        }

        Map<String, Double> toMap() {
            var m = new LinkedHashMap<String, Double>();
            m.put("lr", lr);
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("amsgrad", amsgrad ? 1.0 : 0.0);
            m.put("maximize", maximize ? 1.0 : 0.0);
            return m;
        }
    }

    /** Adam over {@code params} with {@code options}. */
    public Adam(List<Tensor> params, Options options) {
        this("Adam", params, options, false);
    }

    /** Adam with learning rate {@code lr} and default betas/eps. */
    public Adam(List<Tensor> params, double lr) {
        this(params, Options.builder().lr(lr).build());
    }

    Adam(String name, List<Tensor> params, Options options, boolean decoupled) {
        super(name, params, options.toMap());
        this.decoupled = decoupled;
    }

    @Override
    protected void validate(Map<String, Double> o) {
        requireAtLeast("learning rate", o.get("lr"), 0);
        requireAtLeast("epsilon", o.get("eps"), 0);
        requireRange("beta1", o.get("beta1"), 0, 1);
        requireRange("beta2", o.get("beta2"), 0, 1);
        requireAtLeast("weight_decay", o.get("weight_decay"), 0);
    }

    @Override
    protected Set<String> requiredState(ParamGroup group) {
        return group.getBoolean("amsgrad") ? REQUIRED_AMSGRAD : REQUIRED;
    }

    @Override
    protected Set<String> knownState() {
        return STATE;
    }

    @Override
    protected void update(ParamGroup group, ParamState st, float[] p, int pOff, float[] g, int gOff, int n) {
        double lrD = group.lr(), beta1D = group.get("beta1"), beta2D = group.get("beta2"), wdD = group.get("weight_decay");
        boolean amsgrad = group.getBoolean("amsgrad"), maximize = group.getBoolean("maximize");
        long step = st.increment("step");
        float[] m = st.buffer("exp_avg", 0f), v = st.buffer("exp_avg_sq", 0f);
        float[] vmax = amsgrad ? st.buffer("max_exp_avg_sq", 0f) : null;
        // Scalars are computed in double and rounded once, like PyTorch's Python-side scalars.
        float wd = decoupled ? 0f : (float) wdD;
        float decay = decoupled && wdD != 0 ? (float) (1 - lrD * wdD) : 1f;
        float w1 = (float) (1 - beta1D), beta2 = (float) beta2D, w2 = (float) (1 - beta2D);
        boolean lerpLow = 1 - beta1D < 0.5;
        float w1c = 1f - w1;   // lerp's upper branch uses (1 - weight) in float
        double bc1 = 1 - Math.pow(beta1D, step), bc2 = 1 - Math.pow(beta2D, step);
        float stepSize = (float) (lrD / bc1), bc2Sqrt = (float) Math.sqrt(bc2), eps = (float) group.get("eps");
        OptimKernels.adam(new OptimKernels.AdamStep(decay, wd, maximize, lerpLow, w1, w1c, beta2, w2, stepSize, bc2Sqrt,
                eps), p, pOff, g, gOff, m, v, vmax, n);
    }
}
