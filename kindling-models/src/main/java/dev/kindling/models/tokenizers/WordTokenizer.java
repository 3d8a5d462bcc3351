// WordTokenizer: a word vocabulary (the N most frequent words plus <pad> and <unk>) for small models such as
// RNN text classifiers. Words are lowercased runs of word chars or of punctuation; built as a tokenizer.json
// pipeline (Lowercase + Whitespace + WordLevel) so it saves and reloads.
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word-level tokenizer: {@code <pad>} = 0, {@code <unk>} = 1, then words by descending frequency (ties in
 * alphabetical order, so training is deterministic).
 *
 * <p>Example:
 * <pre>{@code
 * WordTokenizer tok = WordTokenizer.train(trainTexts, 20_000, 2, true);
 * BatchEncoding b = tok.encodeBatch(texts, PaddingOptions.longest(), TruncationOptions.of(200));
 * }</pre>
 */
public final class WordTokenizer extends HfTokenizer {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";

    private WordTokenizer(HfTokenizer pipeline) {
        super(pipeline);
    }

    /**
     * Builds the vocabulary from {@code texts}.
     *
     * @param maxWords     most words kept (besides {@code <pad>} and {@code <unk>})
     * @param minFrequency words seen fewer times map to {@code <unk>}
     * @param lowercase    lowercase before splitting
     */
    public static WordTokenizer train(Iterable<String> texts, int maxWords, int minFrequency, boolean lowercase) {
        Normalizers.Normalizer norm = lowercase ? new Normalizers.Lowercase() : null;
        PreTokenizers.PreTokenizer pre = new PreTokenizers.Whitespace();
        Map<String, Long> counts = BpeTrainer.countWords(texts, norm, pre);
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Long.compare(b.getValue(), a.getValue()));
        Map<String, Integer> vocab = new HashMap<>();
        vocab.put(PAD, 0);
        vocab.put(UNK, 1);
        for (Map.Entry<String, Long> e : entries) {
            if (vocab.size() - 2 >= maxWords || e.getValue() < minFrequency) break;
            vocab.putIfAbsent(e.getKey(), vocab.size());
        }
        List<AddedTokens.AddedToken> added = List.of(AddedTokens.AddedToken.special(0, PAD),
                AddedTokens.AddedToken.special(1, UNK));
        return new WordTokenizer(new HfTokenizer(norm, pre, new Models.WordLevel(vocab, UNK), null,
                new Decoders.WordPiece("##", true), added, PaddingOptions.longest().withPad(0, PAD), null));
    }
}
