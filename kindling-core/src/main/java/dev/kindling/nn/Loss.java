// Loss: the base of the loss modules (PyTorch's _Loss): a module with a two-input forward(input, target)
// and a reduction, so losses can be held, printed and moved around like any other module.
package dev.kindling.nn;

import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/**
 * A loss module. Subclasses wrap a function of {@link dev.kindling.ops.Losses}.
 *
 * <p>Example: {@code Tensor loss = new CrossEntropyLoss().forward(logits, labels); loss.backward();}
 */
public abstract class Loss extends Module {
    private final Reduction reduction;

    /** A loss with {@code reduction}; {@code BATCHMEAN} is refused (only KL divergence allows it). */
    protected Loss(Reduction reduction) {
        this(reduction, false);
    }

    protected Loss(Reduction reduction, boolean batchmeanAllowed) {
        String name = getClass().getSimpleName();
        if (reduction == null) throw new IllegalArgumentException(name + ": reduction must not be null (use "
                + "Reduction.MEAN, SUM or NONE)");
        if (reduction == Reduction.BATCHMEAN && !batchmeanAllowed) throw new IllegalArgumentException(name
                + ": reduction BATCHMEAN is only valid for KLDivLoss; use MEAN, SUM or NONE");
        this.reduction = reduction;
    }

    /** How per-element losses are combined. */
    public Reduction reduction() {
        return reduction;
    }

    /** The loss of {@code input} against {@code target}; a scalar unless the reduction is NONE. */
    public abstract Tensor forward(Tensor input, Tensor target);

    /** Registers an optional constant tensor (class weights) as a buffer: saved, but not trained. */
    protected Tensor registerConstant(String name, Tensor t) {
        return registerBuffer(name, t == null ? null : t.detach());
    }
}
