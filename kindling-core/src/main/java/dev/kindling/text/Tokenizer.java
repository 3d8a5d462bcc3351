// Tokenizer: turns a document into the list of terms a vocabulary counts. A functional interface so a
// lambda (or EmailTokenizer for raw e-mails) plugs into Vocabulary and TfidfVectorizer.
package dev.kindling.text;

import java.util.List;

/**
 * Splits a document into terms.
 *
 * <p>Example: {@code Tokenizer t = Tokenizer.words(); t.tokenize("Hello, World!")  // [hello, world]}
 */
@FunctionalInterface
public interface Tokenizer {
    /** The terms of {@code text}, in order, repeats kept (term frequencies are counted from them). */
    List<String> tokenize(String text);

    /**
     * Lower-cased runs of two or more letters or digits, the terms of scikit-learn's default
     * {@code token_pattern=r"(?u)\b\w\w+\b"} without the underscore. Same as {@code EmailTokenizer} with
     * headers kept and no length cap.
     */
    static Tokenizer words() {
        return EmailTokenizer.builder().headers(EmailTokenizer.Headers.KEEP).maxTokenLength(Integer.MAX_VALUE).build();
    }
}
