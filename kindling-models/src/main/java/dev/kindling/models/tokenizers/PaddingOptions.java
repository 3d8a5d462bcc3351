// PaddingOptions: how encodeBatch pads sequences to one length (longest in the batch or a fixed length,
// on the right or left, with which pad id/token/type id), mirroring Hugging Face's padding settings.
package dev.kindling.models.tokenizers;

/**
 * Padding settings for {@link Tokenizer#encodeBatch}.
 *
 * @param fixedLength      pad every sequence to this length; {@code <= 0} pads to the longest in the batch
 * @param left             pad on the left instead of the right
 * @param padId            id of the pad token; {@code < 0} uses the tokenizer's own pad token (or 0)
 * @param padToken         pad token string; null uses the tokenizer's own (or {@code "[PAD]"})
 * @param padTypeId        type id of pad positions
 * @param padToMultipleOf  round the target length up to a multiple of this ({@code <= 1}: no rounding)
 *
 * <p>Example: {@code PaddingOptions.fixed(128)}, {@code PaddingOptions.longest().leftSide()}.
 */
public record PaddingOptions(int fixedLength, boolean left, int padId, String padToken, int padTypeId,
                             int padToMultipleOf) {

    /** Pad to the longest sequence of the batch, on the right, with the tokenizer's pad token. */
    public static PaddingOptions longest() {
        return new PaddingOptions(0, false, -1, null, 0, 0);
    }

    /** Pad every sequence to {@code length} tokens, on the right, with the tokenizer's pad token. */
    public static PaddingOptions fixed(int length) {
        if (length <= 0) throw new IllegalArgumentException("PaddingOptions.fixed: length must be > 0, got " + length);
        return new PaddingOptions(length, false, -1, null, 0, 0);
    }

    /** The same settings, padding on the left. */
    public PaddingOptions leftSide() {
        return new PaddingOptions(fixedLength, true, padId, padToken, padTypeId, padToMultipleOf);
    }

    /** The same settings with an explicit pad id and token. */
    public PaddingOptions withPad(int id, String token) {
        return new PaddingOptions(fixedLength, left, id, token, padTypeId, padToMultipleOf);
    }

    /** The same settings, rounding the length up to a multiple of {@code m}. */
    public PaddingOptions multipleOf(int m) {
        return new PaddingOptions(fixedLength, left, padId, padToken, padTypeId, m);
    }

    /** Target length for a batch whose longest sequence has {@code longest} tokens. */
    public int targetLength(int longest) {
        int t = fixedLength > 0 ? fixedLength : longest;
        if (padToMultipleOf > 1 && t % padToMultipleOf != 0) t += padToMultipleOf - t % padToMultipleOf;
        return t;
    }
}
