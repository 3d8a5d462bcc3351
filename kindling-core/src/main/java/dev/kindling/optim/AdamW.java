// AdamW: Adam with decoupled weight decay (p *= 1 - lr * weight_decay before the Adam step), PyTorch's
// torch.optim.AdamW (default weight decay 1e-2).
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.List;

/**
 * AdamW, as {@code torch.optim.AdamW}: each step first decays the parameters,
 * {@code p = p * (1 - lr * weight_decay)}, then applies the Adam update without weight decay in the gradient.
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new AdamW(model.parameters(), AdamW.Options.builder().lr(3e-4).weightDecay(0.1).build());
 * }</pre>
 */
public final class AdamW extends Adam {
    /**
     * AdamW options (PyTorch defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2).
     *
     * @param lr learning rate, >= 0
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param eps added to the denominator, >= 0
     * @param weightDecay decoupled weight decay, >= 0
     * @param amsgrad keep the maximum of the second moment (AMSGrad)
     * @param maximize maximize the objective instead of minimizing it
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
            boolean maximize) {
        /** A builder starting from AdamW's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private final Adam.Options.Builder b = new Adam.Options.Builder(1e-2);

            public Builder lr(double v) { b.lr(v); return this; }
            public Builder betas(double b1, double b2) { b.betas(b1, b2); return this; }
            public Builder eps(double v) { b.eps(v); return this; }
            public Builder weightDecay(double v) { b.weightDecay(v); return this; }
            public Builder amsgrad(boolean v) { b.amsgrad(v); return this; }
            public Builder maximize(boolean v) { b.maximize(v); return this; }

            public Options build() {
                Adam.Options o = b.build();
                return new Options(o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.amsgrad(), o.maximize());
            }
        }

        Adam.Options toAdam() {
            return new Adam.Options(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
        }
    }

    /** AdamW over {@code params} with {@code options}. */
    public AdamW(List<Tensor> params, Options options) {
        super("AdamW", params, options.toAdam(), true);
    }

    /** AdamW with learning rate {@code lr} and default betas, eps and weight decay 1e-2. */
    public AdamW(List<Tensor> params, double lr) {
        this(params, Options.builder().lr(lr).build());
    }
}
