// WordPieceModel: BERT's greedy longest-match-first sub-word model ("unaffable" -> un ##aff ##able), with the
// unknown-token and max-word-length rules of Hugging Face and a per-word cache.
package dev.kindling.models.tokenizers;

import java.util.Map;

/** WordPiece model (HF {@code models.WordPiece}). */
final class WordPieceModel extends Models.VocabModel {
    final String unkToken;
    final String prefix;
    final int maxInputCharsPerWord;
    private final Models.WordCache cache = new Models.WordCache(this::compute);

    WordPieceModel(Map<String, Integer> vocab, String unkToken, String prefix, int maxInputCharsPerWord) {
        super(new java.util.HashMap<>(vocab));
        this.unkToken = unkToken;
        this.prefix = prefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
    }

    static WordPieceModel fromJson(Map<String, Object> m) {
        return new WordPieceModel(Models.readVocab(m, "model.vocab"),
                m.containsKey("unk_token") ? JsonFields.string(m, "unk_token", "model") : "[UNK]",
                m.containsKey("continuing_subword_prefix") ? JsonFields.string(m, "continuing_subword_prefix", "model")
                        : "##",
                JsonFields.integer(m, "max_input_chars_per_word", 100));
    }

    @Override
    public Models.Tokens tokenize(String word) {
        return cache.tokens(word);
    }

    private Models.Tokens compute(String word) {
        int n = word.length();
        if (word.codePointCount(0, n) > maxInputCharsPerWord) return unk(n);
        int[] ids = new int[Math.min(n, 16)], starts = new int[ids.length], ends = new int[ids.length];
        int count = 0, start = 0;
        StringBuilder sb = new StringBuilder(prefix.length() + n);
        while (start < n) {
            int end = n;
            Integer found = null;
            while (start < end) {
                sb.setLength(0);
                if (start > 0) sb.append(prefix);
                sb.append(word, start, end);
                found = vocab.get(sb.toString());
                if (found != null) break;
                end -= Character.isLowSurrogate(word.charAt(end - 1)) && end - 2 >= start ? 2 : 1;
            }
            if (found == null) return unk(n);
            if (count == ids.length) {
                ids = java.util.Arrays.copyOf(ids, count * 2);
                starts = java.util.Arrays.copyOf(starts, count * 2);
                ends = java.util.Arrays.copyOf(ends, count * 2);
            }
            ids[count] = found;
            starts[count] = start;
            ends[count] = end;
            count++;
            start = end;
        }
        return new Models.Tokens(java.util.Arrays.copyOf(ids, count), java.util.Arrays.copyOf(starts, count),
                java.util.Arrays.copyOf(ends, count));
    }

    private Models.Tokens unk(int length) {
        Integer id = vocab.get(unkToken);
        if (id == null) throw new IllegalStateException("WordPiece: the unk token \"" + unkToken
                + "\" is not in the vocabulary, so an unknown word cannot be encoded");
        return Models.Tokens.single(id, length);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = JsonFields.typed("WordPiece");
        m.put("unk_token", unkToken);
        m.put("continuing_subword_prefix", prefix);
        m.put("max_input_chars_per_word", maxInputCharsPerWord);
        m.put("vocab", vocab());
        return m;
    }
}
