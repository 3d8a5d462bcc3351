// SequentialLR: runs several schedulers one after another, switching at given milestones
// (torch.optim.lr_scheduler.SequentialLR) — e.g. a linear warm-up followed by cosine annealing.
package dev.kindling.optim;

import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chains schedulers: scheduler {@code k} drives the rate from step {@code milestones[k-1]} on, restarted at its
 * own step 0 (closed form from the base rates) when it takes over.
 *
 * <p>Example (5 warm-up steps, then cosine over 95):
 * <pre>{@code
 * var warm = new LinearLR(opt, 0.01, 1.0, 5);
 * var cos = new CosineAnnealingLR(opt, 95, 0.0);
 * LRScheduler sched = new SequentialLR(opt, List.of(warm, cos), new int[] {5});
 * }</pre>
 */
public final class SequentialLR implements LRScheduler {
    private final Optimizer optimizer;
    private final List<BaseLRScheduler> schedulers;
    private final int[] milestones;
    private int lastEpoch;
    private double lastLr;

    /**
     * @param optimizer the optimizer all {@code schedulers} drive
     * @param schedulers the schedulers in order (epoch-indexed ones, not ReduceLROnPlateau / SequentialLR)
     * @param milestones the steps at which the next scheduler takes over; {@code schedulers.size() - 1}
     *     increasing values
     */
    public SequentialLR(Optimizer optimizer, List<? extends LRScheduler> schedulers, int[] milestones) {
        String who = "SequentialLR";
        if (schedulers == null || schedulers.isEmpty()) throw new IllegalArgumentException(who + ": expected at least "
                + "one scheduler");
        if (milestones.length != schedulers.size() - 1) throw new IllegalArgumentException(who + ": expected "
                + (schedulers.size() - 1) + " milestones for " + schedulers.size() + " schedulers, got "
                + milestones.length);
        for (int i = 1; i < milestones.length; i++) if (milestones[i] <= milestones[i - 1])
            throw new IllegalArgumentException(who + ": milestones must increase, got "
                    + java.util.Arrays.toString(milestones));
        List<BaseLRScheduler> list = new java.util.ArrayList<>();
        for (int i = 0; i < schedulers.size(); i++) {
            if (!(schedulers.get(i) instanceof BaseLRScheduler b)) throw new IllegalArgumentException(who
                    + ": scheduler " + i + " (" + schedulers.get(i).getClass().getSimpleName() + ") cannot be chained; "
                    + "only epoch-indexed schedulers (StepLR, CosineAnnealingLR, LinearLR, ...) can");
            if (b.optimizer() != optimizer) throw new IllegalArgumentException(who + ": scheduler " + i
                    + " drives a different optimizer than the one given");
            list.add(b);
        }
        this.optimizer = optimizer;
        this.schedulers = List.copyOf(list);
        this.milestones = milestones.clone();
        // As PyTorch: back to the initial rates, undo the construction steps, re-run only the first one's.
        for (ParamGroup g : optimizer.paramGroups()) g.set("lr", g.get("initial_lr"));
        for (BaseLRScheduler s : this.schedulers) s.undoInitialStep();
        this.schedulers.get(0).initialStep();
        lastLr = this.schedulers.get(0).getLastLr();
    }

    @Override
    public void step() {
        lastEpoch++;
        int idx = 0;
        while (idx < milestones.length && milestones[idx] <= lastEpoch) idx++;   // bisect_right
        BaseLRScheduler s = schedulers.get(idx);
        if (idx > 0 && milestones[idx - 1] == lastEpoch) s.stepTo(0);
        else s.step();
        lastLr = s.getLastLr();
    }

    @Override
    public double getLastLr() {
        return lastLr;
    }

    /** The optimizer this scheduler drives. */
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("last_epoch", StateTensors.ofLong(lastEpoch));
        sd.put("last_lr", StateTensors.ofDouble(lastLr));
        for (int i = 0; i < schedulers.size(); i++)
            for (var e : schedulers.get(i).stateDict().entrySet()) sd.put("schedulers." + i + "." + e.getKey(), e.getValue());
        return sd;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> sd) {
        String who = "SequentialLR.loadStateDict";
        int epoch = (int) StateTensors.toLong(who, "last_epoch", StateTensors.require(who, sd, "last_epoch"));
        double lr = StateTensors.toDouble(who, "last_lr", StateTensors.require(who, sd, "last_lr"));
        for (int i = 0; i < schedulers.size(); i++) {
            String prefix = "schedulers." + i + ".";
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (var e : sd.entrySet()) if (e.getKey().startsWith(prefix)) sub.put(e.getKey().substring(prefix.length()),
                    e.getValue());
            schedulers.get(i).loadStateDict(sub);
        }
        lastEpoch = epoch;
        lastLr = lr;
    }
}
