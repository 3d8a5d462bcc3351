// PeersBench: the side-by-side comparison of issue 8. Runs every workload on Kindling and on each peer (libtorch via
// JavaCPP, DJL, DL4J, ONNX Runtime, numpy for SGEMM), each in its own process, alternately, at its best thread
// setting; collects RESULT lines and peak RSS, prints a Markdown table and writes JSON. Peers come from the opt-in
// `peers` Maven profile of kindling-bench (its classes dir and peers/classpath.txt); they are never a dependency here.
package dev.kindling.bench.peers;

import dev.kindling.io.AtomicFiles;
import dev.kindling.io.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Orchestrator. Options: {@code --peers-dir DIR} (the profile build's output, e.g. kindling-bench/target-peerbench;
 * required unless only Kindling/numpy run), {@code --only REGEX} (keeps "system workload" pairs that match, e.g.
 * {@code 'mlp'} or {@code 'kindling|libtorch'}), {@code --reps N} (timed reps per process, default 5),
 * {@code --rounds N} (processes per system and workload, run alternately; reps pooled, default 1), {@code --scale F}
 * (shorter reps for a smoke run, default 1), {@code --threads N} (the machine's cores, default all), {@code --json FILE},
 * {@code --timeout-s S} (per process, default 1200), {@code --data DIR} (Kindling's data folder, default "data": the
 * MiniLM row needs minilm/ from {@code kindling data fetch minilm} and sentiment/).
 */
public final class PeersBench {
    private PeersBench() {}

    /** Workloads in table order; "sgemm" expands to one row per size. */
    static final List<String> WORKLOADS = List.of("sgemm", "mlp", "lenet", "gpt", "mlp-infer", "lenet-infer", "minilm");

    /**
     * Kindling's JVM heap per workload: a little above what each one keeps alive (data, weights, one step's
     * activations and gradients), with the serial collector, so peak RSS measures the working set rather than an
     * uncapped default heap (1/4 of RAM). Measured: inference under 10 MB live (LeNet inference allocates ~4 MB per
     * batch: at 16 MB the collector halved its speed, so it gets 64 MB), MLP/LeNet training under 40 MB, tiny GPT
     * about 120 MB; MiniLM keeps 44 MB of transposed weights on the heap (its 47 MB word-embedding table is read in
     * place from the mapped .onnx) and allocates ~20 MB per activation at 100 tokens: 128 MB ran 20% slower than 256.
     */
    static final Map<String, String> KINDLING_HEAP = Map.of("sgemm", "192m", "mlp", "64m", "lenet", "64m", "gpt", "256m",
            "mlp-infer", "16m", "lenet-infer", "64m", "minilm", "256m");

    /** One system: the workloads it runs and how to start it for each. */
    record SystemSpec(String name, List<String> workloads, boolean isPeer) {}

    static final List<SystemSpec> SYSTEMS = List.of(
            new SystemSpec("kindling", WORKLOADS, false),
            new SystemSpec("numpy", List.of("sgemm"), false),
            new SystemSpec("libtorch-javacpp", List.of("sgemm", "mlp", "lenet", "gpt", "mlp-infer", "lenet-infer"), true),
            new SystemSpec("djl-pytorch", List.of("sgemm", "mlp", "lenet", "mlp-infer", "lenet-infer"), true),
            new SystemSpec("dl4j", List.of("sgemm", "mlp", "lenet"), true),
            new SystemSpec("onnxruntime", List.of("sgemm", "mlp-infer", "lenet-infer", "minilm"), true));

    /** A measured figure. */
    record Figure(String system, String bench, String unit, double median, double min, double max, String threads,
                  List<Double> values, double rssMb) {}

    static final class Options {
        Path peersDir;
        Pattern only;
        int reps = 5, rounds = 1, threads = Runtime.getRuntime().availableProcessors();
        double scale = 1;
        long timeoutS = 1200;
        Path json;
        /** Kindling's data folder: minilm/ (from `kindling data fetch minilm`) and sentiment/ for the MiniLM row. */
        Path data = Path.of("data");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                if (v == null && !a.equals("--help")) throw new IllegalArgumentException(a + " needs a value");
                switch (a) {
                    case "--peers-dir" -> o.peersDir = Path.of(v);
                    case "--only" -> o.only = Pattern.compile(v);
                    case "--reps" -> o.reps = positive(a, v);
                    case "--rounds" -> o.rounds = positive(a, v);
                    case "--threads" -> o.threads = positive(a, v);
                    case "--scale" -> o.scale = Double.parseDouble(v);
                    case "--timeout-s" -> o.timeoutS = positive(a, v);
                    case "--json" -> o.json = Path.of(v);
                    case "--data" -> o.data = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "' (known: --peers-dir DIR --only REGEX"
                            + " --reps N --rounds N --threads N --scale F --timeout-s S --json FILE --data DIR)");
                }
                i++;
            }
            return o;
        }

        private static int positive(String opt, String v) {
            int n = Integer.parseInt(v);
            if (n < 1) throw new IllegalArgumentException(opt + " must be >= 1, got " + n);
            return n;
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Options o = Options.parse(args);
        Launcher launcher = new Launcher(o);
        List<Figure> figures = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "Peer benchmarks: %d reps per process, %d round(s), %d threads, scale %s, %s%n",
                o.reps, o.rounds, o.threads, o.scale, load());
        for (String w : WORKLOADS) {
            for (int round = 0; round < o.rounds; round++) {
                for (SystemSpec s : SYSTEMS) {
                    if (!s.workloads.contains(w) || (o.only != null && !o.only.matcher(s.name + " " + w).find())) continue;
                    String key = s.name + " " + w;
                    if (failures.containsKey(key)) continue;
                    System.out.printf(Locale.ROOT, "-- %s %s (round %d/%d)%n", s.name, w, round + 1, o.rounds);
                    Launcher.Outcome out = launcher.run(s.name, w);
                    if (out.error != null) {
                        failures.put(key, out.error);
                        System.out.println("   FAILED: " + out.error);
                        continue;
                    }
                    for (Figure f : out.figures) {
                        System.out.printf(Locale.ROOT, "   %s %s: %s %s, threads %s, peak RSS %.0f MB%n", f.system, f.bench,
                                fmt(f.median), f.unit, f.threads, f.rssMb);
                        figures.add(f);
                    }
                }
            }
        }
        List<Figure> merged = merge(figures);
        String table = Report.markdown(merged, failures);
        System.out.println();
        System.out.println(table);
        Path json = o.json != null ? o.json : Path.of("runs", "peers", "peers-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        if (json.getParent() != null) Files.createDirectories(json.getParent());
        AtomicFiles.writeString(json, Json.write(Report.json(merged, failures, o, load())) + "\n");
        System.out.println("JSON: " + json.toAbsolutePath());
        System.out.println("At the end: " + load() + " (figures from a busy machine are not comparable with the README's)");
        Report.Summary sum = Report.summary(merged);
        System.out.printf(Locale.ROOT, "RESULT peers-bench rows=%d compared=%d kindling_leads=%d min_ratio=%s failures=%d json=%s%n",
                sum.rows(), sum.compared(), sum.leads(), Double.isNaN(sum.minRatio()) ? "n/a" : String.format(Locale.ROOT,
                        "%.3f", sum.minRatio()), failures.size(), json);
    }

    /** Pools the reps of the rounds of each (system, bench): median, min and max over all of them; RSS = max. */
    static List<Figure> merge(List<Figure> figures) {
        Map<String, List<Figure>> by = new LinkedHashMap<>();
        for (Figure f : figures) by.computeIfAbsent(f.system + " " + f.bench, k -> new ArrayList<>()).add(f);
        List<Figure> out = new ArrayList<>();
        for (List<Figure> fs : by.values()) {
            Figure first = fs.getFirst();
            double[] all = fs.stream().flatMap(f -> f.values.stream()).mapToDouble(Double::doubleValue).toArray();
            PeerHarness.Stats s = PeerHarness.Stats.of(all);
            double rss = fs.stream().mapToDouble(Figure::rssMb).max().orElse(Double.NaN);
            out.add(new Figure(first.system, first.bench, first.unit, s.median(), s.min(), s.max(), first.threads,
                    Arrays.stream(all).boxed().toList(), rss));
        }
        return out;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "load average n/a" : String.format(Locale.ROOT, "load average %.2f", l);
    }

    // ---------------------------------------------------------------- starting the processes

    /** Starts one process per (system, workload) with that system's classpath, environment and thread setting. */
    static final class Launcher {
        private static final Pattern RESULT = Pattern.compile(
                "^RESULT peer system=(\\S+) bench=(\\S+) unit=(\\S+) median=(\\S+) min=(\\S+) max=(\\S+) threads=(\\S+) values=(\\S+)");
        private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

        private final Options o;
        private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private final boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        private final boolean avx512 = cpuFlag("avx512f");
        private List<String> peerJars;

        record Outcome(List<Figure> figures, String error) {}

        Launcher(Options o) {
            this.o = o;
        }

        Outcome run(String system, String workload) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            String threadsProp = "-Dthreads=" + o.threads, n = Integer.toString(o.threads);
            String reps = Integer.toString(o.reps), scale = "-Dpeers.scale=" + o.scale;
            boolean sgemm = workload.equals("sgemm");
            List<String> minilm = List.of();
            try {
                if (workload.equals("minilm")) minilm = minilmProps();
                switch (system) {
                    case "kindling" -> {
                        cmd.addAll(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                                "-XX:+UseSerialGC", "-Xmx" + KINDLING_HEAP.get(workload), threadsProp, scale));
                        cmd.addAll(minilm);
                        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KindlingWorkloads.class.getName(),
                                workload, reps));
                    }
                    case "numpy" -> {
                        env.put("OPENBLAS_NUM_THREADS", n);
                        cmd.addAll(List.of("python3", "-c", NUMPY_SGEMM, reps, Double.toString(o.scale)));
                    }
                    case "libtorch-javacpp" -> {
                        // OpenMP + OpenBLAS pthreads oversubscribe the cores: BLAS gets 1 thread except for SGEMM.
                        env.put("OMP_NUM_THREADS", n);
                        env.put("OPENBLAS_NUM_THREADS", sgemm ? n : "1");
                        cmd.addAll(peerJava(threadsProp, scale, "BytedecoBench", workload, reps, jars("libtorch-javacpp")));
                    }
                    case "djl-pytorch" -> {
                        env.put("OMP_NUM_THREADS", n);
                        env.put("PYTORCH_FLAVOR", "cpu");
                        env.put("DJL_CACHE_DIR", peersDir().resolve("djl-cache").toString());
                        cmd.addAll(peerJava(List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + n,
                                "-Dai.djl.pytorch.num_interop_threads=1", scale), "DjlBench", workload, reps, jars("djl-pytorch")));
                    }
                    case "dl4j" -> {
                        // Best measured: 1 OpenMP + 1 BLAS thread for training; OpenBLAS 0.3.19 misdetects Zen 5 unless told.
                        env.put("OMP_NUM_THREADS", sgemm ? n : "1");
                        env.put("OPENBLAS_NUM_THREADS", sgemm ? n : "1");
                        if (avx512) env.put("OPENBLAS_CORETYPE", "SkylakeX");
                        cmd.addAll(peerJava(threadsProp, scale, "Dl4jBench", workload, reps, jars("dl4j")));
                    }
                    case "onnxruntime" -> {
                        List<String> props = new ArrayList<>(List.of(threadsProp, scale));
                        props.addAll(minilm);
                        cmd.addAll(peerJava(props, "OrtBench", workload, reps, jars("onnxruntime")));
                    }
                    default -> throw new IllegalArgumentException("unknown system " + system);
                }
            } catch (IllegalStateException e) {
                return new Outcome(List.of(), e.getMessage());
            }
            return launch(system, cmd, env);
        }

        private List<String> minilmPropsCache;

        /**
         * The MiniLM row's inputs, prepared once per run: the model file and a MiniLmBatches file of token ids (in a
         * temp folder, deleted at exit). Throws IllegalStateException, naming the fix, when the model is not fetched.
         */
        private List<String> minilmProps() throws IOException {
            if (minilmPropsCache != null) return minilmPropsCache;
            Path dir = o.data.resolve("minilm"), model = dir.resolve(MiniLmWorkload.MODEL);
            Path sentences = o.data.resolve("sentiment").resolve("uci_labelled_sentences.tsv.gz");
            if (!Files.isRegularFile(model) || !Files.isRegularFile(dir.resolve(MiniLmWorkload.TOKENIZER))) {
                throw new IllegalStateException("no MiniLM in " + dir.toAbsolutePath() + ": run `./kindling data fetch minilm` first");
            }
            Path tmp = Files.createTempDirectory("kindling-peers-minilm"), file = tmp.resolve("batches.bin");
            MiniLmWorkload.prepare(dir, sentences, file);
            file.toFile().deleteOnExit();
            tmp.toFile().deleteOnExit();
            minilmPropsCache = List.of("-D" + MiniLmWorkload.MODEL_PROP + "=" + model.toAbsolutePath(),
                    "-D" + MiniLmWorkload.BATCHES_PROP + "=" + file.toAbsolutePath());
            return minilmPropsCache;
        }

        private List<String> peerJava(String threadsProp, String scale, String main, String workload, String reps, String cp) {
            return peerJava(List.of(threadsProp, scale), main, workload, reps, cp);
        }

        private List<String> peerJava(List<String> props, String main, String workload, String reps, String cp) {
            List<String> c = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
            c.addAll(props);
            c.addAll(List.of("-cp", cp, "dev.kindling.bench.peers." + main, workload, reps));
            return c;
        }

        private Path peersDir() {
            if (o.peersDir == null) throw new IllegalStateException("no --peers-dir: build the peers with "
                    + "`mvn -Ppeers -pl kindling-bench -am package -Dmaven.test.skip=true` (or run `./kindling bench peers`)");
            return o.peersDir;
        }

        /**
         * The classpath of one peer: the profile's classes (PeerHarness + the peer's class) and the jars of that peer
         * only. libtorch (JavaCPP 1.5.13) and DL4J (JavaCPP 1.5.7) cannot share a JVM, so each gets its own subset.
         */
        private String jars(String system) {
            Path dir = peersDir(), cpFile = dir.resolve("peers").resolve("classpath.txt");
            if (!Files.isRegularFile(cpFile)) throw new IllegalStateException("missing " + cpFile + ": build the peers with "
                    + "`mvn -Ppeers -pl kindling-bench -am package -Dmaven.test.skip=true`");
            if (peerJars == null) {
                try {
                    peerJars = Arrays.stream(Files.readString(cpFile).strip().split(File.pathSeparator))
                            .filter(j -> !j.isBlank()).toList();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + cpFile + ": " + e.getMessage());
                }
            }
            List<String> cp = new ArrayList<>(List.of(dir.resolve("classes").toString()));
            for (String j : peerJars) if (keep(system, j.replace('\\', '/'))) cp.add(j);
            if (system.equals("dl4j")) {
                try (Stream<Path> s = Files.list(dir.resolve("peers").resolve("dl4j-lib"))) {
                    s.sorted().forEach(p -> cp.add(p.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException("missing DL4J's JavaCPP 1.5.7 jars in " + dir.resolve("peers/dl4j-lib"));
                }
            }
            return String.join(File.pathSeparator, cp);
        }

        /** Whether jar {@code j} belongs on {@code system}'s classpath. */
        static boolean keep(String system, String j) {
            String file = j.substring(j.lastIndexOf('/') + 1);
            if (file.startsWith("kindling-") || j.contains("/org/openjdk/jmh/") || file.startsWith("jopt-simple")) return false;
            boolean bytedeco = j.contains("/org/bytedeco/"), djl = j.contains("/ai/djl/"), ort = j.contains("/com/microsoft/onnxruntime/");
            boolean dl4j = j.contains("/org/nd4j/") || j.contains("/org/deeplearning4j/");
            return switch (system) {
                case "libtorch-javacpp" -> bytedeco;
                case "onnxruntime" -> ort;
                case "djl-pytorch" -> !bytedeco && !ort && !dl4j && !j.contains("commons-math3");
                case "dl4j" -> !bytedeco && !ort && !djl;   // + JavaCPP/OpenBLAS 1.5.7 from dl4j-lib
                default -> false;
            };
        }

        private Outcome launch(String system, List<String> cmd, Map<String, String> extraEnv) throws IOException, InterruptedException {
            Path timeFile = null;
            List<String> full = new ArrayList<>();
            if (gnuTime) {
                timeFile = Files.createTempFile("kindling-peers-time", ".txt");
                full.addAll(List.of("/usr/bin/time", "-v", "-o", timeFile.toString()));
            }
            full.addAll(cmd);
            ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.remove("OPENBLAS_CORETYPE");   // the host may export Haswell / a small L2: OpenBLAS must tune itself
            env.remove("OPENBLAS_L2_SIZE");
            env.putAll(extraEnv);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new Outcome(List.of(), "cannot start " + full.getFirst() + ": " + e.getMessage());
            }
            RssPoller poller = gnuTime ? null : RssPoller.start(p);
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        // Workers' sanity lines (same inputs, same outputs across systems) are shown as they come.
                        if (line.startsWith("minilm:") || line.startsWith("tiny GPT:")) System.out.println("   " + line);
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // the process went away; what was read is kept
                }
            });
            boolean done = p.waitFor(o.timeoutS, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            reader.join(5000);
            double rssMb = Double.NaN;
            if (timeFile != null) {
                Matcher m = MAX_RSS.matcher(Files.readString(timeFile));
                if (m.find()) rssMb = Long.parseLong(m.group(1)) / 1024.0;
                Files.deleteIfExists(timeFile);
            } else if (poller != null) {
                rssMb = poller.stop() / 1024.0;
            }
            List<Figure> figs = new ArrayList<>();
            synchronized (lines) {
                for (String line : lines) {
                    Matcher m = RESULT.matcher(line);
                    if (!m.find()) continue;
                    List<Double> vals = Arrays.stream(m.group(8).split(",")).map(Double::parseDouble).toList();
                    figs.add(new Figure(m.group(1), m.group(2), m.group(3), Double.parseDouble(m.group(4)),
                            Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)), m.group(7), vals, rssMb));
                }
                if (!done) return new Outcome(figs, "timed out after " + o.timeoutS + " s; last output: " + tail(lines));
                if (p.exitValue() != 0 || figs.isEmpty()) return new Outcome(figs, system + " exited with code "
                        + p.exitValue() + (figs.isEmpty() ? " and no RESULT line" : "") + "; last output: " + tail(lines));
            }
            return new Outcome(figs, null);
        }

        private static String tail(List<String> lines) {
            List<String> t = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("\tat ")).toList();
            return String.join(" | ", t.subList(Math.max(0, t.size() - 4), t.size()));
        }

        private static boolean cpuFlag(String flag) {
            try {
                return Files.readString(Path.of("/proc/cpuinfo")).contains(" " + flag + " ");
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /** Peak RSS without GNU time: polls VmHWM of the process tree's root in /proc. */
    static final class RssPoller {
        private volatile boolean running = true;
        private volatile long maxKb;
        private Thread thread;

        static RssPoller start(Process p) {
            RssPoller r = new RssPoller();
            Path status = Path.of("/proc", Long.toString(p.pid()), "status");
            r.thread = Thread.ofPlatform().daemon().start(() -> {
                while (r.running && p.isAlive()) {
                    try {
                        for (String line : Files.readAllLines(status)) {
                            if (line.startsWith("VmHWM:")) r.maxKb = Math.max(r.maxKb, Long.parseLong(line.replaceAll("\\D", "")));
                        }
                        Thread.sleep(50);
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        return;
                    }
                }
            });
            return r;
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join(1000);
            return maxKb == 0 ? -1 : maxKb;
        }
    }

    /** numpy/OpenBLAS SGEMM with the same sizes, iteration counts and warm-up as PeerHarness.sgemm. */
    static final String NUMPY_SGEMM = """
            import sys, time
            import numpy as np
            reps, scale = int(sys.argv[1]), float(sys.argv[2])
            threads = 't' + __import__('os').environ.get('OPENBLAS_NUM_THREADS', 'auto')
            for n in (256, 512, 1024, 2048):
                rng = np.random.default_rng(1)
                a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)
                c = np.empty((n, n), dtype=np.float32)
                iters = max(1, round(max(1, round(1.5e11 / (2.0 * n ** 3))) * scale))
                for _ in range(max(1, iters // 4)): np.matmul(a, b, out=c)
                vals = []
                for _ in range(reps):
                    t = time.perf_counter()
                    for _ in range(iters): np.matmul(a, b, out=c)
                    vals.append(2.0 * n ** 3 * iters / (time.perf_counter() - t) / 1e9)
                s = sorted(vals); m = len(s)
                med = s[m // 2] if m % 2 else (s[m // 2 - 1] + s[m // 2]) / 2
                print('RESULT peer system=numpy bench=sgemm-%d unit=GFLOPS median=%.4g min=%.4g max=%.4g threads=%s values=%s'
                      % (n, med, s[0], s[-1], threads, ','.join('%.4g' % v for v in vals)), flush=True)
            """;
}
