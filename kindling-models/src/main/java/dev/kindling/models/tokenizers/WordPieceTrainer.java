// WordPieceTrainer: learns a BERT WordPiece vocabulary like Hugging Face's WordPieceTrainer (BPE merges over
// BERT-normalized words, non-initial pieces prefixed "##"), giving the standard BERT pipeline.
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * WordPiece vocabulary trainer.
 *
 * <p>Example:
 * <pre>{@code
 * WordPieceTokenizer tok = WordPieceTrainer.builder().vocabSize(8000).build().train(texts);
 * tok.save(Path.of("tokenizer.json"));
 * }</pre>
 */
public final class WordPieceTrainer {
    private final int vocabSize;
    private final int minFrequency;
    private final List<String> specialTokens;
    private final boolean lowercase;

    private WordPieceTrainer(Builder b) {
        this.vocabSize = b.vocabSize;
        this.minFrequency = b.minFrequency;
        this.specialTokens = List.copyOf(b.specialTokens);
        this.lowercase = b.lowercase;
    }

    /** vocabSize 30000, minFrequency 2, BERT special tokens, lowercase. */
    public static Builder builder() {
        return new Builder();
    }

    /** Trainer settings. */
    public static final class Builder {
        private int vocabSize = 30_000;
        private int minFrequency = 2;
        private List<String> specialTokens = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");
        private boolean lowercase = true;

        /** Final vocabulary size (special tokens and single chars included). */
        public Builder vocabSize(int n) {
            if (n <= 0) throw new IllegalArgumentException("WordPieceTrainer: vocabSize must be > 0, got " + n);
            this.vocabSize = n;
            return this;
        }

        /** A pair is merged only if it occurs at least this often. */
        public Builder minFrequency(int n) {
            this.minFrequency = n;
            return this;
        }

        /** Special tokens (first ids); must include [CLS], [SEP] and [UNK]. */
        public Builder specialTokens(List<String> tokens) {
            this.specialTokens = List.copyOf(tokens);
            return this;
        }

        /** Lowercase and strip accents (uncased); false keeps case. */
        public Builder lowercase(boolean b) {
            this.lowercase = b;
            return this;
        }

        public WordPieceTrainer build() {
            return new WordPieceTrainer(this);
        }
    }

    /** Trains on {@code texts}. */
    public WordPieceTokenizer train(Iterable<String> texts) {
        Normalizers.Normalizer norm = new Normalizers.Bert(true, true, null, lowercase);
        Map<String, Long> counts = BpeTrainer.countWords(texts, norm, new PreTokenizers.BertSplit());
        TreeSet<Integer> alphabet = new TreeSet<>();
        for (String w : counts.keySet()) w.codePoints().forEach(alphabet::add);
        List<String> initial = new ArrayList<>(specialTokens);
        for (int cp : alphabet) {
            String s = Character.toString(cp);
            if (!initial.contains(s)) initial.add(s);
        }
        BpeTrainer.Result r = BpeTrainer.learnMerges(counts, initial, "##", vocabSize, minFrequency);
        return WordPieceTokenizer.fromVocab(r.vocab(), lowercase);
    }
}
