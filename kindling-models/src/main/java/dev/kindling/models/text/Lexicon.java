// Lexicon: word-level sentiment prior knowledge (AFINN-111 valences, Liu's positive / negative opinion words) turned
// into fixed per-token features for a vocabulary, e.g. TextCNN's token_features. Multi-word AFINN entries are
// skipped (the models read single words); words are matched lower-cased, as the sentence tokenizer writes them.
package dev.kindling.models.text;

import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A sentiment lexicon: AFINN valence (-5..5) and Liu positive / negative word lists.
 *
 * <p>Example:
 * <pre>{@code
 * var lex = Lexicon.load(dir.resolve("afinn111.csv"), dir.resolve("liu_positive.txt"), dir.resolve("liu_negative.txt"));
 * Tensor feats = lex.tokenFeatures(vocab);   // [V, 3]: afinn / 5, liu positive, liu negative
 * }</pre>
 */
public final class Lexicon {
    /** Features per token in {@link #tokenFeatures}. */
    public static final int NUM_FEATURES = 3;

    private final Map<String, Integer> afinn;
    private final Set<String> positive, negative;

    private Lexicon(Map<String, Integer> afinn, Set<String> positive, Set<String> negative) {
        this.afinn = afinn;
        this.positive = positive;
        this.negative = negative;
    }

    /**
     * Reads AFINN ({@code word,valence} CSV with a header line) and Liu's lists (one word per line; lines starting
     * with ';' are comments).
     */
    public static Lexicon load(Path afinnCsv, Path liuPositive, Path liuNegative) throws IOException {
        Map<String, Integer> afinn = new HashMap<>();
        List<String> lines = Files.readAllLines(afinnCsv, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            int comma = line.lastIndexOf(',');
            if (comma <= 0) throw new IOException(afinnCsv + ": line " + (i + 1) + " is not 'word,valence': " + line);
            String word = line.substring(0, comma).strip().toLowerCase(Locale.ROOT);
            int valence;
            try {
                valence = Integer.parseInt(line.substring(comma + 1).strip());
            } catch (NumberFormatException e) {
                throw new IOException(afinnCsv + ": line " + (i + 1) + " has a valence that is not an integer: " + line);
            }
            if (valence < -5 || valence > 5) throw new IOException(afinnCsv + ": line " + (i + 1) + " has valence "
                    + valence + ", expected -5..5");
            if (!word.contains(" ")) afinn.put(word, valence);
        }
        return new Lexicon(afinn, words(liuPositive), words(liuNegative));
    }

    private static Set<String> words(Path file) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String w = line.strip();
            if (!w.isEmpty() && !w.startsWith(";")) out.add(w.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The AFINN valence of {@code word} (0 when absent). */
    public int valence(String word) {
        return afinn.getOrDefault(word, 0);
    }

    /** {@link #NUM_FEATURES} features of one word: AFINN valence / 5, in Liu's positive list, in Liu's negative list. */
    public float[] features(String word) {
        return new float[] {valence(word) / 5f, positive.contains(word) ? 1 : 0, negative.contains(word) ? 1 : 0};
    }

    /** Features of every token of {@code vocab}: {@code [V, 3]}, zero for {@code <pad>} and {@code <unk>}. */
    public Tensor tokenFeatures(TokenVocabulary vocab) {
        int v = vocab.size();
        float[] out = new float[v * NUM_FEATURES];
        for (int id = TokenVocabulary.UNK_ID + 1; id < v; id++)
            System.arraycopy(features(vocab.token(id)), 0, out, id * NUM_FEATURES, NUM_FEATURES);
        return Tensor.of(out, v, NUM_FEATURES);   // [V, 3]
    }

    /** Number of single words in {AFINN, Liu positive, Liu negative}. */
    public int[] sizes() {
        return new int[] {afinn.size(), positive.size(), negative.size()};
    }
}
