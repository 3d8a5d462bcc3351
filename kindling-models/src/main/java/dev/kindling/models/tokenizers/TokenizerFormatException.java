// TokenizerFormatException: a tokenizer file (tokenizer.json, encoder.json, vocab.bpe, vocab.txt) that cannot be
// used, with a message naming the file part or field and what was expected.
package dev.kindling.models.tokenizers;

/** Thrown for malformed or unsupported tokenizer files; the message names the field and the expectation. */
public class TokenizerFormatException extends IllegalArgumentException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
