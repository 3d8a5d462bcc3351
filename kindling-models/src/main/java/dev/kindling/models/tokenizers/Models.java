// Models: the tokenization model stage (word -> sub-word ids) shared interface, its tokenizer.json parsing,
// the vocabulary base class and per-word cache all models share, and the simplest model, WordLevel (one id per
// whole word). BPE and WordPiece live in their own files.
package dev.kindling.models.tokenizers;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Tokenization models as in Hugging Face {@code tokenizers.models}. */
final class Models {
    private Models() {
    }

    /** Ids of one word with each token's char range {@code [starts[i], ends[i])} inside the word. */
    record Tokens(int[] ids, int[] starts, int[] ends) {
        static Tokens single(int id, int length) {
            return new Tokens(new int[] {id}, new int[] {0}, new int[] {length});
        }

        static final Tokens EMPTY = new Tokens(new int[0], new int[0], new int[0]);
    }

    /** A model's per-word results; bounded: once it holds CAPACITY words, new words are computed but not kept. */
    static final class WordCache {
        private static final int CAPACITY = 100_000;

        private final ConcurrentHashMap<String, Tokens> map = new ConcurrentHashMap<>();
        private final Function<String, Tokens> compute;

        WordCache(Function<String, Tokens> compute) {
            this.compute = compute;
        }

        Tokens tokens(String word) {
            Tokens cached = map.get(word);
            if (cached != null) return cached;
            Tokens t = compute.apply(word);
            if (map.size() < CAPACITY) map.put(word, t);
            return t;
        }
    }

    /** A word-to-ids model. Implementations are thread-safe. */
    interface Model {
        Tokens tokenize(String word);

        Integer tokenToId(String token);

        /** Token of {@code id}, or null when the model has no such id. */
        String idToToken(int id);

        /** Largest id + 1. */
        int vocabSize();

        /** Token -> id, in id order. */
        Map<String, Integer> vocab();

        Map<String, Object> toJson();
    }

    static Model fromJson(Object json) {
        if (json == null) throw new TokenizerFormatException("tokenizer.json: missing \"model\" (expected an object"
                + " with \"type\": BPE, WordPiece or WordLevel)");
        Map<String, Object> m = JsonFields.object(json, "model");
        String type = m.get("type") instanceof String s ? s
                : m.containsKey("merges") ? "BPE"
                : m.containsKey("max_input_chars_per_word") || m.containsKey("continuing_subword_prefix") ? "WordPiece"
                : m.get("vocab") instanceof List ? "Unigram" : "WordLevel";
        return switch (type) {
            case "BPE" -> BpeModel.fromJson(m);
            case "WordPiece" -> WordPieceModel.fromJson(m);
            case "WordLevel" -> new WordLevel(readVocab(m, "model.vocab"),
                    JsonFields.optString(m, "unk_token", "model"));
            default -> throw new TokenizerFormatException("tokenizer.json: unsupported model type \"" + type
                    + "\" in \"model.type\" (supported: BPE, WordPiece, WordLevel)");
        };
    }

    /** Reads {@code model.vocab} (token -> id object), checking the ids. */
    static Map<String, Integer> readVocab(Map<String, Object> m, String where) {
        Object v = m.get("vocab");
        if (v == null) throw new TokenizerFormatException("tokenizer.json: missing \"" + where + "\" (expected an"
                + " object mapping token -> id)");
        Map<String, Object> raw = JsonFields.object(v, where);
        Map<String, Integer> vocab = new HashMap<>(raw.size() * 2);
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            vocab.put(e.getKey(), JsonFields.integer(e.getValue(), where + "[\"" + e.getKey() + "\"]"));
        }
        return vocab;
    }

    /** id -> token table of {@code vocab} (null for unused ids). */
    static String[] invert(Map<String, Integer> vocab) {
        int max = -1;
        for (int id : vocab.values()) max = Math.max(max, id);
        String[] out = new String[max + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) out[e.getValue()] = e.getKey();
        return out;
    }

    /** {@code vocab} as an id-ordered LinkedHashMap (for tokenizer.json output). */
    static Map<String, Integer> ordered(String[] idToToken) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < idToToken.length; i++) if (idToToken[i] != null) m.put(idToToken[i], i);
        return m;
    }

    /**
     * A model over a token -> id vocabulary: holds the map and its inverse and answers the vocabulary lookups
     * of {@link Model}; subclasses add tokenization and their tokenizer.json form.
     */
    abstract static class VocabModel implements Model {
        final Map<String, Integer> vocab;
        private final String[] tokens;

        /** {@code vocab} is kept as given (callers pass their own copy). */
        VocabModel(Map<String, Integer> vocab) {
            this.vocab = vocab;
            this.tokens = invert(vocab);
        }

        @Override
        public Integer tokenToId(String token) {
            return vocab.get(token);
        }

        @Override
        public String idToToken(int id) {
            return id >= 0 && id < tokens.length ? tokens[id] : null;
        }

        @Override
        public int vocabSize() {
            return tokens.length;
        }

        @Override
        public Map<String, Integer> vocab() {
            return ordered(tokens);
        }
    }

    /** One id per whole word; unknown words map to {@code unkToken}. */
    static final class WordLevel extends VocabModel {
        private final String unkToken;

        WordLevel(Map<String, Integer> vocab, String unkToken) {
            super(Map.copyOf(vocab));
            this.unkToken = unkToken;
        }

        @Override
        public Tokens tokenize(String word) {
            Integer id = vocab.get(word);
            if (id == null) {
                id = unkToken == null ? null : vocab.get(unkToken);
                if (id == null) throw new IllegalArgumentException("WordLevel: word \"" + word + "\" is not in the"
                        + " vocabulary and the unk token " + (unkToken == null ? "is not set" : "\"" + unkToken
                        + "\" is missing from it"));
            }
            return Tokens.single(id, word.length());
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("WordLevel");
            m.put("vocab", vocab());
            m.put("unk_token", unkToken);
            return m;
        }
    }
}
