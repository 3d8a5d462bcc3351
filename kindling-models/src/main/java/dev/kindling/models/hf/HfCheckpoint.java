// HfCheckpoint: a Hugging Face model folder (config.json + model.safetensors, or shards listed by
// model.safetensors.index.json), memory-mapped. Large F32 matrices stay mapped (parameters read the file in place);
// the rest convert (F16/BF16 -> float32) into heap parameters. Missing or mis-shaped tensors: name and both shapes.
package dev.kindling.models.hf;

import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.kernels.Parallel;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Storage;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open Hugging Face checkpoint folder. Only headers are read when it opens; tensor data is paged in from the
 * memory-mapped files as it is used.
 *
 * <p>By default ({@link LoadOptions#mapped()}) every F32 matrix of at least 1 MiB stays in the file: the parameter's
 * storage reads the mapping in place (linear, matmul and embedding lookups stream it; see
 * {@link dev.kindling.tensor.Storage}), so a model larger than the heap loads and runs, and the OS pages weights in
 * and out. Vectors, small matrices and F16/BF16 tensors are converted into heap storage. Anything that writes a
 * mapped parameter (an optimizer step, {@code copy_}) first gets a heap copy of it, so fine-tuning still works;
 * {@link LoadOptions#heap()} copies everything up front instead. The files stay mapped as long as a loaded model
 * uses them (the garbage collector unmaps them), so {@link #close} only drops the checkpoint's own references.
 *
 * <p>Example:
 * <pre>{@code
 * try (HfCheckpoint ckpt = HfCheckpoint.open(Path.of("models/llama"))) {
 *     var model = new LlamaForCausalLM(LlamaConfig.from(ckpt.config()));
 *     ckpt.loadInto(model);          // every parameter, by Hugging Face name
 * }
 * }</pre>
 */
public final class HfCheckpoint implements AutoCloseable {
    /** Single-file weights. */
    public static final String WEIGHTS = "model.safetensors";
    /** Index of sharded weights. */
    public static final String INDEX = "model.safetensors.index.json";
    /**
     * Base-model prefixes that task heads add or drop ({@code model.}, {@code transformer.}, {@code bert.}): a
     * parameter is also found under its name with one of these stripped or prepended.
     */
    private static final List<String> PREFIXES = List.of("model.", "transformer.", "bert.");

    private final Path dir;
    private final HfConfig config;
    private final List<Safetensors.MappedFile> files;
    private final Map<String, Safetensors.MappedFile> byTensor;   // name -> file holding it, in file order

    private HfCheckpoint(Path dir, HfConfig config, List<Safetensors.MappedFile> files,
                         Map<String, Safetensors.MappedFile> byTensor) {
        this.dir = dir;
        this.config = config;
        this.files = files;
        this.byTensor = byTensor;
    }

    /**
     * Opens {@code dir}: reads config.json and maps {@code model.safetensors}, or every shard named by
     * {@code model.safetensors.index.json} (each listed tensor must be in the shard the index names).
     *
     * @throws IOException when the folder lacks config.json or weights, or a file is malformed
     */
    public static HfCheckpoint open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("HfCheckpoint: " + dir + " is not a directory (expected a "
                + "Hugging Face model folder with config.json and model.safetensors)");
        HfConfig config = HfConfig.read(dir);
        List<Safetensors.MappedFile> files = new ArrayList<>();
        Map<String, Safetensors.MappedFile> byTensor = new LinkedHashMap<>();
        try {
            Path single = dir.resolve(WEIGHTS), index = dir.resolve(INDEX);
            if (Files.isRegularFile(single)) {
                Safetensors.MappedFile f = Safetensors.mapRetained(single);
                files.add(f);
                for (String name : f.tensors().keySet()) byTensor.put(name, f);
            } else if (Files.isRegularFile(index)) {
                openShards(index, files, byTensor);
            } else {
                String hint = Files.exists(dir.resolve("pytorch_model.bin")) ? " (pytorch_model.bin is a pickle, which"
                        + " Kindling does not read: convert it to safetensors)" : "";
                throw new IOException("HfCheckpoint: " + dir + " has neither " + WEIGHTS + " nor " + INDEX + hint);
            }
        } catch (IOException | RuntimeException e) {
            for (Safetensors.MappedFile f : files) f.close();
            throw e;
        }
        return new HfCheckpoint(dir, config, List.copyOf(files), byTensor);
    }

    private static void openShards(Path index, List<Safetensors.MappedFile> files,
                                   Map<String, Safetensors.MappedFile> byTensor) throws IOException {
        Map<String, Object> root;
        try {
            root = Json.parseObject(Files.readString(index, StandardCharsets.UTF_8));
        } catch (Json.JsonException e) {
            throw new IOException("HfCheckpoint: " + index + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root.get("weight_map") instanceof Map<?, ?> weightMap) || weightMap.isEmpty()) {
            throw new IOException("HfCheckpoint: " + index + " has no \"weight_map\" object (tensor name -> shard file)");
        }
        Map<String, Safetensors.MappedFile> shards = new LinkedHashMap<>();
        for (var e : weightMap.entrySet()) {
            String name = (String) e.getKey();
            if (!(e.getValue() instanceof String shard) || shard.contains("/") || shard.contains("\\")
                    || shard.startsWith(".")) {
                throw new IOException("HfCheckpoint: " + index + ": weight_map entry '" + name + "' must name a shard "
                        + "file in the same folder, got " + e.getValue());
            }
            Safetensors.MappedFile f = shards.get(shard);
            if (f == null) {
                Path p = index.resolveSibling(shard);
                if (!Files.isRegularFile(p)) throw new IOException("HfCheckpoint: " + index + " lists shard " + shard
                        + " (for tensor '" + name + "'), which does not exist");
                f = Safetensors.mapRetained(p);
                files.add(f);
                shards.put(shard, f);
            }
            if (f.info(name) == null) throw new IOException("HfCheckpoint: " + index + " places tensor '" + name
                    + "' in " + shard + ", which has no such tensor");
            byTensor.put(name, f);
        }
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** Its config.json. */
    public HfConfig config() {
        return config;
    }

    /** Names of every stored tensor. */
    public Set<String> tensorNames() {
        return java.util.Collections.unmodifiableSet(byTensor.keySet());
    }

    /** Header entry of {@code name} (dtype, shape), or null when absent. */
    public Safetensors.TensorInfo info(String name) {
        Safetensors.MappedFile f = byTensor.get(name);
        return f == null ? null : f.info(name);
    }

    /** Converts one stored tensor into a fresh tensor (float dtypes -> float32). */
    public Tensor load(String name) throws IOException {
        Safetensors.MappedFile f = byTensor.get(name);
        if (f == null) throw new IOException("HfCheckpoint " + dir + ": no tensor named '" + name + "'");
        return f.load(name);
    }

    /**
     * What {@link #loadInto} did: tensors and parameters filled, how many of those values read the file in place
     * (mapped), and stored tensors the model had no use for.
     */
    public record LoadReport(int tensorsLoaded, long valuesLoaded, long valuesMapped, List<String> unusedTensors) {}

    /**
     * Where loaded weights live. Args: mapWeights — keep F32 tensors of at least two dimensions and
     * {@code mapMinBytes} bytes in the memory-mapped file (false: copy everything to the heap, e.g. before
     * fine-tuning every weight).
     *
     * <p>Example: {@code HfModels.loadCausalLM(dir, LoadOptions.heap())}.
     */
    public record LoadOptions(boolean mapWeights, long mapMinBytes) {
        /** Default size from which a matrix stays mapped: smaller ones cost little heap and are used whole. */
        public static final long DEFAULT_MAP_MIN_BYTES = 1L << 20;

        public LoadOptions {
            if (mapMinBytes < 0) throw new IllegalArgumentException("LoadOptions: mapMinBytes must be >= 0, got "
                    + mapMinBytes);
        }

        /** Large F32 matrices stay mapped (the default). */
        public static LoadOptions mapped() {
            return new LoadOptions(true, DEFAULT_MAP_MIN_BYTES);
        }

        /** Every weight converted into heap storage. */
        public static LoadOptions heap() {
            return new LoadOptions(false, DEFAULT_MAP_MIN_BYTES);
        }

        /** These options with another size threshold for mapping (0 maps every F32 matrix). */
        public LoadOptions withMapMinBytes(long bytes) {
            return new LoadOptions(mapWeights, bytes);
        }
    }

    /** {@link #loadInto(Module, LoadOptions)} with {@link LoadOptions#mapped()}. */
    public LoadReport loadInto(Module model) throws IOException {
        return loadInto(model, LoadOptions.mapped());
    }

    /**
     * Fills every parameter and persistent buffer of {@code model} from this checkpoint, by its state-dict name
     * (or that name with a base-model prefix such as {@code model.} stripped or added). Tied tensors (one storage
     * under several names) are read once, from whichever of their names is stored. Stored tensors the model does
     * not use (e.g. rotary {@code inv_freq} buffers) are listed in the report, not an error. With
     * {@code options.mapWeights()}, large F32 matrices become mapped storage instead of being copied (call this on a
     * freshly built model, before anything holds on to its parameters' arrays).
     *
     * @throws IllegalArgumentException listing every missing tensor (with the shape the model expects) and every
     *     tensor whose stored shape differs (both shapes), before anything is written
     */
    public LoadReport loadInto(Module model, LoadOptions options) throws IOException {
        // Group state-dict names by the storage they view (tied weights share one).
        Map<Tensor, List<String>> groups = new LinkedHashMap<>();
        IdentityHashMap<Storage, Tensor> firstByStorage = new IdentityHashMap<>();
        for (var e : model.stateDict().entrySet()) {
            Tensor t = e.getValue();
            Tensor owner = firstByStorage.get(t.storage());
            if (owner == null || owner.offset() != t.offset() || !Shape.same(owner.shape(), t.shape())) {
                firstByStorage.putIfAbsent(t.storage(), t);
                owner = t;
                groups.put(owner, new ArrayList<>());
            }
            groups.get(owner).add(e.getKey());
        }
        List<String> problems = new ArrayList<>();
        Map<Tensor, String> plan = new LinkedHashMap<>();
        Set<String> used = new LinkedHashSet<>();
        for (var g : groups.entrySet()) {
            Tensor dst = g.getKey();
            String found = null;
            for (String name : g.getValue()) if ((found = resolve(name)) != null) break;
            if (found == null) {
                problems.add("missing tensor '" + g.getValue().getFirst() + "' (model expects " + Shape.str(dst.shape())
                        + (g.getValue().size() > 1 ? ", tied to " + g.getValue().subList(1, g.getValue().size()) : "")
                        + ")");
                continue;
            }
            Safetensors.TensorInfo info = info(found);
            if (!Shape.same(info.shape(), dst.shape())) {
                problems.add("tensor '" + found + "' has shape " + Shape.str(info.shape()) + " in " + fileOf(found)
                        + " but the model expects " + Shape.str(dst.shape()));
                continue;
            }
            plan.put(dst, found);
            used.add(found);
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("HfCheckpoint " + dir + ": cannot load "
                + model.getClass().getSimpleName() + ": " + String.join("; ", problems));
        // Tensors convert in parallel (each into its own storage): BF16/F16 decoding and page-ins overlap.
        List<Map.Entry<Tensor, String>> jobs = new ArrayList<>(plan.entrySet());
        long mapped = 0;
        boolean[] map = new boolean[jobs.size()];
        for (int i = 0; i < map.length; i++) {
            Tensor dst = jobs.get(i).getKey();
            map[i] = options.mapWeights() && mappable(jobs.get(i).getValue(), dst, options.mapMinBytes());
            if (map[i]) mapped += dst.numel();
        }
        try {
            Parallel.forDynamic(jobs.size(), i -> {
                var job = jobs.get(i);
                Safetensors.MappedFile f = byTensor.get(job.getValue());
                try {
                    if (map[i]) {
                        f.mapInto(job.getValue(), job.getKey());
                    } else {
                        f.readInto(job.getValue(), job.getKey());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        long values = 0;
        for (Tensor t : plan.keySet()) values += t.numel();
        List<String> unused = new ArrayList<>();
        for (String name : byTensor.keySet()) if (!used.contains(name)) unused.add(name);
        return new LoadReport(plan.size(), values, mapped, List.copyOf(unused));
    }

    /** Whether stored tensor {@code name} can stay mapped as {@code dst}: F32, a matrix, large, spanning its storage. */
    private boolean mappable(String name, Tensor dst, long minBytes) {
        return byTensor.get(name).canMap(name) && dst.dim() >= 2 && 4L * dst.numel() >= minBytes
                && dst.numel() > 0 && dst.isContiguous() && dst.offset() == 0
                && dst.storage().capacity() == dst.numel();
    }

    /** The stored name for a model key: itself, or with a base-model prefix stripped or added; null if none. */
    private String resolve(String key) {
        if (byTensor.containsKey(key)) return key;
        for (String p : PREFIXES) {
            if (key.startsWith(p) && byTensor.containsKey(key.substring(p.length()))) return key.substring(p.length());
            if (byTensor.containsKey(p + key)) return p + key;
        }
        return null;
    }

    private String fileOf(String name) {
        return byTensor.get(name).file().getFileName().toString();
    }

    /**
     * Drops the checkpoint's references to its files. They are unmapped by the garbage collector once no loaded
     * tensor reads them.
     */
    @Override
    public void close() {
        for (Safetensors.MappedFile f : files) f.close();
    }
}
