// TokenizerTestData: loads the tokenizer reference files shipped in src/test/resources/tokenizers (copied from
// ../shared so a fresh clone passes), materializing them as files for the path-based loaders.
package dev.kindling.models.tokenizers;

import dev.kindling.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

final class TokenizerTestData {
    private static Path dir;

    private TokenizerTestData() {
    }

    /** The resource copied to a temp directory (cached for the JVM). */
    static synchronized Path file(String name) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("kindling-tok-test");
                dir.toFile().deleteOnExit();
            }
            Path p = dir.resolve(name);
            if (!Files.exists(p)) {
                try (InputStream in = TokenizerTestData.class.getResourceAsStream("/tokenizers/" + name)) {
                    if (in == null) throw new IllegalStateException("missing test resource tokenizers/" + name);
                    Files.copy(in, p);
                }
                p.toFile().deleteOnExit();
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        try {
            return Files.readString(file(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String name) {
        return (Map<String, Object>) Json.parse(text(name));
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    static String[] strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toArray(String[]::new);
    }

    private static HfTokenizer gpt2;

    /** The GPT-2 tokenizer (loaded once per JVM: it is immutable and thread-safe). */
    static synchronized HfTokenizer gpt2() {
        try {
            if (gpt2 == null) gpt2 = Gpt2Tokenizer.fromFiles(file("gpt2-encoder.json.gz"), file("gpt2-vocab.bpe.gz"));
            return gpt2;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
