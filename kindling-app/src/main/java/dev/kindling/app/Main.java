// Main: the `kindling` command line (picocli). Normally started by the ./kindling launcher, which finds a
// JDK 25+, builds on first use and adds --add-modules jdk.incubator.vector.
package dev.kindling.app;

import dev.kindling.app.examples.ExampleCommand;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.VectorSupport;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Entry point of the {@code kindling} command: {@code quickstart}, {@code example}, {@code bench gemm}, {@code info}. */
@Command(
        name = "kindling",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Kindling: pure-Java deep learning (tensors, autograd, Vector API kernels).",
        subcommands = {Quickstart.class, ExampleCommand.class, PredictCommand.class, ClassifyCommand.class, GenerateCommand.class, DataCommand.class, EmbedCommand.class, SearchCommand.class, Main.Bench.class, Main.Info.class, HelpCommand.class},
        footerHeading = "%nLauncher:%n",
        footer = {
            "  ./kindling test [mvn args]  run the whole test suite (mvn -B -ntp test)",
            "",
            "Environment (read by the ./kindling launcher):",
            "  JAVA_HOME            JDK 25+ to use (else java on PATH, else the newest",
            "                       JDK 25+ in /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks...)",
            "  KINDLING_JAVA_OPTS   extra JVM options, e.g. \"-Xmx8g -Dkindling.threads=4\"",
            "  KINDLING_JDK_SEARCH  ':'-separated JDK homes or globs to search instead",
            "  KINDLING_NO_BUILD=1  run the existing build even if sources changed",
            "  KINDLING_VERBOSE=1   say which JDK was picked and why",
        })
public final class Main implements Callable<Integer> {
    /** Fully qualified name of the GEMM benchmark in kindling-bench, called reflectively. */
    static final String GEMM_BENCH = "dev.kindling.bench.GemmBench";

    @Spec
    CommandSpec spec;

    @Mixin
    ThreadsOption threads;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // `bench gemm` hands every argument (including --help) to GemmBench untouched.
        cl.getSubcommands().get("bench").getSubcommands().get("gemm").setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    @Override
    public Integer call() {
        return missingSubcommand(spec);
    }

    static int missingSubcommand(CommandSpec spec) {
        PrintStream err = System.err;
        err.println(spec.qualifiedName() + ": missing command");
        spec.commandLine().usage(err);
        return CommandLine.ExitCode.USAGE;
    }

    /** {@code --threads N}: the kernel thread count, applied as soon as it is parsed. */
    public static final class ThreadsOption {
        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        static Integer requested;

        @Option(
                names = "--threads",
                paramLabel = "N",
                description = "Threads for kernels (default: available processors, or -Dkindling.threads).")
        void setThreads(int n) {
            if (n < 1) {
                throw new ParameterException(mixee.commandLine(), "--threads must be >= 1, got " + n);
            }
            Parallel.setThreads(n);
            requested = n;
        }
    }

    /** {@code kindling bench}: benchmarks. */
    @Command(
            name = "bench",
            mixinStandardHelpOptions = true,
            description = "Benchmarks.",
            subcommands = {Main.Gemm.class, VisionBenchCommand.class, AttentionBenchCommand.class, TokenizerBenchCommand.class, EmbedBenchCommand.class, GptBenchCommand.class, MappedBenchCommand.class, PeersBenchCommand.class, HelpCommand.class})
    static final class Bench implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return missingSubcommand(spec);
        }
    }

    /** {@code kindling bench gemm ...}: passes its arguments to {@code dev.kindling.bench.GemmBench.main}. */
    @Command(
            name = "gemm",
            description = {
                "GEMM GFLOPS next to numpy/OpenBLAS (all arguments go to GemmBench).",
                "Options of GemmBench:",
                "  --threads 1,2     thread counts to measure (default: 1,2)",
                "  --sizes 256,512   square sizes (default: 256,512,1024,2048)",
                "  --reps N          measured repetitions per case (default: 9)",
                "  --no-shapes       skip the MLP-shaped (skinny) cases",
                "  --shapes          the training-shape table instead: tiny GPT, batch-64 MLP",
                "                    and LeNet GEMMs, forward and backward (RESULT gemm-shape)",
                "  --filter TEXT     only the cases whose name contains TEXT",
                "  --batch-ms MS     length of one timed batch (default: 120)",
                "The numpy side needs python3 + numpy; without them only Kindling's",
                "numbers are printed. numpy runs with OPENBLAS_CORETYPE and",
                "OPENBLAS_L2_SIZE unset, so OpenBLAS tunes itself to this CPU.",
            })
    static final class Gemm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "ARGS", description = "Passed to GemmBench unchanged.")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (args.contains("--help") || args.contains("-h")) {
                spec.commandLine().usage(System.out);
                return CommandLine.ExitCode.OK;
            }
            List<String> a = new ArrayList<>(args);
            // A global `kindling --threads N bench gemm` means "bench with N threads" unless gemm says otherwise.
            if (ThreadsOption.requested != null && a.stream().noneMatch(s -> s.equals("--threads") || s.startsWith("--threads="))) {
                a.addAll(0, List.of("--threads", Integer.toString(ThreadsOption.requested)));
            }
            try {
                return runMain(GEMM_BENCH, a.toArray(String[]::new));
            } catch (IllegalArgumentException e) {
                // GemmBench reports bad options this way (NumberFormatException included): a usage error.
                System.err.println("kindling bench gemm: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
        }
    }

    /**
     * Calls {@code public static void main(String[])} of {@code className} if it is on the class path. Returns 0
     * when main returns, 1 (with a message) when the class is missing; exceptions thrown by main propagate.
     */
    static int runMain(String className, String[] args) throws Exception {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            System.err.println("kindling: " + className + " is not on the class path. It lives in kindling-bench;"
                    + " rebuild with `mvn -DskipTests install` (the ./kindling launcher does this when sources change).");
            return CommandLine.ExitCode.SOFTWARE;
        }
        Method m;
        try {
            m = c.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            System.err.println("kindling: " + className + " has no public static void main(String[]).");
            return CommandLine.ExitCode.SOFTWARE;
        }
        if (!Modifier.isStatic(m.getModifiers())) {
            System.err.println("kindling: " + className + ".main is not static.");
            return CommandLine.ExitCode.SOFTWARE;
        }
        try {
            m.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) throw ex;
            if (cause instanceof Error er) throw er;
            throw e;
        }
        return CommandLine.ExitCode.OK;
    }

    /** {@code kindling info}: the JVM and kernel configuration. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print Java, Vector API and thread configuration.")
    static final class Info implements Callable<Integer> {
        @Mixin
        ThreadsOption threads;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            Runtime rt = Runtime.getRuntime();
            out.println("Kindling       " + Version.kindlingVersion());
            out.println("Java           " + System.getProperty("java.version") + " ("
                    + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")");
            out.println("OS / arch      " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                    + " / " + System.getProperty("os.arch"));
            boolean present = VectorSupport.present();
            String vector;
            if (!present) {
                vector = "not available: slow scalar kernels (start the JVM with '" + VectorSupport.FLAG + "')";
            } else if (!VectorSupport.enabled()) {
                vector = "present, fast kernels disabled (-Dkindling.scalar=true)";
            } else {
                vector = "present, fast kernels enabled" + preferredFloatVector();
            }
            out.println("Vector API     " + vector);
            String src = ThreadsOption.requested != null ? "--threads"
                    : System.getProperty("kindling.threads") != null ? "-Dkindling.threads" : "default";
            out.println("Threads        " + Parallel.threads() + " (" + src + ")");
            out.println("Processors     " + rt.availableProcessors());
            out.println("Max heap       " + mib(rt.maxMemory()));
            return CommandLine.ExitCode.OK;
        }

        /** ", float x8 (256-bit)" for the preferred float species; read reflectively so no vector class is linked here. */
        private static String preferredFloatVector() {
            try {
                Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
                Class<?> vs = Class.forName("jdk.incubator.vector.VectorSpecies");
                int lanes = (int) vs.getMethod("length").invoke(species);
                int bits = (int) vs.getMethod("vectorBitSize").invoke(species);
                return "; preferred float vector " + bits + "-bit (" + lanes + " lanes)";
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return "";
            }
        }

        private static String mib(long bytes) {
            if (bytes == Long.MAX_VALUE) return "unlimited";
            double m = bytes / (1024.0 * 1024.0);
            return m >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", m / 1024) : String.format(Locale.ROOT, "%.0f MiB", m);
        }
    }

    /** {@code --version}: Kindling and JVM versions. */
    static final class Version implements IVersionProvider {
        static String kindlingVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return v != null ? v : "dev (not from a jar)";
        }

        @Override
        public String[] getVersion() {
            return new String[] {
                "Kindling " + kindlingVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            };
        }
    }
}
