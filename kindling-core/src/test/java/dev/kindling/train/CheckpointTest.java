package dev.kindling.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.data.DataLoader;
import dev.kindling.metrics.Accuracy;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.optim.Adam;
import dev.kindling.optim.StepLR;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path tmp;

    /** One training setup: model with dropout, Adam, StepLR, shuffled loader; fresh objects on every call. */
    private static final class Run {
        final Generator dropout;
        final Module model;
        final Adam opt;
        final StepLR sched;
        final DataLoader train = TrainFixtures.loader(TrainFixtures.blobs(60, 7), 8, true, 42);
        final DataLoader val = TrainFixtures.loader(TrainFixtures.blobs(24, 8), 12, false, 0);

        Run(long initSeed, long dropoutSeed) {
            dropout = new Generator(dropoutSeed);
            model = TrainFixtures.mlp(initSeed, dropout);
            opt = new Adam(model.parameters(), 0.01);
            sched = new StepLR(opt, 2, 0.5);
        }

        Trainer.Builder trainer(int epochs, Path dir) {
            return Trainer.builder().model(model).optimizer(opt).scheduler(sched).loss(new CrossEntropyLoss())
                    .metrics(new Accuracy()).epochs(epochs).clipGradNorm(1.0).generators(dropout).outputDir(dir);
        }
    }

    private static Map<String, int[]> bits(Module m) {
        var out = new java.util.LinkedHashMap<String, int[]>();
        for (var e : m.stateDict().entrySet()) {
            float[] f = e.getValue().toFloatArray();
            int[] b = new int[f.length];
            for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
            out.put(e.getKey(), b);
        }
        return out;
    }

    @Test
    void resumingFromACheckpointIsBitIdenticalToAnUninterruptedRun() throws Exception {
        int total = 5, first = 2;
        Run straight = new Run(1, 99);
        History full = straight.trainer(total, tmp.resolve("straight")).build().fit(straight.train, straight.val);

        Run part = new Run(1, 99);
        part.trainer(first, tmp.resolve("part")).build().fit(part.train, part.val);
        Path ckpt = tmp.resolve("part").resolve(Trainer.LAST_CHECKPOINT);
        assertThat(Checkpoint.metadata(ckpt)).isNotNull();

        // Fresh objects with different initial weights and dropout state: everything must come from the file.
        Run resumed = new Run(1234, 5678);
        History rest = resumed.trainer(total, tmp.resolve("resumed")).resumeFrom(ckpt).build()
                .fit(resumed.train, resumed.val);

        assertThat(bits(resumed.model)).usingRecursiveComparison().isEqualTo(bits(straight.model));
        assertThat(resumed.dropout.getState()).containsExactly(straight.dropout.getState());
        assertThat(resumed.opt.getLr()).isEqualTo(straight.opt.getLr());
        assertThat(rest.size()).isEqualTo(total);
        for (String k : new String[] {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"})
            assertThat(rest.get(k)).as(k).isEqualTo(full.get(k));
    }

    @Test
    void checkpointHoldsAllStateInOneFile() throws Exception {
        Run r = new Run(1, 2);
        r.trainer(1, tmp).build().fit(r.train, null);
        Path file = tmp.resolve(Trainer.LAST_CHECKPOINT);
        Map<String, Tensor> all = dev.kindling.io.Safetensors.load(file);
        assertThat(all.keySet()).anyMatch(k -> k.startsWith("model.")).anyMatch(k -> k.startsWith("optim."))
                .anyMatch(k -> k.startsWith("sched.")).contains("generator.0");
        assertThat(all.get("generator.0").dtype()).isEqualTo(DType.INT64);
        Map<String, String> meta = Checkpoint.metadata(file);
        assertThat(meta).containsEntry("format", Checkpoint.FORMAT).containsEntry("epoch", "1")
                .containsEntry("loader_epoch", "1").containsEntry("generators", "1").containsKey("history");
    }

    @Test
    void loadRejectsMismatchedObjects() throws Exception {
        Run r = new Run(1, 2);
        Path file = tmp.resolve("c.safetensors");
        Checkpoint.save(file, r.model, r.opt, null, 3, r.train, Map.of("note", "x"), r.dropout);
        assertThat(Checkpoint.load(file, r.model, r.opt, null, r.train, r.dropout)).isEqualTo(3);
        assertThat(r.train.epoch()).isEqualTo(0);
        assertThat(Checkpoint.metadata(file)).containsEntry("note", "x");
        assertThatThrownBy(() -> Checkpoint.load(file, r.model, r.opt, null, null))
                .hasMessageContaining("holds 1 generator state(s) but 0 generator(s) were passed");
        assertThatThrownBy(() -> Checkpoint.load(file, r.model, r.opt, r.sched, null, r.dropout))
                .hasMessageContaining("has no scheduler state");
        assertThatThrownBy(() -> Checkpoint.load(file, new Linear(4, 3, new Generator(1)), null, null, null, r.dropout))
                .hasMessageContaining("unexpected keys");
        assertThatThrownBy(() -> Checkpoint.save(file, r.model, null, null, 0, null, Map.of("epoch", "9")))
                .hasMessageContaining("'epoch' is reserved");
        Path bare = tmp.resolve("bare.safetensors");
        dev.kindling.io.Safetensors.save(bare, r.model.stateDict(), null);
        assertThatThrownBy(() -> Checkpoint.load(bare, r.model, null, null, null))
                .hasMessageContaining("is not a Kindling checkpoint");
    }

    /** A model whose second tensor claims more elements than its storage holds, so writing it fails midway. */
    private static final class Corrupt extends Module {
        Corrupt(boolean broken) {
            registerParameter("big", Tensor.zeros(3_000_000));     // 12 MB: the writer has flushed data to disk
            Tensor small = Tensor.zeros(10);
            registerParameter("tail", broken
                    ? new Tensor(small.storage(), DType.FLOAT32, new int[] {1000}, new int[] {1}, 0)
                    : Tensor.zeros(1000));
        }
    }

    @Test
    void aCrashWhileSavingLeavesThePreviousCheckpointIntact() throws Exception {
        Path file = tmp.resolve("ckpt.safetensors");
        Generator g = new Generator(3);
        Checkpoint.save(file, new Corrupt(false), null, null, 4, null, Map.of(), g);
        byte[] before = Files.readAllBytes(file);

        g.nextLong();
        assertThatThrownBy(() -> Checkpoint.save(file, new Corrupt(true), null, null, 5, null, Map.of(), g))
                .isInstanceOf(IndexOutOfBoundsException.class);

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        Generator restored = new Generator(0);
        assertThat(Checkpoint.load(file, new Corrupt(false), null, null, null, restored)).isEqualTo(4);
        assertThat(restored.getState()).containsExactly(new Generator(3).getState());
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ckpt.safetensors");   // temp removed
        }
    }

    @Test
    void aStaleTempFileFromAnEarlierCrashDoesNotDisturbSaving() throws Exception {
        Path file = tmp.resolve("ckpt.safetensors");
        Path stale = tmp.resolve(".ckpt.safetensors.123456.tmp");
        Files.write(stale, new byte[] {1, 2, 3});   // half-written leftovers of a killed process
        Run r = new Run(1, 2);
        Checkpoint.save(file, r.model, r.opt, r.sched, 2, r.train, null, r.dropout);
        Run fresh = new Run(7, 8);
        assertThat(Checkpoint.load(file, fresh.model, fresh.opt, fresh.sched, fresh.train, fresh.dropout)).isEqualTo(2);
        assertThat(bits(fresh.model)).usingRecursiveComparison().isEqualTo(bits(r.model));
    }
}
