package dev.kindling.models.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.io.Json;
import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.gpt.GPT2Config;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Storage;
import dev.kindling.tensor.Tensor;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPT-2 checkpoint of ~310 MB loads and generates in a child JVM whose heap is 128 MB, because its weights stay
 * memory-mapped; its tokens and logits match a heap-loaded copy of the same checkpoint in this JVM.
 */
class MappedLargeModelTest {
    private static final long[] PROMPT = {11, 22, 33, 44, 55};
    private static final int STEPS = 4;

    @TempDir
    Path tmp;

    @Test
    void aCheckpointLargerThanTheHeapLoadsMappedAndGenerates() throws Exception {
        Path dir = writeCheckpoint(tmp.resolve("gpt2-310mb"));
        long bytes = Files.size(dir.resolve(HfCheckpoint.WEIGHTS));
        assertThat(bytes).isGreaterThan(300_000_000L);

        // Reference: the same checkpoint fully on this JVM's heap.
        long[] tokens = new long[STEPS];
        float[] firstLogits;
        try (var g = Autograd.noGrad()) {
            CausalLM heap = HfModels.loadCausalLM(dir, HfCheckpoint.LoadOptions.heap());
            var cache = heap.newCache(1, PROMPT.length + STEPS);
            Tensor logits = heap.forward(Tensor.ofLongs(PROMPT, 1, PROMPT.length), cache);
            firstLogits = logits.select(1, PROMPT.length - 1).toFloatArray();
            for (int s = 0; s < STEPS; s++) {
                tokens[s] = MappedGenerateMain.argmaxLast(logits);
                if (s + 1 < STEPS) logits = heap.forward(Tensor.ofLongs(new long[] {tokens[s]}, 1, 1), cache);
            }
        }

        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "--add-modules", "jdk.incubator.vector", "-cp", classPath(),
                MappedGenerateMain.class.getName(), dir.toString(), Integer.toString(STEPS)));
        for (long id : PROMPT) cmd.add(Long.toString(id));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) lines.put(line.substring(0, sp), line.substring(sp + 1).trim());
        }
        assertThat(Long.parseLong(lines.get("MAXHEAP"))).as("child heap").isLessThan(bytes / 2);
        assertThat(lines.get("MATERIALIZATIONS")).isEqualTo("0");
        assertThat(lines.get("TOKENS")).isEqualTo(String.join(" ", Arrays.stream(tokens).mapToObj(Long::toString)
                .toList()));
        String[] child = lines.get("LOGITS").split(" ");
        assertThat(child).hasSameSizeAs(firstLogits);
        double maxDiff = 0;
        for (int i = 0; i < child.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Float.parseFloat(child[i])
                - firstLogits[i]));
        assertThat(maxDiff).as("logits, mapped child vs heap parent").isLessThanOrEqualTo(1e-5);
    }

    /** The test and main classes of every module plus the surefire class path (a manifest-only jar by default). */
    private static String classPath() {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : List.of(MappedGenerateMain.class, HfModels.class, Tensor.class)) {
            parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath()).toString());
        }
        parts.add(System.getProperty("java.class.path"));
        return String.join(File.pathSeparator, parts);
    }

    /**
     * A GPT-2 folder (config.json + model.safetensors) of ~310 MB: 6 layers of width 1024, vocabulary 2000. Values
     * are a fixed hash of their position, streamed to the file so this JVM never holds them.
     */
    private static Path writeCheckpoint(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> cfg = Json.parseObject(Files.readString(HfTestData.model("gpt2_tiny").resolve("config.json")));
        cfg.put("n_embd", 1024L);
        cfg.put("n_layer", 6L);
        cfg.put("n_head", 8L);
        cfg.put("n_positions", 64L);
        cfg.put("vocab_size", 2000L);
        Files.writeString(dir.resolve("config.json"), Json.write(cfg));
        // Names and shapes from a model built without weights (its zero tensors are never allocated).
        var model = new GPT2LMHeadModel(GPT2Config.fromMap(cfg), null);
        LinkedHashMap<String, Object> header = new LinkedHashMap<>();
        Map<String, Tensor> order = new LinkedHashMap<>();
        IdentityHashMap<Storage, Boolean> seen = new IdentityHashMap<>();
        long at = 0;
        for (var e : model.stateDict().entrySet()) {
            Tensor t = e.getValue();
            if (seen.put(t.storage(), true) != null) continue;   // the tied lm_head is wte
            long n = 4L * t.numel();
            header.put(e.getKey(), Map.of("dtype", "F32", "shape", t.shape(), "data_offsets", new long[] {at, at + n}));
            order.put(e.getKey(), t);
            at += n;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(dir.resolve(HfCheckpoint.WEIGHTS), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            buf.putLong(padded).put(json);
            for (int i = json.length; i < padded; i++) buf.put((byte) ' ');
            long seed = 0;
            for (var e : order.entrySet()) {
                // LayerNorm gains near 1, biases near 0, matrices uniform with std ~0.017.
                boolean gain = e.getKey().contains(".ln_") && e.getKey().endsWith(".weight");
                float scale = gain ? 0.2f : e.getValue().dim() == 1 ? 0.02f : 0.06f, shift = gain ? 1f : 0f;
                for (int i = 0, n = e.getValue().numel(); i < n; i++) {
                    if (!buf.hasRemaining()) flush(ch, buf);
                    float u = (float) ((mix(seed++) >>> 40) * 0x1.0p-24 - 0.5);   // uniform [-0.5, 0.5)
                    buf.putFloat(shift + scale * u);
                }
            }
            flush(ch, buf);
        }
        return dir;
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    /** SplitMix64 finaliser: a fixed pseudo-random 64-bit value per index. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
