// Tokenizer: the contract every text tokenizer in Kindling implements (Hugging Face tokenizer.json pipelines,
// the original GPT-2 files, BERT vocab.txt, character and word vocabularies), so models, generation and the
// CLI take any of them.
package dev.kindling.models.tokenizers;

import java.util.List;

/**
 * Turns text into token ids (with tokens, type ids, masks and offsets) and ids back into text.
 *
 * <p>{@code encode} adds the tokenizer's special tokens (e.g. BERT's {@code [CLS] ... [SEP]}) when it has a
 * post-processor, like Hugging Face's default {@code add_special_tokens=True}.
 *
 * <p>Example:
 * <pre>{@code
 * Tokenizer tok = HfTokenizer.fromFile(Path.of("tokenizer.json"));
 * Encoding e = tok.encode("Hello, world!");          // e.ids() = [101, 7592, 1010, 2088, 999, 102]
 * String s = tok.decode(e.ids(), true);               // "hello, world!"
 * BatchEncoding b = tok.encodeBatch(List.of("a", "b c"), PaddingOptions.longest(), null);
 * Tensor ids = b.inputIds();                          // int64 [2, T]
 * }</pre>
 */
public interface Tokenizer {
    /** Encodes one sequence (special tokens added). */
    Encoding encode(String text);

    /** Encodes a pair of sequences (e.g. question + context); {@code pair} may be null for a single sequence. */
    Encoding encode(String text, String pair);

    /** Text of {@code ids}; special tokens (e.g. {@code [CLS]}, {@code <|endoftext|>}) are dropped when asked. */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** Number of ids, added tokens included (the size a model's embedding table needs). */
    int vocabSize();

    /** Id of {@code token} (a vocabulary entry, e.g. {@code "Ġthe"} or {@code "##ing"}), or null if absent. */
    Integer tokenToId(String token);

    /** Vocabulary entry of {@code id}; throws {@link IllegalArgumentException} for an id out of range. */
    String idToToken(int id);

    /**
     * Encodes several texts and makes them rectangular.
     *
     * @param padding    how to pad; null pads to the longest sequence on the right with the tokenizer's pad id
     *                   (a batch must be rectangular to become a tensor)
     * @param truncation how to truncate; null keeps every token
     */
    BatchEncoding encodeBatch(List<String> texts, PaddingOptions padding, TruncationOptions truncation);

    /** Text of {@code ids} with special tokens kept. */
    default String decode(int[] ids) {
        return decode(ids, false);
    }
}
