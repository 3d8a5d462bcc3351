// TruncationOptions: how sequences (and pairs) are cut to a maximum length, with Hugging Face's strategies
// (longest_first, only_first, only_second) and direction (right: drop the tail; left: drop the head).
package dev.kindling.models.tokenizers;

/**
 * Truncation settings. {@code maxLength} counts special tokens too (e.g. 512 for BERT includes [CLS]/[SEP]).
 *
 * @param maxLength maximum number of tokens of the final encoding, {@code > 0}
 * @param strategy  which sequence of a pair loses tokens
 * @param left      drop tokens from the start instead of the end
 *
 * <p>Example: {@code TruncationOptions.of(128)}, {@code new TruncationOptions(64, Strategy.ONLY_SECOND, false)}.
 */
public record TruncationOptions(int maxLength, Strategy strategy, boolean left) {

    /** Which sequence of a pair is shortened. */
    public enum Strategy {
        /** Remove one token at a time from the longer sequence (Hugging Face {@code longest_first}). */
        LONGEST_FIRST,
        /** Only shorten the first sequence. */
        ONLY_FIRST,
        /** Only shorten the second sequence. */
        ONLY_SECOND
    }

    public TruncationOptions {
        if (maxLength <= 0) throw new IllegalArgumentException("TruncationOptions: maxLength must be > 0, got "
                + maxLength);
        if (strategy == null) strategy = Strategy.LONGEST_FIRST;
    }

    /** Longest-first truncation to {@code maxLength} tokens, dropping the tail. */
    public static TruncationOptions of(int maxLength) {
        return new TruncationOptions(maxLength, Strategy.LONGEST_FIRST, false);
    }
}
