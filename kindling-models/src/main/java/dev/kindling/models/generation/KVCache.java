// KVCache: per-layer key/value buffers for incremental decoding. Preallocated to a capacity so that a generated
// token writes one position per layer instead of re-running attention's projections over the whole prefix.
package dev.kindling.models.generation;

import dev.kindling.tensor.Tensor;

/**
 * Keys and values of every attention layer for the positions seen so far.
 *
 * <p>Usage inside an attention layer (one call per layer per forward), then the model advances once:
 * <pre>{@code
 * Tensor[] kv = cache.append(layerIndex, k, v);   // k, v: [B, Hkv, T, D] -> views [B, Hkv, past + T, D]
 * ... attention of q [B, H, T, D] against kv[0], kv[1], with positions offset by cache.length() ...
 * cache.advance(T);                               // after all layers, in the model's forward
 * }</pre>
 * The returned views share the cache's storage and carry no gradient: a cache is for inference.
 */
public final class KVCache {
    private final int layers, batch, kvHeads, headDim, capacity;
    private final Tensor[] keys, values;   // per layer [B, Hkv, capacity, D]
    private int length;

    /**
     * Args: layers — attention layers; batch — sequences; kvHeads — key/value heads (fewer than query heads under
     * grouped-query attention); headDim — per-head size; capacity — most positions the cache can hold.
     */
    public KVCache(int layers, int batch, int kvHeads, int headDim, int capacity) {
        if (layers <= 0 || batch <= 0 || kvHeads <= 0 || headDim <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("KVCache: layers, batch, kvHeads, headDim and capacity must be positive,"
                    + " got " + layers + ", " + batch + ", " + kvHeads + ", " + headDim + ", " + capacity);
        }
        this.layers = layers;
        this.batch = batch;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = Tensor.zeros(batch, kvHeads, capacity, headDim);
            values[l] = Tensor.zeros(batch, kvHeads, capacity, headDim);
        }
    }

    /** Positions held (the offset of the next token). */
    public int length() {
        return length;
    }

    /** Most positions the cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** Number of layers. */
    public int layers() {
        return layers;
    }

    /** Positions still free. */
    public int remaining() {
        return capacity - length;
    }

    /**
     * Writes this step's keys and values after the held positions of {@code layer} and returns views of all of them.
     *
     * <p>Shape: k, v {@code [B, Hkv, T, D]} -> returns {@code {keys, values}}, each {@code [B, Hkv, length() + T, D]}.
     */
    public Tensor[] append(int layer, Tensor k, Tensor v) {
        if (layer < 0 || layer >= layers) {
            throw new IndexOutOfBoundsException("KVCache.append: layer " + layer + " out of range for " + layers
                    + " layers");
        }
        int[] s = k.shape();
        if (s.length != 4 || s[0] != batch || s[1] != kvHeads || s[3] != headDim || !java.util.Arrays.equals(s,
                v.shape())) {
            throw new IllegalArgumentException("KVCache.append: expected k and v of shape [" + batch + ", " + kvHeads
                    + ", T, " + headDim + "], got " + java.util.Arrays.toString(s) + " and "
                    + java.util.Arrays.toString(v.shape()));
        }
        int t = s[2];
        if (length + t > capacity) {
            throw new IllegalStateException("KVCache.append: " + length + " cached + " + t + " new positions exceed "
                    + "the capacity " + capacity + "; create the cache with a larger capacity");
        }
        try (var g = dev.kindling.tensor.Autograd.noGrad()) {
            keys[layer].narrow(2, length, t).copy_(k.detach());
            values[layer].narrow(2, length, t).copy_(v.detach());
        }
        return new Tensor[] {keys[layer].narrow(2, 0, length + t), values[layer].narrow(2, 0, length + t)};
    }

    /** Moves the held length forward by {@code t} once every layer has appended this step's positions. */
    public void advance(int t) {
        if (t < 0 || length + t > capacity) {
            throw new IllegalStateException("KVCache.advance: cannot advance " + length + " by " + t + " (capacity "
                    + capacity + ")");
        }
        length += t;
    }

    /** Forgets every position (the buffers are reused). */
    public void reset() {
        length = 0;
    }
}
