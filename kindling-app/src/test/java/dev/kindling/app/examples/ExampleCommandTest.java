package dev.kindling.app.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExampleCommandTest {
    static String capture(String... args) {
        PrintStream old = System.out;
        var buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsTheExamplesWhenNoNameIsGiven() {
        String out = capture("example");
        assertThat(out).contains("linear-regression", "text-classification", "boston", "memory-check");
    }

    @Test
    void runsAnExampleByName() {
        String out = capture("example", "linear-regression", "--epochs", "20");
        assertThat(out).contains("Epoch [2/20], Loss: 9.4856").contains("RESULT linear-regression");
    }

    @Test
    void memoryCheckShowsNoGrowthOnAShortRun() {
        var buf = new ByteArrayOutputStream();
        MemoryCheck.Report r = MemoryCheck.run(new PrintStream(buf, true, StandardCharsets.UTF_8), 1_500, 300, 4, 1);
        assertThat(r.growthMb()).isLessThan(MemoryCheck.LIMIT_MB);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("RESULT memory-check steps=1500 heap_growth_mb=");
    }
}
