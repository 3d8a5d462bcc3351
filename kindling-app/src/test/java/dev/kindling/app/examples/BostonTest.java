package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.app.Home;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BostonTest {
    @Test
    void shortRunScoresBothModels() throws Exception {
        var buf = new ByteArrayOutputStream();
        Boston.Result r = Boston.run(new PrintStream(buf, true, StandardCharsets.UTF_8),
                Home.resolve("data/boston/boston.csv"), 42, 40);
        assertThat(r.trainRows()).isEqualTo(405);
        assertThat(r.testRows()).isEqualTo(101);
        // The linear model trained by Adam ends near the closed-form least-squares fit; the MLP beats it.
        assertThat(r.linear().r2()).isBetween(0.70, 0.85);
        assertThat(r.mlp().r2()).isGreaterThan(r.linear().r2());
        String last = buf.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).matches("RESULT boston r2=\\S+ mse=\\S+ mae=\\S+ linear_r2=\\S+ .*");
    }
}
