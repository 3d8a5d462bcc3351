package dev.kindling.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same bits, whatever the JIT did: a fully interpreted JVM (-Xint, where the Vector API runs its Java
 * fallbacks) and a JVM that has C2-compiled the kernels after many iterations must print the same hash.
 * This failed before exp/log/tanh and lane sums were made order- and intrinsic-independent.
 */
class DeterminismTest {
    private static String run(String... jvmArgs) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of(jvmArgs).subList(0, jvmArgs.length - 1));
        cmd.addAll(List.of("-cp", cp, DeterminismProbe.class.getName(), jvmArgs[jvmArgs.length - 1]));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }

    @Test
    void interpretedAndCompiledKernelsGiveIdenticalBits() throws Exception {
        String interpreted = run("-Xint", "1");
        String compiled = run("-Dkindling.threads=2", "3000");
        assertThat(interpreted).contains("fast=true");
        assertThat(compiled).isEqualTo(interpreted);
    }
}
