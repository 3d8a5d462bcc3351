// DataLoader: iterates a Dataset in mini-batches, optionally shuffled with a seeded, per-epoch permutation and
// optionally prefetched by a background thread through a bounded queue. Same seed, same batches, every run;
// the order of epoch e depends only on (seed, e), so training resumes exactly after setEpoch(e).
package dev.kindling.data;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mini-batch iteration over a {@link Dataset}, as PyTorch's {@code DataLoader} with a seeded sampler.
 *
 * <p>Each batch holds, per position, the examples' tensors stacked along a new dim 0: a dataset of
 * {@code {x [D], y []}} gives batches {@code {x [B, D], y [B]}}. A {@link TensorDataset} (also behind a
 * {@link Subset}) is batched with one index_select per tensor.
 *
 * <p>Epochs: each call to {@link #iterator()} (each {@code for} loop) runs epoch {@link #epoch()} and then advances
 * it, so successive epochs get different orders while the whole run stays reproducible. With shuffling, epoch
 * {@code e} visits the examples in a permutation that depends only on {@code (seed, e)}; to resume training, call
 * {@link #setEpoch(int)} (or {@link #resumeAt(int, int)} mid-epoch) with the saved epoch.
 *
 * <p>Prefetch: with {@code prefetch > 0} a daemon thread prepares up to that many batches ahead. A failure while
 * loading reaches the consumer as a {@link DataLoaderException} whose cause is the original exception (in both
 * modes). One iteration is live at a time: starting a new one, or {@link #close()}, stops the previous one's
 * thread, so breaking out of a loop leaks nothing. Not thread-safe: iterate from one thread.
 *
 * <p>Example:
 * <pre>{@code
 * var loader = new DataLoader(train, DataLoader.Options.builder().batchSize(64).shuffle(true).seed(42).build());
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Tensor[] b : loader) { Tensor x = b[0], y = b[1]; ... }   // x [64, D], y [64]
 * }
 * }</pre>
 */
public final class DataLoader implements Iterable<Tensor[]>, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Dataset dataset;
    private final Options options;
    private final int id = IDS.incrementAndGet();
    private int nextEpoch;
    private int nextStartBatch;
    private BatchIterator active;

    /** Loader settings; build with {@link #builder()}. */
    public static final class Options {
        private final int batchSize;
        private final boolean shuffle;
        private final boolean dropLast;
        private final long seed;
        private final int prefetch;

        private Options(Builder b) {
            this.batchSize = b.batchSize;
            this.shuffle = b.shuffle;
            this.dropLast = b.dropLast;
            this.seed = b.seed;
            this.prefetch = b.prefetch;
        }

        /** A builder with the defaults: batch size 1, no shuffle, keep the last partial batch, seed 0, no prefetch. */
        public static Builder builder() {
            return new Builder();
        }

        public int batchSize() { return batchSize; }
        public boolean shuffle() { return shuffle; }
        public boolean dropLast() { return dropLast; }
        public long seed() { return seed; }
        public int prefetch() { return prefetch; }

        @Override
        public String toString() {
            return "batchSize=" + batchSize + ", shuffle=" + shuffle + ", dropLast=" + dropLast + ", seed=" + seed
                    + ", prefetch=" + prefetch;
        }

        /** Builder for {@link Options}. */
        public static final class Builder {
            private int batchSize = 1;
            private boolean shuffle;
            private boolean dropLast;
            private long seed;
            private int prefetch;

            private Builder() {}

            /** Examples per batch (at least 1). */
            public Builder batchSize(int batchSize) {
                if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batchSize must be at least 1, got "
                        + batchSize);
                this.batchSize = batchSize;
                return this;
            }

            /** Visit the examples in a fresh seeded permutation each epoch. */
            public Builder shuffle(boolean shuffle) {
                this.shuffle = shuffle;
                return this;
            }

            /** Drop the last batch when it would be smaller than {@code batchSize}. */
            public Builder dropLast(boolean dropLast) {
                this.dropLast = dropLast;
                return this;
            }

            /** Seed of the shuffle; epoch e uses a permutation derived from (seed, e). */
            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /** Batches a background thread prepares ahead (0 = load synchronously on the consumer's thread). */
            public Builder prefetch(int prefetch) {
                if (prefetch < 0) throw new IllegalArgumentException("DataLoader: prefetch must be >= 0, got "
                        + prefetch);
                this.prefetch = prefetch;
                return this;
            }

            public Options build() {
                return new Options(this);
            }
        }
    }

    /** A loader over {@code dataset} with {@code options}. */
    public DataLoader(Dataset dataset, Options options) {
        if (dataset == null) throw new IllegalArgumentException("DataLoader: dataset is null");
        if (options == null) throw new IllegalArgumentException("DataLoader: options are null");
        this.dataset = dataset;
        this.options = options;
    }

    /** A synchronous loader keeping the last partial batch. */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed) {
        this(dataset, Options.builder().batchSize(batchSize).shuffle(shuffle).seed(seed).build());
    }

    public Dataset dataset() {
        return dataset;
    }

    public Options options() {
        return options;
    }

    public int batchSize() {
        return options.batchSize;
    }

    /** Batches per epoch: {@code ceil(N / batchSize)}, or {@code floor(N / batchSize)} with dropLast. */
    public int numBatches() {
        return numBatches(dataset.size());
    }

    private int numBatches(int n) {
        int b = options.batchSize;
        return options.dropLast ? n / b : (int) ((n + (long) b - 1) / b);
    }

    /** The epoch the next iteration will run (0 for a new loader). */
    public int epoch() {
        return nextEpoch;
    }

    /** Makes the next iteration run epoch {@code epoch} from its first batch (as DistributedSampler.set_epoch). */
    public void setEpoch(int epoch) {
        resumeAt(epoch, 0);
    }

    /**
     * Makes the next iteration run epoch {@code epoch} starting at batch {@code batch}, skipping the batches a
     * checkpointed run had already trained on; the batches served are exactly those of an uninterrupted epoch.
     */
    public void resumeAt(int epoch, int batch) {
        if (epoch < 0) throw new IllegalArgumentException("DataLoader.setEpoch: epoch must be >= 0, got " + epoch);
        int nb = numBatches();
        if (batch < 0 || batch > nb) throw new IllegalArgumentException("DataLoader.resumeAt: batch " + batch
                + " is outside [0, " + nb + "] (the epoch has " + nb + " batches)");
        this.nextEpoch = epoch;
        this.nextStartBatch = batch;
    }

    /**
     * The order in which epoch {@code epoch} visits the dataset's indices: a seeded permutation with shuffle on,
     * otherwise {@code 0, 1, ..., N-1}.
     */
    public int[] order(int epoch) {
        int n = dataset.size();
        if (!options.shuffle) {
            int[] o = new int[n];
            for (int i = 0; i < n; i++) o[i] = i;
            return o;
        }
        long base = new Generator(options.seed).nextLong();
        return Splits.permutation(n, new Generator(base + epoch));
    }

    /** Starts the next epoch (stopping a previous, unfinished iteration) and returns its batches. */
    @Override
    public Iterator<Tensor[]> iterator() {
        close();
        int epoch = nextEpoch, start = nextStartBatch;
        nextEpoch = epoch + 1;
        nextStartBatch = 0;
        int[] order = order(epoch);
        int nb = numBatches(order.length);
        Plan plan = new Plan(dataset, order, options.batchSize, epoch, Math.min(start, nb), nb);
        active = options.prefetch == 0 ? new SyncIterator(plan) : new PrefetchIterator(plan, options.prefetch, id);
        return active;
    }

    /** Stops the live iteration, if any (its background thread ends); later iterations work as usual. */
    @Override
    public void close() {
        if (active != null) {
            active.stop();
            active = null;
        }
    }

    @Override
    public String toString() {
        return "DataLoader(" + dataset.describe() + ", " + options + ", epoch=" + nextEpoch + ")";
    }

    // ---------------------------------------------------------------- iteration

    /** What one epoch loads: batch b is {@code order[b*batchSize, min(N, (b+1)*batchSize))}. */
    private record Plan(Dataset dataset, int[] order, int batchSize, int epoch, int startBatch, int endBatch) {
        Tensor[] load(int b) {
            int from = b * batchSize, to = Math.min(order.length, from + batchSize);
            try (var ignored = Autograd.noGrad()) {
                return Collate.batch(dataset, order, from, to);
            }
        }
    }

    private abstract static class BatchIterator implements Iterator<Tensor[]> {
        abstract void stop();
    }

    private static final class SyncIterator extends BatchIterator {
        private final Plan plan;
        private int next;
        private boolean stopped;

        SyncIterator(Plan plan) {
            this.plan = plan;
            this.next = plan.startBatch;
        }

        @Override
        public boolean hasNext() {
            return !stopped && next < plan.endBatch;
        }

        @Override
        public Tensor[] next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + plan.epoch + " has no more batches");
            int b = next++;
            try {
                return plan.load(b);
            } catch (RuntimeException e) {
                stopped = true;
                throw new DataLoaderException(plan.epoch, b, e);
            }
        }

        @Override
        void stop() {
            stopped = true;
        }
    }

    /** Queue items: a batch, the end of the epoch, or a failure. */
    private sealed interface Item permits Batch, End, Failure {}

    private record Batch(Tensor[] tensors) implements Item {}

    private record End() implements Item {}

    private record Failure(int batch, Throwable error) implements Item {}

    /**
     * The background side. Holds no reference to its iterator, so an abandoned iterator can be collected and the
     * Cleaner then stops the thread.
     */
    private static final class Producer implements Runnable {
        private final Plan plan;
        private final BlockingQueue<Item> queue;
        private volatile boolean stopped;
        private Thread thread;

        Producer(Plan plan, int capacity) {
            this.plan = plan;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        public void run() {
            int b = plan.startBatch;
            try {
                for (; b < plan.endBatch; b++) {
                    if (stopped || !offer(new Batch(plan.load(b)))) return;
                }
                offer(new End());
            } catch (Throwable t) {
                offer(new Failure(b, t));
            }
        }

        /** Blocks until the item is queued; false when stopped. Polls the flag so a swallowed interrupt can't hang. */
        private boolean offer(Item item) {
            try {
                while (!stopped) {
                    if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) return true;
                }
            } catch (InterruptedException e) {
                stopped = true;
            }
            return false;
        }

        void stop() {
            stopped = true;
            Thread t = thread;
            if (t != null) t.interrupt();
            queue.clear();
        }
    }

    private static final class PrefetchIterator extends BatchIterator {
        private final Producer producer;
        private final Cleaner.Cleanable cleanable;
        private Item pending;
        private boolean done;
        private int served;

        PrefetchIterator(Plan plan, int prefetch, int loaderId) {
            this.producer = new Producer(plan, prefetch);
            this.done = plan.startBatch >= plan.endBatch;
            this.served = plan.startBatch;
            if (!done) {
                producer.thread = Thread.ofPlatform().daemon(true)
                        .name("kindling-dataloader-" + loaderId + "-epoch-" + plan.epoch).unstarted(producer);
                producer.thread.start();
            }
            Producer p = producer; // the cleaning action must not capture `this`
            this.cleanable = CLEANER.register(this, p::stop);
        }

        @Override
        public boolean hasNext() {
            if (done) return false;
            if (pending != null) return true;
            Item item = take();
            if (item instanceof End) {
                stop();
                return false;
            }
            if (item instanceof Failure f) {
                stop();
                if (f.error instanceof Error err) throw err;
                throw new DataLoaderException(producer.plan.epoch, f.batch, f.error);
            }
            pending = item;
            return true;
        }

        private Item take() {
            try {
                while (true) {
                    Item item = producer.queue.poll(100, TimeUnit.MILLISECONDS);
                    if (item != null) return item;
                    if (!producer.thread.isAlive() && producer.queue.isEmpty()) {
                        stop();
                        throw new IllegalStateException("DataLoader: the prefetch thread of epoch "
                                + producer.plan.epoch + " ended without finishing the epoch");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("DataLoader: interrupted while waiting for batch " + served
                        + " of epoch " + producer.plan.epoch, e);
            }
        }

        @Override
        public Tensor[] next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + producer.plan.epoch
                    + " has no more batches");
            Tensor[] out = ((Batch) pending).tensors;
            pending = null;
            served++;
            return out;
        }

        @Override
        void stop() {
            done = true;
            pending = null;
            cleanable.clean(); // runs producer.stop() once
        }
    }
}
