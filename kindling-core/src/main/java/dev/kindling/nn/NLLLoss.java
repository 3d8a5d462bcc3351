// NLLLoss: negative log-likelihood of log-probabilities (torch.nn.NLLLoss); LogSoftmax + NLLLoss is
// CrossEntropyLoss. Class weights are a buffer named "weight".
package dev.kindling.nn;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import dev.kindling.tensor.Tensor;

/** {@code -weight[t] * input[n, t]} over log-probabilities {@code [N, C]} and int64 targets {@code [N]}. */
public class NLLLoss extends Loss {
    private final Tensor weight;
    private final int ignoreIndex;

    /** No weight, ignore index -100, mean reduction. */
    public NLLLoss() {
        this(null, -100, Reduction.MEAN);
    }

    public NLLLoss(Reduction reduction) {
        this(null, -100, reduction);
    }

    /** With per-class weights {@code [C]} (or null) and an ignored target index. */
    public NLLLoss(Tensor weight, int ignoreIndex, Reduction reduction) {
        super(reduction);
        this.weight = registerConstant("weight", weight);
        this.ignoreIndex = ignoreIndex;
    }

    /** The class weights, or null. */
    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.nllLoss(input, target, weight, ignoreIndex, reduction());
    }
}
