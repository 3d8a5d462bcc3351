// Checkpoint: everything needed to resume training bit-exactly — model, optimizer and scheduler state,
// random generator states, the data loader's epoch and the epoch count — in ONE safetensors file, written
// atomically (temp file + rename, so a crash mid-save leaves the previous checkpoint intact).
package dev.kindling.train;

import dev.kindling.data.DataLoader;
import dev.kindling.io.Safetensors;
import dev.kindling.nn.Module;
import dev.kindling.optim.LRScheduler;
import dev.kindling.optim.Optimizer;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Training checkpoints in a single safetensors file.
 *
 * <p>Layout: model tensors under {@code "model."}, optimizer state under {@code "optim."}, scheduler state under
 * {@code "sched."}, generator states as int64 {@code [3]} tensors {@code "generator.<i>"}; the epoch count, the
 * loader's epoch and the caller's extra strings are in the {@code __metadata__} map.
 *
 * <p>Example:
 * <pre>{@code
 * Checkpoint.save(Path.of("ckpt.safetensors"), model, opt, sched, epoch + 1, loader, Map.of(), dropoutGen);
 * // later, with freshly built objects:
 * int start = Checkpoint.load(Path.of("ckpt.safetensors"), model, opt, sched, loader, dropoutGen);
 * for (int e = start; e < epochs; e++) ...
 * }</pre>
 */
public final class Checkpoint {
    /** Value of the {@code format} metadata entry. */
    public static final String FORMAT = "kindling-checkpoint";
    private static final String VERSION = "1";
    private static final Set<String> RESERVED = Set.of("format", "format_version", "epoch", "generators", "optimizer",
            "scheduler", "loader_epoch");

    private Checkpoint() {
    }

    /**
     * Saves a checkpoint to {@code file}, replacing any previous one atomically.
     *
     * @param model the model (its state dict: parameters and persistent buffers)
     * @param optimizer the optimizer, or null
     * @param scheduler the learning-rate scheduler, or null
     * @param epoch the number of completed epochs, i.e. the epoch to resume from
     * @param loader the training loader, or null; its {@link DataLoader#epoch()} is saved
     * @param extra additional metadata strings (null for none); keys must not be reserved ({@code format},
     *     {@code epoch}, {@code generators}, {@code optimizer}, {@code scheduler}, {@code loader_epoch})
     * @param generators random generators whose states are saved in order (dropout, augmentation, ...)
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, int epoch,
                            DataLoader loader, Map<String, String> extra, Generator... generators) throws IOException {
        if (file == null || model == null) throw new IllegalArgumentException("Checkpoint.save: file and model are required");
        if (epoch < 0) throw new IllegalArgumentException("Checkpoint.save: epoch must be >= 0, got " + epoch);
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", VERSION);
        meta.put("epoch", Integer.toString(epoch));
        meta.put("generators", Integer.toString(generators.length));
        if (optimizer != null) meta.put("optimizer", optimizer.getClass().getSimpleName());
        if (scheduler != null) meta.put("scheduler", scheduler.getClass().getSimpleName());
        if (loader != null) meta.put("loader_epoch", Integer.toString(loader.epoch()));
        if (extra != null) {
            for (var e : extra.entrySet()) {
                if (RESERVED.contains(e.getKey())) throw new IllegalArgumentException("Checkpoint.save: extra key '"
                        + e.getKey() + "' is reserved (reserved: " + RESERVED + ")");
                meta.put(e.getKey(), e.getValue());
            }
        }
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : model.stateDict().entrySet()) tensors.put("model." + e.getKey(), e.getValue());
        if (optimizer != null) for (var e : optimizer.stateDict().entrySet()) tensors.put("optim." + e.getKey(), e.getValue());
        if (scheduler != null) for (var e : scheduler.stateDict().entrySet()) tensors.put("sched." + e.getKey(), e.getValue());
        for (int i = 0; i < generators.length; i++) {
            if (generators[i] == null) throw new IllegalArgumentException("Checkpoint.save: generator " + i + " is null");
            long[] s = generators[i].getState();
            tensors.put("generator." + i, Tensor.ofLongs(s, s.length));
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Safetensors.save(file, tensors, meta);
    }

    /**
     * Restores a checkpoint written by {@link #save} into freshly built objects of the same architecture.
     * The objects must match what was saved: a null optimizer/scheduler/loader skips that part, but passing one
     * the checkpoint lacks, or a different number of generators, is an error (checked before anything changes).
     *
     * @return the epoch to resume from (the {@code epoch} given to save)
     * @throws IllegalArgumentException when the file is not a checkpoint or does not match the objects
     */
    public static int load(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, DataLoader loader,
                           Generator... generators) throws IOException {
        if (file == null || model == null) throw new IllegalArgumentException("Checkpoint.load: file and model are required");
        Map<String, String> meta = Safetensors.metadata(file);
        String where = "Checkpoint.load: " + file;
        if (!FORMAT.equals(meta.get("format"))) throw new IllegalArgumentException(where + " is not a Kindling "
                + "checkpoint (metadata 'format' is " + meta.get("format") + "); for a bare model state dict use "
                + "model.loadStateDict(Safetensors.load(file))");
        int saved = Integer.parseInt(meta.getOrDefault("generators", "0"));
        if (saved != generators.length) throw new IllegalArgumentException(where + " holds " + saved
                + " generator state(s) but " + generators.length + " generator(s) were passed; pass the same generators, "
                + "in the same order, as to save");
        if (optimizer != null && !meta.containsKey("optimizer")) throw new IllegalArgumentException(where
                + " has no optimizer state; pass null as the optimizer");
        if (scheduler != null && !meta.containsKey("scheduler")) throw new IllegalArgumentException(where
                + " has no scheduler state; pass null as the scheduler");
        if (loader != null && !meta.containsKey("loader_epoch")) throw new IllegalArgumentException(where
                + " has no data loader state; pass null as the loader");

        Map<String, Tensor> all = Safetensors.load(file);
        model.loadStateDict(withPrefix(all, "model."));
        if (optimizer != null) optimizer.loadStateDict(withPrefix(all, "optim."));
        if (scheduler != null) scheduler.loadStateDict(withPrefix(all, "sched."));
        for (int i = 0; i < generators.length; i++) {
            Tensor s = all.get("generator." + i);
            if (s == null || s.dtype() != DType.INT64) throw new IllegalArgumentException(where
                    + ": generator." + i + " is missing or not int64");
            generators[i].setState(s.toLongArray());
        }
        if (loader != null) loader.setEpoch(Integer.parseInt(meta.get("loader_epoch")));
        return Integer.parseInt(meta.get("epoch"));
    }

    /** The checkpoint's metadata: the entries written by save plus the caller's extra strings. */
    public static Map<String, String> metadata(Path file) throws IOException {
        return Safetensors.metadata(file);
    }

    private static Map<String, Tensor> withPrefix(Map<String, Tensor> all, String prefix) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var e : all.entrySet())
            if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
        return out;
    }
}
