// PeersBenchCommand: `kindling bench peers`, the side-by-side comparison with libtorch (JavaCPP), DJL, DL4J, ONNX
// Runtime and numpy (issue 8). Builds kindling-bench's opt-in `peers` Maven profile into target-peerbench when it is
// missing or stale (first build downloads ~500 MB of peer jars from Maven Central), then runs PeersBench.
package dev.kindling.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling bench peers [--only REGEX] [--reps N] [--rounds N] [--scale F] [--json FILE] [--no-build]}. */
@Command(
        name = "peers",
        mixinStandardHelpOptions = true,
        description = {
            "Kindling next to libtorch (JavaCPP), DJL, DL4J, ONNX Runtime and numpy: SGEMM, MLP / LeNet /",
            "tiny-GPT training, MLP / LeNet inference, MiniLM embeddings. Each system runs in its own process, alternately, at its",
            "best thread setting; prints a Markdown table (median, min..max, peak RSS, ratio Kindling / best peer)",
            "and writes JSON. The peers are built once with `mvn -Ppeers` (Maven Central, ~500 MB).",
        })
final class PeersBenchCommand implements Callable<Integer> {
    static final String PEERS_BENCH = "dev.kindling.bench.peers.PeersBench";
    /** Build output of the peers profile, apart from the launcher's own target/. */
    static final String SUFFIX = "-peerbench";

    @Option(names = "--only", paramLabel = "REGEX", description = "Run only the \"system workload\" pairs that match, e.g. 'mlp' or 'kindling|onnxruntime'.")
    String only;

    @Option(names = "--reps", paramLabel = "N", description = "Timed reps per process after warm-up (default: 5).")
    Integer reps;

    @Option(names = "--rounds", paramLabel = "N", description = "Processes per system and workload, alternating; reps are pooled (default: 1).")
    Integer rounds;

    @Option(names = "--scale", paramLabel = "F", description = "Multiply warm-up and rep lengths (0.1 = smoke run; default: 1).")
    Double scale;

    @Option(names = "--json", paramLabel = "FILE", description = "Where to write the JSON (default: runs/peers/peers-<time>.json).")
    Path json;

    @Option(names = "--timeout-s", paramLabel = "S", description = "Per-process time limit (default: 1200).")
    Integer timeoutS;

    @Option(names = "--no-build", description = "Use the existing peers build even if sources changed.")
    boolean noBuild;

    @Override
    public Integer call() throws Exception {
        Path root = Home.resolve("kindling-bench").toAbsolutePath().getParent();
        Path peersDir = root.resolve("kindling-bench").resolve("target" + SUFFIX);
        if (!noBuild) {
            String why = staleReason(root, peersDir);
            if (why != null) {
                int rc = build(root, why);
                if (rc != 0) return rc;
            }
        }
        List<String> a = new ArrayList<>(List.of("--peers-dir", peersDir.toString(), "--data", Home.resolve("data").toString()));
        if (only != null) a.addAll(List.of("--only", only));
        if (reps != null) a.addAll(List.of("--reps", reps.toString()));
        if (rounds != null) a.addAll(List.of("--rounds", rounds.toString()));
        if (scale != null) a.addAll(List.of("--scale", scale.toString()));
        if (json != null) a.addAll(List.of("--json", json.toString()));
        if (timeoutS != null) a.addAll(List.of("--timeout-s", timeoutS.toString()));
        if (Main.ThreadsOption.requested != null) a.addAll(List.of("--threads", Main.ThreadsOption.requested.toString()));
        try {
            return Main.runMain(PEERS_BENCH, a.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("kindling bench peers: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
    }

    /** Why the peers build must run (null when it is up to date). */
    static String staleReason(Path root, Path peersDir) throws IOException {
        Path cp = peersDir.resolve("peers").resolve("classpath.txt");
        if (!Files.isRegularFile(cp)) return "first run";
        FileTime built = Files.getLastModifiedTime(cp);
        List<Path> sources = List.of(root.resolve("kindling-bench/pom.xml"), root.resolve("kindling-bench/src"),
                root.resolve("kindling-core/src/main"), root.resolve("kindling-models/src/main"));
        for (Path s : sources) {
            if (!Files.exists(s)) continue;
            try (Stream<Path> files = Files.walk(s)) {
                var newer = files.filter(Files::isRegularFile).filter(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(built) > 0;
                    } catch (IOException e) {
                        return true;
                    }
                }).findFirst();
                if (newer.isPresent()) return "sources changed: " + root.relativize(newer.get());
            }
        }
        return null;
    }

    private static int build(Path root, String why) throws IOException, InterruptedException {
        List<String> cmd = List.of("mvn", "-q", "-B", "-ntp", "-Ppeers", "-Dkindling.buildSuffix=" + SUFFIX, "-pl",
                "kindling-bench", "-am", "package", "-Dmaven.test.skip=true");
        System.out.println("Building the peer benchmarks (" + why + "): " + String.join(" ", cmd));
        System.out.println("(the first build downloads the peers' jars from Maven Central: ~500 MB, a few minutes)");
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).inheritIO();
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        // Maven's bundled Guava warns about sun.misc.Unsafe on JDK 24+ (as in the ./kindling launcher).
        pb.environment().merge("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow", (a, b) -> a + " " + b);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            System.err.println("kindling bench peers: cannot run mvn (" + e.getMessage() + "). Install Maven 3.8+, or build by hand: "
                    + String.join(" ", cmd));
            return CommandLine.ExitCode.SOFTWARE;
        }
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println("kindling bench peers: the peers build failed (mvn exit code " + rc + "); rerun it by hand in "
                    + root + ": " + String.join(" ", cmd));
            return rc;
        }
        System.out.printf(Locale.ROOT, "Peers built in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
