// LongIntMap: an open-addressing hash map from long keys to int values (linear probing, power-of-two table),
// for n-gram counting over millions of entries without boxing a Long and an Integer per entry.
package dev.kindling.models.ngram;

import java.util.Arrays;

/** Map {@code long -> int} with {@link #add}, {@link #get} and slot iteration; keys must not be {@code Long.MIN_VALUE}. */
final class LongIntMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private int[] values;
    private int size, mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    /** Number of slots (for iteration with {@link #keyAt}/{@link #valueAt}; empty slots report {@link #has} false). */
    int capacity() {
        return keys.length;
    }

    boolean has(int slot) {
        return keys[slot] != EMPTY;
    }

    long keyAt(int slot) {
        return keys[slot];
    }

    int valueAt(int slot) {
        return values[slot];
    }

    private static int hash(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return (int) (k ^ (k >>> 29));
    }

    /** Adds {@code delta} to the value of {@code key} (absent keys start at 0); returns the new value. */
    int add(long key, int delta) {
        if (key == EMPTY) throw new IllegalArgumentException("LongIntMap: Long.MIN_VALUE is reserved");
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return values[i] += delta;
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = delta;
                if (++size * 2 > keys.length) grow();
                return delta;
            }
            i = (i + 1) & mask;
        }
    }

    /** The slot of {@code key}, or -1 when absent. */
    int slot(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return i;
            if (k == EMPTY) return -1;
            i = (i + 1) & mask;
        }
    }

    /** The value of {@code key}, or {@code missing}. */
    int get(long key, int missing) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return missing;
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        keys = new long[ok.length * 2];
        values = new int[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        mask = keys.length - 1;
        for (int s = 0; s < ok.length; s++) {
            if (ok[s] == EMPTY) continue;
            int i = hash(ok[s]) & mask;
            while (keys[i] != EMPTY) i = (i + 1) & mask;
            keys[i] = ok[s];
            values[i] = ov[s];
        }
    }
}
