package dev.kindling.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.ops.Elementwise;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The harness itself: it must catch wrong values, wrong gradients, missing autograd and missing ops. */
class GoldenHarnessTest {
    static Map<String, Tensor> store;
    static GoldenCase exp;

    @BeforeAll
    static void load() throws IOException {
        store = GoldenCasesTest.loadStore();
        exp = GoldenCasesTest.loadCases().stream().filter(c -> c.id().equals("exp")).findFirst().orElseThrow();
    }

    @Test
    void correctOpPasses() {
        var o = GoldenRunner.run(exp, r -> GoldenOp.one(Elementwise.exp(r.in("input"))), store);
        assertThat(o.failures()).isEmpty();
        assertThat(o.outErr()).isLessThan(1e-5);
        assertThat(o.gradErr()).isLessThan(1e-5);
    }

    @Test
    void wrongValuesFailNamingCaseTensorAndElement() {
        var o = GoldenRunner.run(exp, r -> GoldenOp.one(Elementwise.mul(Elementwise.exp(r.in("input")), 1.001f)),
                store);
        assertThat(o.passed()).isFalse();
        assertThat(o.failures().get(0))
                .contains("case 'exp'", "output 0 (exp.out0)", "worst element [", "but expected");
    }

    @Test
    void wrongGradientFails() {
        // Value exp(x), gradient 1: exp(x.detach()) + (x - x.detach()).
        var o = GoldenRunner.run(exp, r -> {
            Tensor x = r.in("input");
            return GoldenOp.one(Elementwise.add(Elementwise.exp(x.detach()), Elementwise.sub(x, x.detach())));
        }, store);
        assertThat(o.outErr()).isLessThan(1e-5);
        assertThat(o.failures()).singleElement().asString().contains("grad of input 'input'");
    }

    @Test
    void unrecordedOpAndMissingOpAndExceptionsFail() {
        var detached = GoldenRunner.run(exp, r -> GoldenOp.one(Elementwise.exp(r.in("input").detach())), store);
        assertThat(detached.failures()).singleElement().asString().contains("not recorded by autograd");
        var missing = GoldenRunner.run(exp, null, store);
        assertThat(missing.failures()).singleElement().asString().contains("not implemented");
        var throwing = GoldenRunner.run(exp, r -> { throw new IllegalArgumentException("boom"); }, store);
        assertThat(throwing.failures()).singleElement().asString().contains("IllegalArgumentException: boom");
        var tooMany = GoldenRunner.run(exp, r -> new Tensor[] {Elementwise.exp(r.in("input")), Tensor.zeros(1)}, store);
        assertThat(tooMany.failures()).anySatisfy(f -> assertThat(f).contains("returned 2 outputs, expected 1"));
    }

    @Test
    void compareChecksShapeDtypeIntegersAndTolerance() {
        Tensor e = Tensor.of(new float[] {1f, 100f, 0f, -2f}, 2, 2);
        Tensor close = Tensor.of(new float[] {1f, 100.009f, 9e-6f, -2f}, 2, 2);
        assertThat(GoldenCompare.compare("c", "t", close, e).ok()).isTrue();
        var bad = GoldenCompare.compare("c", "t", Tensor.of(new float[] {1f, 100f, 0f, -2.01f}, 2, 2), e);
        assertThat(bad.failure()).contains("worst element [1, 1]", "-2.01", "expected -2.0");
        assertThat(GoldenCompare.compare("c", "t", Tensor.zeros(4), e).failure()).contains("shape [4]");
        Tensor ints = Tensor.ofLongs(new long[] {3, 4});
        assertThat(GoldenCompare.compare("c", "t", Tensor.ofLongs(new long[] {3, 4}), ints).ok()).isTrue();
        assertThat(GoldenCompare.compare("c", "t", Tensor.ofLongs(new long[] {3, 5}), ints).failure())
                .contains("element [1] is 5 but expected 4");
        assertThat(GoldenCompare.compare("c", "t", Tensor.of(new float[] {3, 4}), ints).failure()).contains("int64");
        assertThat(GoldenCompare.compare("c", "t", Tensor.of(new float[] {Float.NaN}), Tensor.of(new float[] {1}))
                .failure()).contains("NaN");
        assertThat(GoldenCompare.index(7, new int[] {2, 2, 3})).isEqualTo("[1, 0, 1]");
    }
}
