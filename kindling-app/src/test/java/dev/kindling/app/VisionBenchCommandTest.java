package dev.kindling.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `kindling bench vision` end to end with the smallest settings (a smoke test, not a measurement). */
class VisionBenchCommandTest {
    @Test
    void printsATableAndOneResultLinePerMeasurement() {
        var buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.commandLine().execute("bench", "vision", "--threads", "1", "--runs", "1", "--steps", "1",
                    "--warmup", "1", "--min-ms", "1", "--batch", "8");
        } finally {
            System.setOut(saved);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(out).isZero();
        assertThat(out).contains("LeNet-5", "conv2d GFLOPS", "x[64,6,14,14]w[16,6,5,5]p0");
        assertThat(out.lines().filter(l -> l.startsWith("RESULT vision-bench lenet-train threads=1 batch=8 samples_per_s=")))
                .hasSize(1);
        assertThat(out.lines().filter(l -> l.matches("RESULT vision-bench conv2d model=\\w+ shape=\\S+ threads=1 "
                + "fwd_gflops=\\S+ bwd_input_gflops=\\S+ bwd_weight_gflops=\\S+"))).hasSize(5);
    }

    @Test
    void badThreadCountIsAUsageError() {
        var err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int rc;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = Main.commandLine().execute("bench", "vision", "--threads", "0", "--no-conv");
        } finally {
            System.setErr(saved);
        }
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--threads: counts must be >= 1, got 0");
    }
}
