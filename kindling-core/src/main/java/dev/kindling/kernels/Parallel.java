// Parallel: the one thread pool every multithreaded kernel uses.
// Work is split into contiguous index ranges that all participating threads, the caller included, claim
// from a shared counter, so a worker the OS has not scheduled never stalls the caller. Idle workers spin
// for tens of microseconds (back-to-back kernels of a step), then park so they do not burn a busy core.
package dev.kindling.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread pool for kernels. The thread count defaults to the number of available processors and can be
 * changed with {@link #setThreads(int)} or the system property {@code kindling.threads}.
 *
 * <p>Example: {@code Parallel.forRange(rows, 16, (lo, hi) -> { for (int r = lo; r < hi; r++) ... });}
 */
public final class Parallel {
    /** A body that processes indices {@code [lo, hi)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int lo, int hi);
    }

    private static volatile int threads = initialThreads();
    private static Worker[] workers = new Worker[0];
    private static final Object LOCK = new Object();
    private static final java.util.concurrent.atomic.AtomicBoolean BUSY = new java.util.concurrent.atomic.AtomicBoolean();
    /** True while a parallel region runs: nested regions run inline instead of deadlocking. */
    private static final ThreadLocal<Boolean> IN_REGION = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    private static int initialThreads() {
        String p = System.getProperty("kindling.threads");
        if (p != null && !p.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("kindling.threads must be a positive integer, got '" + p + "'");
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Number of threads kernels may use (including the calling thread). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels use; 1 makes every kernel single-threaded. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("Parallel.setThreads: thread count must be >= 1, got " + n);
        threads = n;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous ranges of at
     * least {@code minChunk} indices. Runs inline when one range suffices or when already inside a region.
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        int t = threads;
        int chunks = Math.min(t, Math.max(1, n / Math.max(1, minChunk)));
        // Inline when one range suffices, when nested, or when another caller thread holds the pool.
        if (chunks <= 1 || n <= 1 || IN_REGION.get() || !BUSY.compareAndSet(false, true)) {
            if (n > 0) body.run(0, n);
            return;
        }
        try {
            runChunks(n, chunks, body);
        } finally {
            BUSY.set(false);
        }
    }

    /** Runs {@code body(i, i+1)} for each task index {@code i < tasks}, one task per range, in parallel. */
    public static void forTasks(int tasks, RangeBody body) {
        forRange(tasks, 1, body);
    }

    /** A body that processes one task index. */
    @FunctionalInterface
    public interface TaskBody {
        void run(int task);
    }

    /**
     * Runs {@code body(i)} for every {@code i < tasks}; threads take the next task from a shared counter, so a thread
     * slowed by the OS (a busy or virtualised core) ends up doing fewer tasks instead of holding everyone up. Each
     * task's work must not depend on which thread runs it (then results stay deterministic).
     */
    public static void forDynamic(int tasks, TaskBody body) {
        int t = Math.min(threads, tasks);
        if (t <= 1 || IN_REGION.get()) {
            for (int i = 0; i < tasks; i++) body.run(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        forRange(t, 1, (lo, hi) -> {
            for (int i; (i = next.getAndIncrement()) < tasks; ) body.run(i);
        });
    }

    private static void runChunks(int n, int chunks, RangeBody body) {
        Worker[] ws = ensureWorkers(chunks - 1);
        Job job = new Job(body, n, chunks);
        for (int i = 1; i < chunks; i++) ws[i - 1].submit(job);
        IN_REGION.set(true);
        try {
            job.claimAndRun();   // the caller also takes the chunks of workers that have not woken up yet
        } finally {
            IN_REGION.set(false);
        }
        job.awaitOthers();
        Throwable err = job.error;
        if (err instanceof RuntimeException re) throw re;
        if (err instanceof Error e) throw e;
        if (err != null) throw new RuntimeException(err);
    }

    private static Worker[] ensureWorkers(int count) {
        synchronized (LOCK) {
            if (workers.length < count) {
                Worker[] next = new Worker[count];
                System.arraycopy(workers, 0, next, 0, workers.length);
                for (int i = workers.length; i < count; i++) {
                    next[i] = new Worker(i);
                    next[i].start();
                }
                workers = next;
            }
            return workers;
        }
    }

    /**
     * How long an idle thread spins before it parks. Long enough to bridge the imbalance at the end of a region and
     * the caller's serial stretches between regions: at 50 us workers parked between the phases of a 512^3 GEMM
     * and two threads ran it at 111 GFLOPS instead of 198; at 1 ms they stay awake through a training step. A
     * descheduled worker costs nothing, since the caller claims its chunks.
     */
    private static final long SPIN_NANOS = 1_000_000;

    /**
     * One parallel region. Chunks are fixed index ranges (so results never depend on which thread runs which),
     * claimed from a shared counter: a worker the OS has not scheduled yet costs the region nothing, because the
     * caller takes its chunk instead of waiting for it.
     */
    private static final class Job {
        final RangeBody body;
        final int n, chunks;
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable error;
        final Thread owner = Thread.currentThread();

        Job(RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        /** Runs chunks until none is left unclaimed; records the first error. */
        void claimAndRun() {
            for (int c; (c = nextChunk.getAndIncrement()) < chunks; ) {
                try {
                    int lo = (int) ((long) n * c / chunks), hi = (int) ((long) n * (c + 1) / chunks);
                    if (hi > lo) body.run(lo, hi);
                } catch (Throwable e) {
                    if (error == null) error = e;
                }
                if (finished.incrementAndGet() == chunks && Thread.currentThread() != owner) LockSupport.unpark(owner);
            }
        }

        /** Waits until chunks other threads claimed are finished: spins briefly, then parks. */
        void awaitOthers() {
            if (finished.get() == chunks) return;
            long start = System.nanoTime();
            while (finished.get() != chunks) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 100_000);
            }
        }
    }

    private static final class Worker extends Thread {
        private final java.util.concurrent.atomic.AtomicReference<Job> job = new java.util.concurrent.atomic.AtomicReference<>();

        Worker(int i) {
            super("kindling-worker-" + i);
            setDaemon(true);
        }

        void submit(Job j) {
            job.set(j);
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            IN_REGION.set(true);
            while (true) {
                Job j = job.getAndSet(null);
                if (j == null) {
                    // Spin a short, bounded time (back-to-back kernels of a step arrive within microseconds), then
                    // park so an idle worker never burns a core the caller needs.
                    long start = System.nanoTime();
                    // Spin on a plain read: a read-modify-write per iteration would keep stealing the cache line
                    // (and, on SMT siblings, the core) from the thread that is about to submit.
                    while (true) {
                        if (job.get() != null && (j = job.getAndSet(null)) != null) break;
                        if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                        else LockSupport.park(this);
                    }
                }
                j.claimAndRun();
            }
        }
    }
}
