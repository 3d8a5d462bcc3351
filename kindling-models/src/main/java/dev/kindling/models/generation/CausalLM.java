// CausalLM: what text generation needs from a decoder-only language model (GPT-2, Llama, Kindling's own GPT):
// logits for the next tokens, with an optional key/value cache so each new token costs one position, not the prefix.
package dev.kindling.models.generation;

import dev.kindling.tensor.Tensor;

/**
 * A decoder-only language model that the sampler can drive token by token.
 *
 * <p>Example:
 * <pre>{@code
 * KVCache cache = model.newCache(1, 256);
 * Tensor logits = model.forward(promptIds, cache);         // [1, T, V]; cache now holds T positions
 * Tensor next = model.forward(Tensor.ofLongs(new long[] {id}, 1, 1), cache);  // [1, 1, V]
 * }</pre>
 */
public interface CausalLM {
    /**
     * Logits for {@code ids}, which follow the positions already held in {@code cache}.
     *
     * <p>Args: ids — int64 token ids {@code [B, T]}; cache — null for a full forward from position 0 (training,
     * scoring), else the cache of earlier calls: this call's keys/values are appended and the cache advances by T.
     * Shape: returns {@code [B, T, vocabSize()]}.
     */
    Tensor forward(Tensor ids, KVCache cache);

    /** An empty cache for {@code batch} sequences of up to {@code capacity} positions. */
    KVCache newCache(int batch, int capacity);

    /** Size of the output vocabulary (last dim of the logits). */
    int vocabSize();

    /** The longest sequence the model accepts (its position table or configured context). */
    int maxPositions();
}
