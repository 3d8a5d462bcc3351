package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The seed's linear regression against PyTorch (golden/seed_linreg.json): every epoch's loss, rtol 1e-5. */
class LinearRegressionTest {
    static final double RTOL = 1e-5;
    static Map<String, Object> golden;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = LinearRegressionTest.class.getResourceAsStream("/golden/seed_linreg.json")) {
            golden = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    static void assertClose(double got, double want, String what) {
        assertThat(got).as(what).isCloseTo(want, within(RTOL * Math.abs(want) + 1e-7));
    }

    static void assertParams(LinearRegression.Fit fit, Map<String, Object> want, String when) {
        assertClose(fit.weight(), num(want.get("weight")), "weight " + when);
        assertClose(fit.bias(), num(want.get("bias")), "bias " + when);
        List<?> pred = (List<?>) want.get("pred");
        for (int i = 0; i < pred.size(); i++) assertClose(fit.predictions()[i], num(pred.get(i)), "pred[" + i + "] " + when);
    }

    @Test
    void setupMatchesTheGolden() {
        assertThat(((List<?>) golden.get("x")).stream().map(LinearRegressionTest::num).toList())
                .containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
        assertThat(((List<?>) golden.get("y")).stream().map(LinearRegressionTest::num).toList())
                .containsExactly(2.0, 4.0, 5.0, 6.0, 7.0);
        assertThat(num(obj(golden, "init").get("weight"))).isEqualTo(LinearRegression.INIT_WEIGHT, within(1e-7));
        assertThat(num(obj(golden, "init").get("bias"))).isEqualTo(LinearRegression.INIT_BIAS, within(1e-7));
        assertThat(num(golden.get("lr"))).isEqualTo(0.01);
    }

    @Test
    void everyEpochOf1000MatchesPyTorch() {
        List<?> want = (List<?>) golden.get("loss_per_epoch_1000");
        LinearRegression.Fit fit = LinearRegression.train(1000, 0.01);
        assertThat(fit.losses()).hasSize(1000);
        for (int e = 0; e < 1000; e++) assertClose(fit.losses()[e], num(want.get(e)), "loss of epoch " + (e + 1));
        assertParams(fit, obj(golden, "after_1000"), "after 1000 epochs");
    }

    @Test
    void after100Epochs() {
        assertParams(LinearRegression.train(100, 0.01), obj(golden, "after_100"), "after 100 epochs");
    }

    @Test
    void leastSquaresIsTheBestLine() {
        double[] ls = LinearRegression.leastSquares(LinearRegression.X, LinearRegression.Y);
        Map<String, Object> want = obj(golden, "least_squares");
        assertThat(ls[0]).isCloseTo(num(want.get("weight")), within(1e-9));
        assertThat(ls[1]).isCloseTo(num(want.get("bias")), within(1e-9));
        assertThat(ls[2]).isCloseTo(0.08, within(1e-9));
    }

    @Test
    void printsTheSeedsLinesAndAnHonestEnding() {
        var buf = new ByteArrayOutputStream();
        LinearRegression.run(new PrintStream(buf, true, StandardCharsets.UTF_8), 100, 0.01);
        String out = buf.toString(StandardCharsets.UTF_8);
        List<?> want = (List<?>) golden.get("loss_per_epoch_1000");
        for (int e = 10; e <= 100; e += 10)
            assertThat(out).contains(String.format(java.util.Locale.ROOT, "Epoch [%d/100], Loss: %.4f", e, num(want.get(e - 1))));
        assertThat(out).contains("weight 1.2000, bias 1.2000, MSE 0.0800").contains("has not converged");
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).startsWith("RESULT linear-regression loss=").contains("lstsq_mse=0.0800");
    }
}
