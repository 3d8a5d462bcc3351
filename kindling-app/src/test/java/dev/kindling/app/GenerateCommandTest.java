package dev.kindling.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kindling generate` end to end on the golden tiny Llama (greedy continuation as transformers produces it). */
class GenerateCommandTest {
    private static final Path LLAMA = Home.resolve("kindling-models/src/test/resources/models/llama_tiny");
    /** transformers' 12-token greedy continuation of the prompt 52 58 55 85 86 28 14 31 41. */
    private static final String CONTINUATION = "36 16 11 39 82 41 87 16 11 39 82 41";

    @TempDir
    Path tmp;

    private record Run(int rc, String out, String err) {}

    private static Run generate(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream so = System.out, se = System.err;
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "generate";
            System.arraycopy(args, 0, all, 1, args.length);
            rc = Main.commandLine().execute(all);
        } finally {
            System.setOut(so);
            System.setErr(se);
        }
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void idsPromptGivesTheGreedyContinuation() {
        Run r = generate("--model", LLAMA.toString(), "--ids", "52,58,55,85,86,28,14,31,41", "--max-new-tokens", "12");
        assertThat(r.rc()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ids: 52 58 55 85 86 28 14 31 41 | " + CONTINUATION + "\n");
        assertThat(r.out().lines().filter(l -> l.matches("RESULT hf-generate model=llama prompt_tokens=9 new_tokens=12 "
                + "tokens_per_s=\\S+ runs=1 load_s=\\S+ stop=max_new_tokens"))).hasSize(1);
    }

    @Test
    void textPromptUsesTheFoldersTokenizer() throws Exception {
        // The tiny Llama with a word-level tokenizer.json whose token "wN" is id N.
        Path dir = Files.createDirectories(tmp.resolve("llama"));
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"})
            Files.copy(LLAMA.resolve(f), dir.resolve(f));
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int i = 0; i < 101; i++) vocab.put("w" + i, i);
        Files.writeString(dir.resolve("tokenizer.json"), dev.kindling.io.Json.write(Map.of(
                "version", "1.0",
                "model", Map.of("type", "WordLevel", "vocab", vocab, "unk_token", "w0"),
                "pre_tokenizer", Map.of("type", "WhitespaceSplit"))));
        Run r = generate("--model", dir.toString(), "--prompt", "w52 w58 w55 w85 w86 w28 w14 w31 w41",
                "--max-new-tokens", "12");
        assertThat(r.rc()).as(r.out() + r.err()).isZero();
        // The prompt is echoed, then the decoded continuation streams after it.
        assertThat(r.out()).contains("w52 w58 w55 w85 w86 w28 w14 w31 w41w" + CONTINUATION.replace(" ", " w") + "\n");
        assertThat(r.out()).contains("RESULT hf-generate model=llama prompt_tokens=9 new_tokens=12");
    }

    @Test
    void samplingIsReproducibleBySeed() {
        String[] args = {"--model", LLAMA.toString(), "--ids", "1,2,3", "--max-new-tokens", "8", "--temperature",
            "1.5", "--top-k", "20", "--seed", "7", "--ignore-eos", "--repeat", "2"};
        Run a = generate(args), b = generate(args);
        assertThat(a.rc()).as(a.err()).isZero();
        String ids = a.out().lines().filter(l -> l.startsWith("ids:")).findFirst().orElseThrow();
        assertThat(b.out()).contains(ids);
        assertThat(ids.split("\\|")[1].trim().split(" ")).hasSize(8);
        assertThat(a.out()).contains("new_tokens=8").contains("runs=2");
    }

    @Test
    void badArgumentsAreReported() {
        Run none = generate("--model", LLAMA.toString());
        assertThat(none.rc()).isEqualTo(2);
        assertThat(none.err()).contains("exactly one of --prompt");
        Run noTokenizer = generate("--model", LLAMA.toString(), "--prompt", "hello");
        assertThat(noTokenizer.rc()).isNotZero();
        assertThat(noTokenizer.err()).contains("tokenizer.json").contains("--ids");
        Run missing = generate("--model", tmp.resolve("nope").toString(), "--ids", "1");
        assertThat(missing.rc()).isNotZero();
        assertThat(missing.err()).contains("config.json");
    }
}
