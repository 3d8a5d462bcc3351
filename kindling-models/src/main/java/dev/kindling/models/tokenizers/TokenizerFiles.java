// TokenizerFiles: reading tokenizer files as UTF-8 text, transparently gunzipping ".gz" files, with errors
// that name the missing file.
package dev.kindling.models.tokenizers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** File helpers for tokenizer loaders. */
final class TokenizerFiles {
    private TokenizerFiles() {
    }

    /** The file's text; {@code *.gz} is decompressed. */
    static String readText(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null,
                "tokenizer file not found");
        if (!file.getFileName().toString().endsWith(".gz")) return Files.readString(file, StandardCharsets.UTF_8);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** {@code dir/name}, or {@code dir/name.gz} when only that exists. */
    static Path existing(Path dir, String name) throws NoSuchFileException {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p)) return p;
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        throw new NoSuchFileException(p.toString(), null, "expected " + name + " (or " + name + ".gz) in " + dir);
    }
}
