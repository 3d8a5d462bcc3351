package dev.kindling.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM started without --add-modules jdk.incubator.vector falls back to scalar kernels and warns once. */
class VectorFallbackTest {
    @Test
    void jvmWithoutVectorModuleFallsBackAndWarnsOnce() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        File err = File.createTempFile("kindling-fallback", ".err");
        Process p = new ProcessBuilder(List.of(javaBin, "-cp", cp, FallbackProbe.class.getName()))
                .redirectError(err).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = java.nio.file.Files.readString(err.toPath());
        err.delete();
        assertThat(p.exitValue()).as("stderr: %s", stderr).isZero();
        assertThat(out).contains("present=false enabled=false");
        assertThat(stderr).contains("--add-modules jdk.incubator.vector");
        assertThat(stderr.split("WARNING: jdk.incubator.vector", -1)).hasSize(2); // exactly once

        // The scalar result in the child equals the fast result here (same seed), up to float rounding.
        Generator g = new Generator(3);
        Tensor a = Tensor.randn(g, 37, 19).requiresGrad(true), b = Tensor.randn(g, 19, 23);
        Tensor y = a.matmul(b).tanh().exp().sum();
        y.backward();
        String[] parts = out.lines().filter(l -> l.startsWith("value=")).findFirst().orElseThrow().split("[= ]");
        assertThat(Float.parseFloat(parts[1])).isCloseTo(y.item(), org.assertj.core.api.Assertions.within(1e-3f * Math.abs(y.item())));
        assertThat(Float.parseFloat(parts[3])).isCloseTo(a.grad().get(0, 0),
                org.assertj.core.api.Assertions.within(1e-3f + 1e-3f * Math.abs(a.grad().get(0, 0))));
    }
}
