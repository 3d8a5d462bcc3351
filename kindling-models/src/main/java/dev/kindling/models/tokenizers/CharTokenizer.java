// CharTokenizer: one id per character (code point) of a corpus, sorted, for small character-level models
// (char-RNN, nanoGPT-style). Built as a tokenizer.json pipeline (WordLevel over single chars) so it saves
// and reloads like any HF tokenizer.
package dev.kindling.models.tokenizers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Character vocabulary: ids are the sorted distinct code points of the corpus.
 *
 * <p>Example:
 * <pre>{@code
 * CharTokenizer tok = CharTokenizer.fromText("hello world");   // vocab " dehlorw"
 * tok.encode("hello").ids();                                    // [3, 2, 4, 4, 5]
 * tok.decode(new int[] {3, 2, 4, 4, 5});                        // "hello"
 * }</pre>
 * Encoding a char outside the vocabulary throws {@link IllegalArgumentException}.
 */
public final class CharTokenizer extends HfTokenizer {
    private CharTokenizer(HfTokenizer pipeline) {
        super(pipeline);
    }

    /** The sorted distinct characters of {@code corpus} as the vocabulary. */
    public static CharTokenizer fromText(String corpus) {
        TreeSet<Integer> cps = new TreeSet<>();
        corpus.codePoints().forEach(cps::add);
        Map<String, Integer> vocab = new HashMap<>();
        for (int cp : cps) vocab.put(Character.toString(cp), vocab.size());
        return new CharTokenizer(new HfTokenizer(null,
                new PreTokenizers.Split(new JsonFields.PatternSpec(null, "[\\s\\S]"), PreTokenizers.Behavior.ISOLATED,
                        false), new Models.WordLevel(vocab, null), null, new Decoders.Fuse(), List.of(), null, null));
    }

    /** The vocabulary as a string (chars in id order). */
    public String chars() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < vocabSize(); i++) sb.append(idToToken(i));
        return sb.toString();
    }
}
