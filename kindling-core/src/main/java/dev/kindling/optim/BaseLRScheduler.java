// BaseLRScheduler: shared machinery of epoch-indexed schedulers, mirroring torch.optim.lr_scheduler.LRScheduler
// (initial_lr / base_lrs, last_epoch, the initial step at construction, chainable and closed-form rates).
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the epoch-indexed schedulers. Construction records each group's {@code initial_lr} (unless a
 * scheduler already did) as the base learning rate; the subclass constructor ends with {@link #initialStep()},
 * which moves {@code lastEpoch} from -1 to 0 and sets the starting learning rate.
 *
 * <p>Subclasses compute the next rates with PyTorch's chainable formulas ({@link #computeLr()}, reading the
 * groups' current rates), and may provide the closed form used when a {@link SequentialLR} restarts them.
 */
public abstract class BaseLRScheduler implements LRScheduler {
    protected final Optimizer optimizer;
    /** Each group's {@code initial_lr}. */
    protected final double[] baseLrs;
    /** The index of the last step taken (-1 before the initial step). */
    protected int lastEpoch = -1;
    /** How many times {@link #step()} ran (including the initial step). */
    protected int stepCount;
    private double[] lastLrs;

    protected BaseLRScheduler(Optimizer optimizer) {
        if (optimizer == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": optimizer is null");
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            ParamGroup g = groups.get(i);
            if (!g.has("initial_lr")) g.set("initial_lr", g.lr());
            baseLrs[i] = g.get("initial_lr");
        }
        lastLrs = currentLrs();
    }

    /** The optimizer this scheduler drives. */
    public final Optimizer optimizer() {
        return optimizer;
    }

    /** The rates for step {@link #lastEpoch} with PyTorch's chainable formula (reads the current group rates). */
    protected abstract double[] computeLr();

    /** The rates for step {@link #lastEpoch} in closed form from {@link #baseLrs}; null when there is none. */
    protected double[] closedFormLr() {
        return null;
    }

    /** The first step, run at the end of each subclass constructor. */
    protected final void initialStep() {
        stepCount = 0;
        step();
    }

    @Override
    public void step() {
        stepCount++;
        lastEpoch++;
        apply(computeLr());
    }

    /** Jumps to {@code epoch} (closed form when available), as PyTorch's {@code step(epoch)}; used by SequentialLR. */
    void stepTo(int epoch) {
        stepCount++;
        lastEpoch = epoch;
        double[] lrs = closedFormLr();
        apply(lrs != null ? lrs : computeLr());
    }

    /** Undoes the epoch count of the construction step (SequentialLR re-runs only its first scheduler's). */
    void undoInitialStep() {
        lastEpoch--;
    }

    private void apply(double[] lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < lrs.length; i++) groups.get(i).set("lr", lrs[i]);
        lastLrs = lrs.clone();
    }

    /** The current learning rate of every group. */
    protected final double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = groups.get(i).lr();
        return lrs;
    }

    @Override
    public double getLastLr() {
        return lastLrs[0];
    }

    /** The learning rate of every group set by the last step. */
    public double[] getLastLrs() {
        return lastLrs.clone();
    }

    /** The number of the last step (0 after construction). */
    public int lastEpoch() {
        return lastEpoch;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("last_epoch", StateTensors.ofLong(lastEpoch));
        sd.put("step_count", StateTensors.ofLong(stepCount));
        for (int i = 0; i < baseLrs.length; i++) {
            sd.put("base_lr." + i, StateTensors.ofDouble(baseLrs[i]));
            sd.put("last_lr." + i, StateTensors.ofDouble(lastLrs[i]));
        }
        return sd;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> sd) {
        String who = getClass().getSimpleName() + ".loadStateDict";
        int epoch = (int) StateTensors.toLong(who, "last_epoch", StateTensors.require(who, sd, "last_epoch"));
        int count = (int) StateTensors.toLong(who, "step_count", StateTensors.require(who, sd, "step_count"));
        double[] base = new double[baseLrs.length], last = new double[baseLrs.length];
        for (int i = 0; i < base.length; i++) {
            base[i] = StateTensors.toDouble(who, "base_lr." + i, StateTensors.require(who, sd, "base_lr." + i));
            last[i] = StateTensors.toDouble(who, "last_lr." + i, StateTensors.require(who, sd, "last_lr." + i));
        }
        if (sd.containsKey("base_lr." + base.length)) throw new IllegalArgumentException(who + ": the state dict has "
                + "more param groups than the optimizer (" + base.length + ")");
        lastEpoch = epoch;
        stepCount = count;
        System.arraycopy(base, 0, baseLrs, 0, base.length);
        lastLrs = last;
    }

    static void requirePositive(String who, String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(who + ": " + what
                + " must be a finite value > 0, got " + v);
    }
}
