// BpeTrainer: learns a byte-level BPE vocabulary from text the way Hugging Face's BpeTrainer does (word
// counts from the GPT-2 pre-tokenizer, the 256-byte alphabet, then repeatedly merging the most frequent pair,
// ties to the smallest pair ids), producing an HfTokenizer that saves as tokenizer.json. The merge loop is
// shared with WordPieceTrainer.
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Byte-level BPE trainer (GPT-2 style).
 *
 * <p>Example:
 * <pre>{@code
 * HfTokenizer tok = BpeTrainer.builder().vocabSize(1000).minFrequency(2)
 *         .specialTokens(List.of("<|endoftext|>")).build().train(texts);
 * tok.save(Path.of("tokenizer.json"));
 * }</pre>
 */
public final class BpeTrainer {
    private final int vocabSize;
    private final int minFrequency;
    private final List<String> specialTokens;

    private BpeTrainer(Builder b) {
        this.vocabSize = b.vocabSize;
        this.minFrequency = b.minFrequency;
        this.specialTokens = List.copyOf(b.specialTokens);
    }

    /** A builder with vocabSize 30000, minFrequency 2, no special tokens. */
    public static Builder builder() {
        return new Builder();
    }

    /** Trainer settings. */
    public static final class Builder {
        private int vocabSize = 30_000;
        private int minFrequency = 2;
        private List<String> specialTokens = List.of();

        /** Final vocabulary size, special tokens and the 256 byte tokens included. */
        public Builder vocabSize(int n) {
            if (n <= 0) throw new IllegalArgumentException("BpeTrainer: vocabSize must be > 0, got " + n);
            this.vocabSize = n;
            return this;
        }

        /** A pair is merged only if it occurs at least this often. */
        public Builder minFrequency(int n) {
            this.minFrequency = n;
            return this;
        }

        /** Special tokens, given the first ids in this order (e.g. {@code <|endoftext|>} gets id 0). */
        public Builder specialTokens(List<String> tokens) {
            this.specialTokens = List.copyOf(tokens);
            return this;
        }

        public BpeTrainer build() {
            return new BpeTrainer(this);
        }
    }

    /** Trains on {@code texts} and returns the tokenizer (ByteLevel pre-tokenizer and decoder, BPE model). */
    public HfTokenizer train(Iterable<String> texts) {
        PreTokenizers.ByteLevelSplit pre = new PreTokenizers.ByteLevelSplit(false, true, true);
        Map<String, Long> counts = countWords(texts, null, pre);
        List<String> vocab = new ArrayList<>(specialTokens);
        for (String c : ByteLevel.alphabet()) if (!vocab.contains(c)) vocab.add(c);
        Result r = learnMerges(counts, vocab, null, vocabSize, minFrequency);
        List<AddedTokens.AddedToken> added = new ArrayList<>();
        for (int i = 0; i < specialTokens.size(); i++) added.add(AddedTokens.AddedToken.special(i, specialTokens.get(i)));
        BpeModel model = new BpeModel(r.vocab, r.merges, null, null, null, false, false, false);
        return new HfTokenizer(null, pre, model, null, new Decoders.ByteLevelDecoder(), added, null, null);
    }

    /** Word counts of the pre-tokenized (and normalized) texts, in sorted order for determinism. */
    static Map<String, Long> countWords(Iterable<String> texts, Normalizers.Normalizer normalizer,
                                        PreTokenizers.PreTokenizer pre) {
        Map<String, Long> counts = new HashMap<>();
        List<NormalizedText> words = new ArrayList<>();
        for (String text : texts) {
            NormalizedText n = NormalizedText.of(text, 0);
            if (normalizer != null) n = normalizer.normalize(n);
            words.clear();
            pre.split(n, words);
            for (NormalizedText w : words) counts.merge(w.text, 1L, Long::sum);
        }
        return new TreeMap<>(counts);
    }

    /** Learned vocabulary (token -> id) and merges. */
    record Result(Map<String, Integer> vocab, List<String[]> merges) {
    }

    /**
     * HF's BPE training loop. {@code initial} holds the tokens with the first ids (special tokens, alphabet);
     * with a {@code prefix} (WordPiece's "##"), non-initial chars of a word are {@code prefix + char}.
     */
    static Result learnMerges(Map<String, Long> wordCounts, List<String> initial, String prefix, int vocabSize,
                              int minFrequency) {
        List<String> idToWord = new ArrayList<>(initial);
        Map<String, Integer> wordToId = new HashMap<>();
        for (int i = 0; i < idToWord.size(); i++) wordToId.put(idToWord.get(i), i);
        // words as symbol-id arrays
        int nw = wordCounts.size();
        int[][] words = new int[nw][];
        long[] counts = new long[nw];
        int w = 0;
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            String word = e.getKey();
            int[] sym = new int[word.codePointCount(0, word.length())];
            int k = 0;
            for (int i = 0; i < word.length(); ) {
                int cp = word.codePointAt(i);
                String s = Character.toString(cp);
                if (wordToId.containsKey(s)) {
                    if (prefix != null && i > 0) s = prefix + s;
                    Integer id = wordToId.get(s);
                    if (id == null) {
                        id = idToWord.size();
                        idToWord.add(s);
                        wordToId.put(s, id);
                    }
                    sym[k++] = id;
                }
                i += Character.charCount(cp);
            }
            words[w] = java.util.Arrays.copyOf(sym, k);
            counts[w] = e.getValue();
            w++;
        }
        // pair counts and where each pair occurs
        Map<Long, long[]> pairCounts = new HashMap<>();
        Map<Long, java.util.BitSet> where = new HashMap<>();
        for (int i = 0; i < nw; i++) {
            int[] s = words[i];
            for (int j = 0; j + 1 < s.length; j++) {
                long key = (long) s[j] << 32 | s[j + 1];
                pairCounts.computeIfAbsent(key, x -> new long[1])[0] += counts[i];
                where.computeIfAbsent(key, x -> new java.util.BitSet()).set(i);
            }
        }
        // max-heap on (count desc, pair asc); stale counts are refreshed when popped
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0])
                : Long.compare(a[1], b[1]));
        for (Map.Entry<Long, long[]> e : pairCounts.entrySet()) {
            if (e.getValue()[0] > 0) queue.add(new long[] {e.getValue()[0], e.getKey()});
        }
        List<String[]> merges = new ArrayList<>();
        while (idToWord.size() < vocabSize && !queue.isEmpty()) {
            long[] top = queue.poll();
            long current = pairCounts.get(top[1])[0];
            if (top[0] != current) {
                top[0] = current;
                queue.add(top);
                continue;
            }
            if (top[0] < 1 || top[0] < minFrequency) break;
            int a = (int) (top[1] >>> 32), b = (int) top[1];
            String partA = idToWord.get(a), partB = idToWord.get(b);
            String newToken = partA + (prefix != null && partB.startsWith(prefix) ? partB.substring(prefix.length())
                    : partB);
            Integer newId = wordToId.get(newToken);
            if (newId == null) {
                newId = idToWord.size();
                idToWord.add(newToken);
                wordToId.put(newToken, newId);
            }
            merges.add(new String[] {partA, partB});
            java.util.BitSet ws = where.get(top[1]);
            java.util.Set<Long> grown = new java.util.LinkedHashSet<>();
            for (int i = ws.nextSetBit(0); i >= 0; i = ws.nextSetBit(i + 1)) {
                words[i] = mergeWord(words[i], a, b, newId, counts[i], i, pairCounts, where, grown);
            }
            for (long key : grown) {
                long c = pairCounts.get(key)[0];
                if (c > 0) queue.add(new long[] {c, key});
            }
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (int i = 0; i < idToWord.size(); i++) vocab.put(idToWord.get(i), i);
        return new Result(vocab, merges);
    }

    /** Replaces each (a, b) in {@code s} by {@code merged} left to right, updating pair counts by {@code count}. */
    private static int[] mergeWord(int[] s, int a, int b, int merged, long count, int wordIndex,
                                   Map<Long, long[]> pairCounts, Map<Long, java.util.BitSet> where,
                                   java.util.Set<Long> grown) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; ) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                if (n > 0) { // (prev, a) -> (prev, merged)
                    add(pairCounts, where, grown, out[n - 1], a, -count, wordIndex);
                    add(pairCounts, where, grown, out[n - 1], merged, count, wordIndex);
                }
                add(pairCounts, where, grown, a, b, -count, wordIndex);
                if (i + 2 < s.length) { // (b, next) -> (merged, next)
                    add(pairCounts, where, grown, b, s[i + 2], -count, wordIndex);
                    add(pairCounts, where, grown, merged, s[i + 2], count, wordIndex);
                }
                out[n++] = merged;
                i += 2;
            } else {
                out[n++] = s[i++];
            }
        }
        return n == s.length ? s : java.util.Arrays.copyOf(out, n);
    }

    private static void add(Map<Long, long[]> pairCounts, Map<Long, java.util.BitSet> where, java.util.Set<Long> grown,
                            int x, int y, long delta, int wordIndex) {
        long key = (long) x << 32 | y;
        pairCounts.computeIfAbsent(key, k -> new long[1])[0] += delta;
        if (delta > 0) {
            where.computeIfAbsent(key, k -> new java.util.BitSet()).set(wordIndex);
            grown.add(key);
        }
    }
}
