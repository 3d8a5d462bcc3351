// ParallelTest: the thread pool's contract: every index runs exactly once in the fixed ranges, errors reach the
// caller, nested regions run inline.
package dev.kindling.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void everyIndexRunsExactlyOnceAcrossManyRegions() {
        Parallel.setThreads(4);
        for (int round = 0; round < 2000; round++) {
            int n = 1 + round % 97;
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            Parallel.forRange(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < n; i++) assertThat(hits.get(i)).as("round %d index %d", round, i).isEqualTo(1);
        }
    }

    @Test
    void rangesAreTheFixedSplitWhicheverThreadRunsThem() {
        Parallel.setThreads(3);
        int n = 10;
        int[] startOf = new int[n];
        java.util.Arrays.fill(startOf, -1);
        for (int round = 0; round < 200; round++) {
            Parallel.forRange(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) startOf[i] = lo;
            });
            // 3 chunks of [0,10): [0,3) [3,6) [6,10), no matter which thread claimed which.
            assertThat(startOf).containsExactly(0, 0, 0, 3, 3, 3, 6, 6, 6, 6);
        }
    }

    @Test
    void errorsInAnyChunkReachTheCaller() {
        Parallel.setThreads(2);
        for (int round = 0; round < 50; round++) {
            assertThatThrownBy(() -> Parallel.forRange(100, 1, (lo, hi) -> {
                if (hi == 100) throw new IllegalStateException("chunk " + lo);
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 50");
        }
        AtomicIntegerArray hits = new AtomicIntegerArray(8);
        Parallel.forRange(8, 1, (lo, hi) -> { for (int i = lo; i < hi; i++) hits.incrementAndGet(i); });
        for (int i = 0; i < 8; i++) assertThat(hits.get(i)).isEqualTo(1);   // the pool still works afterwards
    }

    @Test
    void nestedRegionsRunInline() {
        Parallel.setThreads(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(64);
        Parallel.forRange(8, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int row = i;
                Parallel.forRange(8, 1, (a, b) -> { for (int j = a; j < b; j++) hits.incrementAndGet(row * 8 + j); });
            }
        });
        for (int i = 0; i < 64; i++) assertThat(hits.get(i)).isEqualTo(1);
    }
}
