// LRScheduler: the interface of learning-rate schedulers (stepped once per epoch or per batch, as in
// PyTorch); their state dicts let a checkpoint resume a schedule exactly.
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.Map;

/**
 * A learning-rate schedule driving an {@link Optimizer}'s param-group learning rates. Constructing a scheduler
 * sets the initial learning rate, like PyTorch's; call {@link #step()} after {@code optimizer.step()}.
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new SGD(model.parameters(), 0.1);
 * LRScheduler sched = new CosineAnnealingLR(opt, 100, 1e-4);
 * for (int epoch = 0; epoch < 100; epoch++) { train(opt); sched.step(); }
 * }</pre>
 */
public interface LRScheduler {
    /** Advances the schedule by one step and sets the optimizer's learning rates. */
    void step();

    /** The learning rate of the first param group set by the last step (or by construction). */
    double getLastLr();

    /** The scheduler's state as tensors (int64 scalars; doubles as their bits), for checkpoints. */
    Map<String, Tensor> stateDict();

    /** Restores state saved by {@link #stateDict()} of a scheduler built the same way. */
    void loadStateDict(Map<String, Tensor> stateDict);
}
