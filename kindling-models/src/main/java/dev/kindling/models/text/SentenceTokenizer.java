// SentenceTokenizer: words of short reviews and messages for sentiment models: lower-cased runs of letters and
// digits with inner apostrophes kept ("don't", "isn't" carry the negation), plus "!" and "?" as tokens of their
// own, since exclamations carry sentiment. Everything else (other punctuation, symbols) separates words.
package dev.kindling.models.text;

import dev.kindling.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tokenizes sentences into lower-case words and "!" / "?" marks.
 *
 * <p>Example: {@code new SentenceTokenizer().tokenize("Don't buy it!! Worst, ever.")
 * // [don't, buy, it, !, !, worst, ever]}
 */
public final class SentenceTokenizer implements Tokenizer {
    @Override
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        int n = text.length(), i = 0;
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == '!' || ch == '?') {
                out.add(String.valueOf(ch));
                i++;
            } else if (Character.isLetterOrDigit(ch)) {
                int start = i;
                while (i < n) {
                    char c = text.charAt(i);
                    boolean innerApostrophe = (c == '\'' || c == '\u2019') && i + 1 < n
                            && Character.isLetter(text.charAt(i + 1));
                    if (!Character.isLetterOrDigit(c) && !innerApostrophe) break;
                    i++;
                }
                out.add(text.substring(start, i).replace('\u2019', '\'').toLowerCase(Locale.ROOT));
            } else {
                i++;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "SentenceTokenizer(lower-case words with inner apostrophes, ! and ?)";
    }
}
