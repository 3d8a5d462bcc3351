// GptBench runs end to end on a minimal setting and ends with its RESULT line; bad options are named.
package dev.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GptBenchTest {
    @Test
    void printsTheResultLine() {
        var buf = new ByteArrayOutputStream();
        PrintStream so = System.out;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            GptBench.main(new String[] {"--threads", "1", "--warmup", "0", "--reps", "1", "--steps", "1", "--batch", "2",
                "--gen-reps", "1"});
        } finally {
            System.setOut(so);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("Parameters: 818,176");   // 4 x 12 x 128^2 blocks + untied 65-row head and tables
        assertThat(out.lines().filter(l -> l.startsWith("RESULT gpt ")).toList()).singleElement().asString()
                .containsPattern("train_tokens_per_s=\\d+ generate_tokens_per_s=\\d+ generate_nocache_tokens_per_s=\\d+")
                .containsPattern("train_peer_tokens_per_s=\\d+");
    }

    @Test
    void rejectsUnknownOptions() {
        assertThatThrownBy(() -> GptBench.main(new String[] {"--fast"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option '--fast'");
    }
}
