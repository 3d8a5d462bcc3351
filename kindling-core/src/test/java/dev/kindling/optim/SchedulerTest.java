// SchedulerTest: scheduler behaviour beyond the golden rates — chaining (SequentialLR, WarmupScheduler),
// OneCycle's momentum / beta1 cycling, ReduceLROnPlateau's patience and cooldown, state dicts and errors.
package dev.kindling.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    static SGD sgd(double lr) {
        return new SGD(List.of(Tensor.zeros(2).requiresGrad(true)), lr);
    }

    static double[] rates(Optimizer opt, LRScheduler s, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            if (i > 0) s.step();
            r[i] = opt.getLr();
        }
        return r;
    }

    @Test
    void sequentialRestartsTheNextSchedulerAtItsMilestone() {
        var opt = sgd(0.1);
        var warm = new LinearLR(opt, 0.5, 1.0, 2);
        var decay = new ExponentialLR(opt, 0.5);
        var seq = new SequentialLR(opt, List.of(warm, decay), new int[] {2});
        // PyTorch: 0.05, 0.075, then ExponentialLR restarted at its step 0 (the base rate), then halving.
        assertThat(rates(opt, seq, 5)).containsExactly(new double[] {0.05, 0.075, 0.1, 0.05, 0.025}, within(1e-15));
        assertThat(seq.getLastLr()).isEqualTo(opt.getLr());
    }

    @Test
    void warmupThenCosine() {
        var opt = sgd(1.0);
        var sched = new WarmupScheduler(opt, 4, new CosineAnnealingLR(opt, 4, 0.0));
        double[] r = rates(opt, sched, 9);
        assertThat(r).containsExactly(new double[] {0.25, 0.4375, 0.625, 0.8125, 1.0, 0.8535533905932737, 0.5,
                0.14644660940672627, 0.0}, within(1e-12));
    }

    @Test
    void oneCycleCyclesSgdMomentumAndAdamBeta1() {
        var opt = new SGD(List.of(Tensor.zeros(2).requiresGrad(true)),
                SGD.Options.builder().lr(0.1).momentum(0.9).build());
        var sched = new OneCycleLR(opt, 0.1, 10, 0.3, "linear", 25, 1e4, false);
        assertThat(opt.paramGroups().get(0).get("momentum")).isEqualTo(0.95);
        sched.step();
        sched.step();   // step 2 = the peak (pctStart * 10 - 1)
        assertThat(opt.getLr()).isCloseTo(0.1, within(1e-15));
        assertThat(opt.paramGroups().get(0).get("momentum")).isCloseTo(0.85, within(1e-15));
        for (int i = 0; i < 7; i++) sched.step();
        assertThat(opt.getLr()).isCloseTo(0.004 / 1e4, within(1e-15));
        assertThat(opt.paramGroups().get(0).get("momentum")).isCloseTo(0.95, within(1e-15));
        sched.step();   // step 10 == totalSteps is still allowed, as in PyTorch
        assertThatThrownBy(sched::step).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tried to step 11 times");

        var adam = new Adam(List.of(Tensor.zeros(2).requiresGrad(true)), 0.01);
        var cycle = new OneCycleLR(adam, OneCycleLR.Options.builder(0.01, 10).threePhase(true).build());
        assertThat(adam.paramGroups().get(0).get("beta1")).isEqualTo(0.95);
        assertThat(adam.paramGroups().get(0).get("beta2")).isEqualTo(0.999);
        cycle.step();
        cycle.step();
        assertThat(adam.paramGroups().get(0).get("beta1")).isCloseTo(0.85, within(1e-12));
        assertThat(adam.getLr()).isCloseTo(0.01, within(1e-15));

        var adagrad = new Adagrad(List.of(Tensor.zeros(2).requiresGrad(true)), 0.01);
        assertThatThrownBy(() -> new OneCycleLR(adagrad, 0.1, 10)).hasMessageContaining("neither momentum nor beta1");
        new OneCycleLR(adagrad, OneCycleLR.Options.builder(0.1, 10).cycleMomentum(false).build());
    }

    @Test
    void reduceOnPlateauWaitsForPatienceThenCoolsDown() {
        var opt = sgd(1.0);
        var plateau = new ReduceLROnPlateau(opt, "min", 0.5, 1, 0.0, 1, 0.2);
        double[] metrics = {10, 9, 9, 9, 9, 9, 9, 9, 9, 9};
        double[] lrs = new double[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            plateau.step(metrics[i]);
            lrs[i] = opt.getLr();
        }
        // bad epochs after 9: 1, 2 -> cut (0.5), cooldown 1 epoch, 1, 2 -> cut (0.25), ..., floored at minLr 0.2
        assertThat(lrs).containsExactly(1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2);
        assertThat(plateau.getLastLr()).isEqualTo(0.2);
        assertThatThrownBy(plateau::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("step(metric)");

        var max = new ReduceLROnPlateau(sgd(1.0), ReduceLROnPlateau.Options.builder().mode("max").patience(0).build());
        max.step(1);
        max.step(2);
        assertThat(max.getLastLr()).isEqualTo(1.0);
        max.step(1.5);
        assertThat(max.getLastLr()).isEqualTo(0.1);
        var copy = new ReduceLROnPlateau(sgd(1.0), ReduceLROnPlateau.Options.builder().mode("max").patience(0).build());
        copy.loadStateDict(max.stateDict());
        assertThat(copy.best()).isEqualTo(2.0);
    }

    @Test
    void schedulerStateDictResumes() {
        var opt = sgd(0.1);
        var sched = new StepLR(opt, 2, 0.1);
        for (int i = 0; i < 3; i++) sched.step();
        var opt2 = sgd(0.1);
        var sched2 = new StepLR(opt2, 2, 0.1);
        opt2.loadStateDict(opt.stateDict());
        sched2.loadStateDict(sched.stateDict());
        for (int i = 0; i < 3; i++) {
            sched.step();
            sched2.step();
            assertThat(opt2.getLr()).isEqualTo(opt.getLr());
        }
        assertThat(sched2.lastEpoch()).isEqualTo(6);
    }

    @Test
    void invalidSchedulerArgumentsAreRejected() {
        var opt = sgd(0.1);
        assertThatThrownBy(() -> new StepLR(opt, 0, 0.1)).hasMessageContaining("StepLR: stepSize must be > 0");
        assertThatThrownBy(() -> new LinearLR(opt, 0, 1, 5)).hasMessageContaining("startFactor must be in (0, 1]");
        assertThatThrownBy(() -> new CosineAnnealingLR(opt, 0, 0)).hasMessageContaining("tMax must be > 0");
        assertThatThrownBy(() -> new OneCycleLR(opt, 0.1, 10, 0.3, "cosine", 25, 1e4, false))
                .hasMessageContaining("annealStrategy must be \"cos\" or \"linear\"");
        assertThatThrownBy(() -> new ReduceLROnPlateau(opt, "lowest", 0.1, 1, 0, 0, 0)).hasMessageContaining("mode");
        assertThatThrownBy(() -> new ReduceLROnPlateau(opt, "min", 1.0, 1, 0, 0, 0)).hasMessageContaining("factor");
        var a = new StepLR(opt, 2, 0.1);
        var b = new StepLR(sgd(0.1), 2, 0.1);
        assertThatThrownBy(() -> new SequentialLR(opt, List.of(a, b), new int[] {2}))
                .hasMessageContaining("different optimizer");
        assertThatThrownBy(() -> new SequentialLR(opt, List.of(a), new int[] {2}))
                .hasMessageContaining("expected 0 milestones");
    }
}
