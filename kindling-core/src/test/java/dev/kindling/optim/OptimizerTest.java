// OptimizerTest: optimizer behaviour beyond the golden trajectories — state dict round trips (in memory and
// through safetensors) that resume bit-exactly, param groups, zeroGrad, strided parameters, and errors.
package dev.kindling.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.io.Safetensors;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerTest {
    @TempDir
    Path tmp;

    /** Parameters of the golden problem, copied so each run starts from the same values. */
    static OptimGoldenTest.Problem problem() {
        return OptimGoldenTest.Problem.from(OptimGoldenTest.golden());
    }

    static void train(OptimGoldenTest.Problem pb, Optimizer opt, LRScheduler sched, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            pb.loss().backward();
            opt.step();
            if (sched != null) sched.step();
        }
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD nesterov", (Function<List<Tensor>, Optimizer>) p -> new SGD(p,
                        SGD.Options.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(1e-2).build())),
                Arguments.of("Adam amsgrad", (Function<List<Tensor>, Optimizer>) p -> new Adam(p,
                        Adam.Options.builder().lr(0.01).amsgrad(true).weightDecay(1e-2).build())),
                Arguments.of("AdamW", (Function<List<Tensor>, Optimizer>) p -> new AdamW(p, 0.01)),
                Arguments.of("RMSprop centered", (Function<List<Tensor>, Optimizer>) p -> new RMSprop(p,
                        RMSprop.Options.builder().lr(0.01).momentum(0.9).centered(true).build())),
                Arguments.of("Adagrad", (Function<List<Tensor>, Optimizer>) p -> new Adagrad(p,
                        Adagrad.Options.builder().lr(0.1).lrDecay(0.01).initialAccumulatorValue(0.1).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void stateDictThroughSafetensorsResumesBitExactly(String label, Function<List<Tensor>, Optimizer> make)
            throws Exception {
        var straight = problem();
        var optA = make.apply(straight.params());
        var schedA = new CosineAnnealingLR(optA, 5, 1e-4);
        train(straight, optA, schedA, 6);

        var first = problem();
        var optB = make.apply(first.params());
        var schedB = new CosineAnnealingLR(optB, 5, 1e-4);
        train(first, optB, schedB, 3);
        Path file = tmp.resolve("opt.safetensors"), sfile = tmp.resolve("sched.safetensors");
        Safetensors.save(file, optB.stateDict(), Map.of());
        Safetensors.save(sfile, schedB.stateDict(), Map.of());

        // A fresh process: new parameters holding the saved values, a new optimizer and scheduler.
        var resumed = problem();
        try (var noGrad = Autograd.noGrad()) {
            resumed.p1().copy_(first.p1().detach());
            resumed.p2().copy_(first.p2().detach());
        }
        var optC = make.apply(resumed.params());
        var schedC = new CosineAnnealingLR(optC, 5, 1e-4);
        optC.loadStateDict(Safetensors.load(file));
        schedC.loadStateDict(Safetensors.load(sfile));
        assertThat(optC.getLr()).isEqualTo(optB.getLr());
        assertThat(optC.state(resumed.p1())).as(label).isNotEmpty();
        train(resumed, optC, schedC, 3);

        assertThat(resumed.p1().toFloatArray()).as(label).containsExactly(straight.p1().toFloatArray());
        assertThat(resumed.p2().toFloatArray()).as(label).containsExactly(straight.p2().toFloatArray());
        assertThat(optC.getLr()).isEqualTo(optA.getLr());
        assertThat(optC.stateDict().keySet()).isEqualTo(optA.stateDict().keySet());
    }

    @Test
    void stateDictHasPyTorchStyleKeys() {
        var pb = problem();
        var opt = new Adam(pb.params(), Adam.Options.builder().lr(0.01).amsgrad(true).build());
        assertThat(opt.stateDict()).doesNotContainKey("state.0.exp_avg").containsKeys("group.0.lr", "group.0.params");
        train(pb, opt, null, 2);
        Map<String, Tensor> sd = opt.stateDict();
        assertThat(sd).containsKeys("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
                "state.1.exp_avg", "group.0.beta1", "group.0.beta2", "group.0.eps", "group.0.weight_decay");
        assertThat(sd.get("state.1.step").getLong()).isEqualTo(2);
        assertThat(sd.get("state.0.exp_avg").shape()).containsExactly(3, 4);
        assertThat(sd.get("group.0.params").toLongArray()).containsExactly(0, 1);
        // A snapshot: stepping again does not change it.
        float before = sd.get("state.0.exp_avg").toFloatArray()[0];
        train(pb, opt, null, 1);
        assertThat(sd.get("state.0.exp_avg").toFloatArray()[0]).isEqualTo(before);
    }

    @Test
    void loadStateDictReportsMissingUnexpectedAndMismatchedKeys() {
        var pb = problem();
        var opt = new Adam(pb.params(), 0.01);
        train(pb, opt, null, 1);
        Map<String, Tensor> sd = new HashMap<>(opt.stateDict());
        sd.remove("state.1.exp_avg_sq");
        sd.remove("group.0.eps");
        sd.put("state.0.exp_avg", Tensor.zeros(4, 3));
        sd.put("state.0.bogus", Tensor.zeros(1));
        var fresh = new Adam(problem().params(), 0.01);
        assertThatThrownBy(() -> fresh.loadStateDict(sd)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Adam.loadStateDict")
                .hasMessageContaining("missing keys [group.0.eps, state.1.exp_avg_sq]")
                .hasMessageContaining("unexpected keys [state.0.bogus]")
                .hasMessageContaining("state.0.exp_avg: saved float32 [4, 3], parameter is float32 [3, 4]");
        assertThat(fresh.state(fresh.params().get(0))).isEmpty();   // nothing applied

        var sgd = new SGD(problem().params(), 0.1);
        sgd.addParamGroup(List.of(Tensor.zeros(2).requiresGrad(true)));
        assertThatThrownBy(() -> sgd.loadStateDict(new SGD(problem().params(), 0.1).stateDict()))
                .hasMessageContaining("missing keys [group.1.lr");
    }

    @Test
    void paramGroupsHaveTheirOwnLearningRates() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}).requiresGrad(true);
        var opt = new SGD(List.of(a), 0.1);
        opt.addParamGroup(List.of(b), Map.of("lr", 0.01, "momentum", 0.5));
        assertThat(opt.paramGroups()).hasSize(2);
        assertThat(opt.paramGroups().get(1).get("momentum")).isEqualTo(0.5);
        assertThat(opt.paramGroups().get(1).get("dampening")).isEqualTo(0.0);
        a.setGrad(Tensor.of(new float[] {1, 1}));
        b.setGrad(Tensor.of(new float[] {1, 1}));
        opt.step();
        assertThat(a.toFloatArray()).containsExactly(1 - 0.1f, 2 - 0.1f);
        assertThat(b.toFloatArray()).containsExactly(3 - 0.01f, 4 - 0.01f);
        assertThat(opt.state(a)).isEmpty();
        assertThat(opt.state(b)).containsKey("momentum_buffer");
        opt.setLr(0.5);
        assertThat(opt.paramGroups()).allMatch(g -> g.lr() == 0.5);
        assertThat(opt.getLr()).isEqualTo(0.5);
    }

    @Test
    void zeroGradClearsGradsAndStepSkipsParamsWithoutGrad() {
        var pb = problem();
        var opt = new SGD(pb.params(), 0.1);
        pb.loss().backward();
        assertThat(pb.p1().grad()).isNotNull();
        opt.zeroGrad();
        assertThat(pb.p1().grad()).isNull();
        assertThat(pb.p2().grad()).isNull();
        float[] before = pb.p1().toFloatArray();
        int version = pb.p1().storage().version();
        opt.step();
        assertThat(pb.p1().toFloatArray()).containsExactly(before);
        assertThat(pb.p1().storage().version()).isEqualTo(version);
        pb.loss().backward();
        opt.step();
        assertThat(pb.p1().storage().version()).isGreaterThan(version);   // in-place writes are marked
        assertThat(pb.p1().requiresGrad()).isTrue();
        assertThat(pb.p1().isLeaf()).isTrue();
    }

    @Test
    void nonContiguousParameterAndGradientAreUpdatedInPlace() {
        Tensor base = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor p = base.t().requiresGrad(true);                      // [3, 2], strided view of base
        Tensor g = Tensor.of(new float[] {1, 1, 1, 2, 2, 2}, 2, 3).t();
        p.setGrad(g);
        new SGD(List.of(p), 0.5).step();
        assertThat(base.toFloatArray()).containsExactly(0.5f, 1.5f, 2.5f, 3f, 4f, 5f);
    }

    @Test
    void adamFirstStepMovesEachElementByLr() {
        Tensor p = Tensor.of(new float[] {1, -1, 0.5f}).requiresGrad(true);
        p.setGrad(Tensor.of(new float[] {3, -0.001f, 1e3f}));
        new Adam(List.of(p), Adam.Options.builder().lr(0.1).eps(0).build()).step();
        assertThat(p.toFloatArray()).containsExactly(new float[] {0.9f, -0.9f, 0.4f},
                org.assertj.core.data.Offset.offset(1e-6f));   // lr * sign(g): bias corrections cancel exactly
    }

    @Test
    void invalidOptionsAreRejectedWithTheirName() {
        List<Tensor> ps = problem().params();
        assertThatThrownBy(() -> new SGD(ps, -0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SGD: invalid learning rate -0.1");
        assertThatThrownBy(() -> new SGD(ps, SGD.Options.builder().lr(0.1).nesterov(true).build()))
                .hasMessageContaining("Nesterov momentum requires a momentum > 0");
        assertThatThrownBy(() -> new Adam(ps, Adam.Options.builder().betas(1.0, 0.999).build()))
                .hasMessageContaining("Adam: invalid beta1 1.0");
        assertThatThrownBy(() -> new AdamW(ps, AdamW.Options.builder().betas(0.9, -0.1).build()))
                .hasMessageContaining("AdamW: invalid beta2 -0.1");
        assertThatThrownBy(() -> new RMSprop(ps, RMSprop.Options.builder().eps(-1).build()))
                .hasMessageContaining("RMSprop: invalid epsilon");
        assertThatThrownBy(() -> new Adagrad(ps, Adagrad.Options.builder().lrDecay(-1).build()))
                .hasMessageContaining("Adagrad: invalid lr_decay");
        assertThatThrownBy(() -> new SGD(List.of(), 0.1)).hasMessageContaining("empty parameter list");
        Tensor leaf = Tensor.zeros(2).requiresGrad(true);
        assertThatThrownBy(() -> new SGD(List.of(leaf.mul(2f)), 0.1)).hasMessageContaining("not a leaf");
        assertThatThrownBy(() -> new SGD(List.of(leaf, leaf), 0.1)).hasMessageContaining("more than once");
        var opt = new SGD(List.of(leaf), 0.1);
        assertThatThrownBy(() -> opt.addParamGroup(List.of(Tensor.zeros(1)), Map.of("betas", 0.9)))
                .hasMessageContaining("unknown option 'betas'");
        assertThatThrownBy(() -> opt.setLr(Double.NaN)).hasMessageContaining("invalid learning rate");
        assertThatThrownBy(() -> opt.paramGroups().get(0).get("beta1")).hasMessageContaining("no option 'beta1'");
    }

    @Test
    void adamWDefaultsToWeightDecayOneHundredth() {
        var opt = new AdamW(problem().params(), 1e-3);
        assertThat(opt.paramGroups().get(0).get("weight_decay")).isEqualTo(1e-2);
        assertThat(new Adam(problem().params(), 1e-3).paramGroups().get(0).get("weight_decay")).isEqualTo(0.0);
        assertThat(opt.name()).isEqualTo("AdamW");
    }

    @Test
    void randomLargerParametersTrainWithoutAllocatingPerElement() {
        var g = new Generator(7);
        Tensor w = Tensor.randn(g, 64, 33).requiresGrad(true);
        var opt = new Adam(List.of(w), 1e-2);
        for (int i = 0; i < 20; i++) {
            opt.zeroGrad();
            w.square().sum().backward();
            opt.step();
        }
        double norm = 0;
        for (float v : w.toFloatArray()) norm += v * v;
        assertThat(norm).isLessThan(64 * 33 * 0.9);   // decreasing the sum of squares
    }
}
