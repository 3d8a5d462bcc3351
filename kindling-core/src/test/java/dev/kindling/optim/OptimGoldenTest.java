// OptimGoldenTest: reproduces golden/optim.json (PyTorch 2.11, float64) step by step — every optimizer run
// (loss before each of 6 steps and both parameters after it), clip_grad_norm_, and the scheduler rates.
package dev.kindling.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.io.Json;
import dev.kindling.ops.Activations;
import dev.kindling.ops.Elementwise;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Reductions;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptimGoldenTest {
    // The golden is float64; Kindling computes in float32 like PyTorch on float32 parameters. Errors are
    // measured per tensor as max|a - b| / max|b| (normwise relative), which the issue bounds by 1e-6. The
    // element-wise relative error |a - b| / |b| is printed too but cannot be bounded by 1e-6 in float32: a few
    // parameter elements pass near zero (RMSprop's p1[0][3] reaches 5.9e-5 after step 6 while its neighbours
    // are ~0.5), where float32 rounding of the O(0.05) updates gives ~2e-4 element-wise (numpy float32 gives
    // the same, so it is inherent, not an implementation error); ELEMENTWISE_BOUND sits just above the worst.
    static final double RTOL = 1e-6;
    static final double ELEMENTWISE_BOUND = 5e-4;

    static Map<String, Object> golden() {
        try (InputStream in = OptimGoldenTest.class.getResourceAsStream("/golden/optim.json")) {
            if (in == null) throw new IllegalStateException("missing test resource golden/optim.json");
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The problem's data and fresh parameters (requiring grad). */
    record Problem(Tensor x, Tensor y, Tensor p1, Tensor p2) {
        static Problem from(Map<String, Object> g) {
            return new Problem(matrix(g.get("x")), vector(g.get("y")), matrix(g.get("p1")).requiresGrad(true),
                    vector(g.get("p2")).requiresGrad(true));
        }

        /** loss = mean((tanh(x @ p1) @ p2 - y)^2). */
        Tensor loss() {
            Tensor h = Activations.tanh(Linalg.matmul(x, p1));                         // [5, 4]
            Tensor pred = Linalg.matmul(h, p2);                                        // [5]
            return Reductions.mean(Elementwise.square(Elementwise.sub(pred, y)));     // []
        }

        List<Tensor> params() {
            return List.of(p1, p2);
        }
    }

    static Tensor matrix(Object o) {
        List<?> rows = (List<?>) o;
        int r = rows.size(), c = ((List<?>) rows.get(0)).size();
        float[] d = new float[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) d[i * c + j] = num(((List<?>) rows.get(i)).get(j));
        return Tensor.of(d, r, c);
    }

    static Tensor vector(Object o) {
        List<?> v = (List<?>) o;
        float[] d = new float[v.size()];
        for (int i = 0; i < d.length; i++) d[i] = num(v.get(i));
        return Tensor.of(d);
    }

    static float num(Object o) {
        return ((Number) o).floatValue();
    }

    static double[] flat(Object o) {
        if (o instanceof Number n) return new double[] {n.doubleValue()};
        return ((List<?>) o).stream().flatMapToDouble(e -> java.util.Arrays.stream(flat(e))).toArray();
    }

    /** Worst errors seen so far: [0] normwise relative, [1] element-wise relative. */
    static void accumulate(double[] worst, float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            maxDiff = Math.max(maxDiff, diff);
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            worst[1] = Math.max(worst[1], diff / Math.abs(expected[i]));
        }
        worst[0] = Math.max(worst[0], maxDiff / maxRef);
    }

    static void report(String label, double[] worst) {
        System.out.printf("optim golden %-70s max rel err %.3e (element-wise %.3e)%n", label, worst[0], worst[1]);
        assertThat(worst[0]).as(label + " normwise relative error").isLessThan(RTOL);
        assertThat(worst[1]).as(label + " element-wise relative error").isLessThan(ELEMENTWISE_BOUND);
    }

    static Optimizer build(String name, Map<String, Object> kw, List<Tensor> params) {
        double lr = ((Number) kw.get("lr")).doubleValue();
        double wd = kw.containsKey("weight_decay") ? ((Number) kw.get("weight_decay")).doubleValue() : 0;
        double eps = kw.containsKey("eps") ? ((Number) kw.get("eps")).doubleValue() : -1;
        double momentum = kw.containsKey("momentum") ? ((Number) kw.get("momentum")).doubleValue() : 0;
        boolean amsgrad = Boolean.TRUE.equals(kw.get("amsgrad"));
        return switch (name) {
            case "SGD" -> new SGD(params, SGD.Options.builder().lr(lr).momentum(momentum).weightDecay(wd)
                    .dampening(kw.containsKey("dampening") ? ((Number) kw.get("dampening")).doubleValue() : 0)
                    .nesterov(Boolean.TRUE.equals(kw.get("nesterov"))).build());
            case "Adam" -> {
                var b = Adam.Options.builder().lr(lr).weightDecay(wd).amsgrad(amsgrad);
                if (kw.get("betas") instanceof List<?> betas) b.betas(((Number) betas.get(0)).doubleValue(),
                        ((Number) betas.get(1)).doubleValue());
                if (eps >= 0) b.eps(eps);
                yield new Adam(params, b.build());
            }
            case "AdamW" -> new AdamW(params, AdamW.Options.builder().lr(lr)
                    .weightDecay(kw.containsKey("weight_decay") ? wd : 1e-2).build());
            case "RMSprop" -> new RMSprop(params, RMSprop.Options.builder().lr(lr).momentum(momentum)
                    .centered(Boolean.TRUE.equals(kw.get("centered"))).build());
            case "Adagrad" -> new Adagrad(params, Adagrad.Options.builder().lr(lr).build());
            default -> throw new IllegalArgumentException("no optimizer " + name);
        };
    }

    static Stream<Arguments> runs() {
        List<?> runs = (List<?>) golden().get("runs");
        return runs.stream().map(r -> {
            Map<?, ?> m = (Map<?, ?>) r;
            return Arguments.of(m.get("optimizer") + " " + Json.write(m.get("kwargs")), m);
        });
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void optimizerTrajectoryMatchesPyTorch(String label, Map<String, Object> run) {
        Problem pb = Problem.from(golden());
        Optimizer opt = build((String) run.get("optimizer"), (Map<String, Object>) run.get("kwargs"), pb.params());
        List<?> steps = (List<?>) run.get("steps");
        assertThat(steps).hasSize(6);
        double[] worst = new double[2];
        for (Object s : steps) {
            Map<?, ?> step = (Map<?, ?>) s;
            opt.zeroGrad();
            Tensor loss = pb.loss();
            loss.backward();
            opt.step();
            accumulate(worst, new float[] {loss.item()}, flat(step.get("loss_before_step")));
            accumulate(worst, pb.p1().toFloatArray(), flat(step.get("p1")));
            accumulate(worst, pb.p2().toFloatArray(), flat(step.get("p2")));
        }
        report(label, worst);
    }

    @Test
    void clipGradNormMatchesPyTorch() {
        Map<String, Object> g = golden();
        Map<?, ?> c = (Map<?, ?>) g.get("clip_grad_norm");
        Problem pb = Problem.from(g);
        Elementwise.mul(pb.loss(), ((Number) c.get("loss_scale")).floatValue()).backward();
        double total = GradClip.clipGradNorm(pb.params(), ((Number) c.get("max_norm")).doubleValue(), 2.0);
        double[] worst = new double[2];
        accumulate(worst, new float[] {(float) total}, flat(c.get("total_norm_before")));
        accumulate(worst, pb.p1().grad().toFloatArray(), flat(c.get("grad_p1_after")));
        accumulate(worst, pb.p2().grad().toFloatArray(), flat(c.get("grad_p2_after")));
        report("clip_grad_norm", worst);
    }

    static Stream<Arguments> schedulers() {
        Map<?, ?> s = (Map<?, ?>) golden().get("schedulers");
        Map<String, Function<Optimizer, LRScheduler>> make = Map.of(
                "StepLR(step_size=3,gamma=0.5)", o -> new StepLR(o, 3, 0.5),
                "CosineAnnealingLR(T_max=10,eta_min=0.001)", o -> new CosineAnnealingLR(o, 10, 0.001),
                "ExponentialLR(gamma=0.9)", o -> new ExponentialLR(o, 0.9),
                "LinearLR(start_factor=0.1,total_iters=5)", o -> new LinearLR(o, 0.1, 1.0, 5),
                "OneCycleLR(max_lr=0.1,total_steps=12)", o -> new OneCycleLR(o, 0.1, 12));
        assertThat(make.keySet()).containsExactlyInAnyOrderElementsOf(s.keySet().stream().map(Object::toString).toList());
        return s.entrySet().stream().map(e -> Arguments.of(e.getKey().toString(), e.getValue(),
                make.get(e.getKey().toString())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedulers")
    void schedulerRatesMatchPyTorch(String label, Map<String, Object> entry, Function<Optimizer, LRScheduler> make) {
        Problem pb = Problem.from(golden());
        var opt = new SGD(pb.params(), SGD.Options.builder().lr(((Number) entry.get("base_lr")).doubleValue())
                .momentum(0.9).build());
        LRScheduler sched = make.apply(opt);
        double[] expected = flat(entry.get("lr_per_step"));
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (i > 0) {
                opt.step();   // no gradients: a no-op, in PyTorch's order (optimizer, then scheduler)
                sched.step();
            }
            assertThat(opt.getLr()).isEqualTo(sched.getLastLr());
            worst = Math.max(worst, Math.abs(opt.getLr() - expected[i]) / Math.abs(expected[i]));
        }
        System.out.printf("optim golden %-70s max rel err %.3e%n", label, worst);
        assertThat(worst).as(label).isLessThan(1e-12);
    }
}
