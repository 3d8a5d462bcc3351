package dev.kindling.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** DataLoader: batch counts, coverage, seeded per-epoch order, prefetch equivalence, errors, early exit, resume. */
class DataLoaderTest {
    /** x[i] = (i, 10 i) float32 [N, 2], y[i] = i int64 [N]. */
    private static TensorDataset ramp(int n) {
        float[] x = new float[n * 2];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i;
        }
        return new TensorDataset(Tensor.of(x, n, 2), Tensor.ofLongs(y, n));
    }

    /** The same examples as {@link #ramp(int)} through the generic (per-example stacking) path. */
    private static Dataset generic(int n) {
        return new Dataset() {
            public int size() { return n; }
            public Tensor[] get(int i) {
                return new Tensor[] {Tensor.of(new float[] {i, 10 * i}, 2), Tensor.scalarLong(i)};
            }
        };
    }

    private static DataLoader loader(Dataset ds, int bs, boolean shuffle, boolean dropLast, long seed, int prefetch) {
        return new DataLoader(ds, DataLoader.Options.builder().batchSize(bs).shuffle(shuffle).dropLast(dropLast)
                .seed(seed).prefetch(prefetch).build());
    }

    /** One epoch's label order, checking that each batch's x rows match its labels. */
    private static List<Long> epochLabels(DataLoader dl) {
        List<Long> out = new ArrayList<>();
        for (Tensor[] b : dl) {
            assertThat(b).hasSize(2);
            long[] y = b[1].toLongArray();
            float[] x = b[0].toFloatArray();
            assertThat(b[0].shape()).containsExactly(y.length, 2);
            for (int i = 0; i < y.length; i++) {
                assertThat(x[2 * i]).isEqualTo((float) y[i]);
                assertThat(x[2 * i + 1]).isEqualTo(10f * y[i]);
                out.add(y[i]);
            }
        }
        return out;
    }

    @Test
    void batchCountsWithAndWithoutDropLast() {
        DataLoader keep = loader(ramp(10), 3, false, false, 0, 0);
        DataLoader drop = loader(ramp(10), 3, false, true, 0, 0);
        assertThat(keep.numBatches()).isEqualTo(4);
        assertThat(drop.numBatches()).isEqualTo(3);
        List<Integer> sizes = new ArrayList<>();
        for (Tensor[] b : keep) sizes.add(b[0].shape()[0]);
        assertThat(sizes).containsExactly(3, 3, 3, 1);
        sizes.clear();
        for (Tensor[] b : drop) sizes.add(b[0].shape()[0]);
        assertThat(sizes).containsExactly(3, 3, 3);
        assertThat(loader(ramp(9), 3, false, true, 0, 0).numBatches()).isEqualTo(3);
        assertThat(loader(ramp(2), 3, false, true, 0, 0).numBatches()).isZero();
        assertThat(loader(ramp(2), 3, false, true, 0, 2).iterator().hasNext()).isFalse();
        assertThat(keep.batchSize()).isEqualTo(3);
    }

    @Test
    void everyExampleOncePerEpochInBothPaths() {
        for (Dataset ds : List.of(ramp(23), generic(23))) {
            for (int prefetch : new int[] {0, 2}) {
                DataLoader dl = loader(ds, 5, true, false, 7, prefetch);
                for (int e = 0; e < 3; e++) {
                    List<Long> seen = epochLabels(dl);
                    assertThat(seen).hasSize(23).doesNotHaveDuplicates();
                    assertThat(seen.stream().sorted().toList()).isEqualTo(
                            java.util.stream.LongStream.range(0, 23).boxed().toList());
                }
            }
        }
    }

    @Test
    void genericPathStacksAlongNewDimZero() {
        Tensor[] b = loader(generic(4), 4, false, false, 0, 0).iterator().next();
        assertThat(b[0].shape()).containsExactly(4, 2);
        assertThat(b[1].shape()).containsExactly(4);
        assertThat(b[1].dtype()).isEqualTo(DType.INT64);
        assertThat(b[0].toFloatArray()).containsExactly(0, 0, 1, 10, 2, 20, 3, 30);
    }

    @Test
    void seededOrderIsReproducibleAndChangesPerEpoch() {
        DataLoader a = loader(ramp(50), 8, true, false, 42, 0), b = loader(ramp(50), 8, true, false, 42, 0);
        List<Long> a0 = epochLabels(a), a1 = epochLabels(a);
        assertThat(epochLabels(b)).isEqualTo(a0);
        assertThat(epochLabels(b)).isEqualTo(a1);
        assertThat(a1).isNotEqualTo(a0);
        assertThat(a.epoch()).isEqualTo(2);
        assertThat(epochLabels(loader(ramp(50), 8, true, false, 43, 0))).isNotEqualTo(a0);

        // The order of epoch e depends only on (seed, e): a fresh loader set to epoch 1 replays it.
        DataLoader c = loader(ramp(50), 8, true, false, 42, 0);
        c.setEpoch(1);
        assertThat(epochLabels(c)).isEqualTo(a1);
        assertThat(c.epoch()).isEqualTo(2);
        assertThat(Arrays.stream(c.order(0)).asLongStream().boxed().toList()).isEqualTo(a0);

        // No shuffle: identity order in every epoch.
        DataLoader plain = loader(ramp(5), 2, false, false, 42, 0);
        assertThat(epochLabels(plain)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(epochLabels(plain)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void resumeMidEpochServesTheRemainingBatches() {
        DataLoader full = loader(ramp(20), 3, true, false, 5, 0);
        full.setEpoch(3);
        List<Long> epoch3 = epochLabels(full);
        for (int prefetch : new int[] {0, 2}) {
            DataLoader resumed = loader(ramp(20), 3, true, false, 5, prefetch);
            resumed.resumeAt(3, 2);
            assertThat(epochLabels(resumed)).isEqualTo(epoch3.subList(6, 20));
            assertThat(resumed.epoch()).isEqualTo(4);
        }
        assertThatThrownBy(() -> full.resumeAt(0, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch 8").hasMessageContaining("7 batches");
        assertThatThrownBy(() -> full.setEpoch(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefetchGivesTheSameBatchesAsSynchronous() {
        for (Dataset ds : List.of(ramp(37), new Subset(ramp(60), Splits.randomSplit(60, new double[] {0.6, 0.4}, 1)[0]))) {
            DataLoader sync = loader(ds, 4, true, false, 9, 0), pre = loader(ds, 4, true, false, 9, 3);
            for (int e = 0; e < 2; e++) {
                var it = pre.iterator();
                for (Tensor[] s : sync) {
                    assertThat(it.hasNext()).isTrue();
                    Tensor[] p = it.next();
                    assertThat(p[0].toFloatArray()).containsExactly(s[0].toFloatArray());
                    assertThat(p[1].toLongArray()).containsExactly(s[1].toLongArray());
                }
                assertThat(it.hasNext()).isFalse();
                assertThat(it.hasNext()).isFalse();
            }
        }
    }

    @Test
    void subsetOfTensorDatasetMapsIndices() {
        TensorDataset base = ramp(10);
        Subset s = new Subset(new Subset(base, new int[] {9, 8, 7, 6, 5}), new int[] {4, 0});
        Tensor[] b = loader(s, 2, false, false, 0, 0).iterator().next();
        assertThat(b[1].toLongArray()).containsExactly(5, 9);
        assertThat(s.get(1)[1].getLong()).isEqualTo(9);
        assertThatThrownBy(() -> new Subset(base, new int[] {10})).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 10").hasMessageContaining("size 10");
    }

    private static final class Failing implements Dataset {
        final RuntimeException error = new IllegalStateException("disk on fire at example 7");

        public int size() { return 12; }

        public Tensor[] get(int i) {
            if (i == 7) throw error;
            return new Tensor[] {Tensor.scalar(i)};
        }
    }

    @Test
    void loadingErrorsReachTheConsumerWithTheOriginalCause() {
        for (int prefetch : new int[] {0, 2}) {
            Failing ds = new Failing();
            DataLoader dl = loader(ds, 4, false, false, 0, prefetch);
            var it = dl.iterator();
            assertThat(it.next()[0].toFloatArray()).containsExactly(0, 1, 2, 3);
            assertThatThrownBy(it::next).isInstanceOf(DataLoaderException.class)
                    .hasMessageContaining("batch 1 of epoch 0").hasMessageContaining("disk on fire")
                    .cause().isSameAs(ds.error);
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void mismatchedExampleShapesAreReported() {
        Dataset ragged = new Dataset() {
            public int size() { return 2; }
            public Tensor[] get(int i) { return new Tensor[] {Tensor.zeros(i + 2)}; }
        };
        assertThatThrownBy(() -> loader(ragged, 2, false, false, 0, 0).iterator().next())
                .isInstanceOf(DataLoaderException.class).cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example 1 has tensor 0 of shape [3]").hasMessageContaining("[2]")
                .hasMessageContaining("padSequences");
    }

    private static Set<Thread> loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kindling-dataloader-") && t.isAlive()).collect(Collectors.toSet());
    }

    @Test
    void breakingEarlyThenIteratingAgainStopsTheOldThread() throws InterruptedException {
        Set<Thread> before = loaderThreads();
        DataLoader dl = loader(ramp(100), 2, true, false, 3, 2);
        List<Long> firstEpochStart = new ArrayList<>();
        for (Tensor[] b : dl) {
            for (long v : b[1].toLongArray()) firstEpochStart.add(v);
            if (firstEpochStart.size() >= 4) break; // the producer is now blocked on a full queue
        }
        Thread.sleep(50);
        Set<Thread> started = loaderThreads();
        started.removeAll(before);
        assertThat(started).hasSize(1);
        assertThat(epochLabels(dl)).hasSize(100).doesNotHaveDuplicates(); // a new, complete epoch (epoch 1)
        for (Thread t : started) {
            t.join(2000);
            assertThat(t.isAlive()).as("abandoned prefetch thread").isFalse();
        }
        // close() stops a live iteration too, and the loader stays usable.
        var it = dl.iterator();
        it.next();
        dl.close();
        assertThat(it.hasNext()).isFalse();
        assertThat(epochLabels(dl)).hasSize(100);
        Thread.sleep(20);
        Set<Thread> left = loaderThreads();
        left.removeAll(before);
        for (Thread t : left) t.join(2000);
        assertThat(left.stream().filter(Thread::isAlive).toList()).isEmpty();
    }

    @Test
    void tensorDatasetChecksShapesAndIndices() {
        assertThatThrownBy(() -> new TensorDataset(Tensor.zeros(4, 2), Tensor.zeros(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 2]").hasMessageContaining("[5]");
        assertThatThrownBy(() -> new TensorDataset(Tensor.scalar(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scalar");
        TensorDataset ds = ramp(3);
        assertThat(ds.describe()).isEqualTo("TensorDataset(size=3, tensors=[[3, 2] float32, [3] int64])");
        assertThat(ds.get(2)[0].toFloatArray()).containsExactly(2, 20);
        assertThat(ds.batch(new long[] {2, 0})[1].toLongArray()).containsExactly(2, 0);
        assertThatThrownBy(() -> ds.get(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 3").hasMessageContaining("size 3");
        assertThatThrownBy(() -> ds.batch(new long[] {0, -1})).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index -1");
        assertThatThrownBy(() -> DataLoader.Options.builder().batchSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize");
    }
}
