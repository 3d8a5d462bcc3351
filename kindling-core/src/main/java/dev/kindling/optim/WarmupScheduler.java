// WarmupScheduler: a linear learning-rate warm-up for a number of steps, then a given scheduler — a
// shorthand for SequentialLR(LinearLR(startFactor -> 1), after) with the milestone at the warm-up's end.
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Linear warm-up, then {@code after} (which restarts at its own step 0 when the warm-up ends).
 * During warm-up, step {@code e} ({@code 0 <= e < warmupSteps}) uses
 * {@code base_lr * (startFactor + (1 - startFactor) * e / warmupSteps)}.
 *
 * <p>Example:
 * <pre>{@code
 * var sched = new WarmupScheduler(opt, 500, new CosineAnnealingLR(opt, 9500, 0.0));
 * }</pre>
 */
public final class WarmupScheduler implements LRScheduler {
    private final SequentialLR chain;

    /** Warm-up starting at {@code 1 / warmupSteps} of the base rate. */
    public WarmupScheduler(Optimizer optimizer, int warmupSteps, LRScheduler after) {
        this(optimizer, warmupSteps, 1.0 / Math.max(1, warmupSteps), after);
    }

    /**
     * @param optimizer the optimizer, the one {@code after} drives
     * @param warmupSteps the number of warm-up steps, > 0
     * @param startFactor the fraction of the base rate at step 0, in (0, 1]
     * @param after the scheduler taking over at step {@code warmupSteps}, built on {@code optimizer}
     */
    public WarmupScheduler(Optimizer optimizer, int warmupSteps, double startFactor, LRScheduler after) {
        if (warmupSteps <= 0) throw new IllegalArgumentException("WarmupScheduler: warmupSteps must be > 0, got "
                + warmupSteps);
        chain = new SequentialLR(optimizer, List.of(new LinearLR(optimizer, startFactor, 1.0, warmupSteps), after),
                new int[] {warmupSteps});
    }

    @Override
    public void step() {
        chain.step();
    }

    @Override
    public double getLastLr() {
        return chain.getLastLr();
    }

    @Override
    public Map<String, Tensor> stateDict() {
        return chain.stateDict();
    }

    @Override
    public void loadStateDict(Map<String, Tensor> stateDict) {
        chain.loadStateDict(stateDict);
    }
}
