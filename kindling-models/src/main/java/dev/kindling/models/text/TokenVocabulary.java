// TokenVocabulary: the word -> id table of a sequence model, with <pad> = 0 and <unk> = 1 reserved, built from
// tokenized training texts (core Vocabulary pruning: min document count, most frequent terms), turning texts into
// padded id batches, and saved as vocab.txt (one token per line, line number = id) beside the weights.
package dev.kindling.models.text;

import dev.kindling.data.Sequences;
import dev.kindling.io.AtomicFiles;
import dev.kindling.tensor.Tensor;
import dev.kindling.text.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token ids for embedding layers.
 *
 * <p>Example:
 * <pre>{@code
 * var vocab = TokenVocabulary.build(trainTokens, 2, 20_000);   // min 2 documents, at most 20k words + 2 specials
 * Tensor ids = vocab.encodeBatch(tokens, 300);                 // [N, L] int64, L <= 300, padded with 0
 * }</pre>
 */
public final class TokenVocabulary {
    public static final String PAD = "<pad>", UNK = "<unk>";
    public static final int PAD_ID = 0, UNK_ID = 1;

    private final List<String> tokens;   // id -> token; 0 and 1 are PAD and UNK
    private final Map<String, Integer> ids;

    private TokenVocabulary(List<String> tokens) {
        if (tokens.size() < 2 || !tokens.get(PAD_ID).equals(PAD) || !tokens.get(UNK_ID).equals(UNK))
            throw new IllegalArgumentException("TokenVocabulary: the first two tokens must be " + PAD + " and " + UNK
                    + ", got " + tokens.subList(0, Math.min(2, tokens.size())));
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.put(tokens.get(i), i) != null) throw new IllegalArgumentException("TokenVocabulary: token '"
                    + tokens.get(i) + "' appears twice (ids " + ids.get(tokens.get(i)) + " and " + i + ")");
        }
    }

    /**
     * The words found in at least {@code minCount} of {@code documents}, at most {@code maxSize} of them (the most
     * frequent), in alphabetical order after {@code <pad>} and {@code <unk>}.
     */
    public static TokenVocabulary build(List<List<String>> documents, int minCount, int maxSize) {
        Vocabulary v = Vocabulary.builder().minDf(minCount).maxFeatures(maxSize).build(documents);
        List<String> t = new ArrayList<>(v.size() + 2);
        t.add(PAD);
        t.add(UNK);
        for (String term : v.terms()) if (!term.equals(PAD) && !term.equals(UNK)) t.add(term);
        return new TokenVocabulary(t);
    }

    /** A vocabulary with exactly these tokens (ids in order); the first two must be {@code <pad>, <unk>}. */
    public static TokenVocabulary of(List<String> tokens) {
        return new TokenVocabulary(tokens);
    }

    /** Number of ids, specials included. */
    public int size() {
        return tokens.size();
    }

    /** The id of {@code token}, {@link #UNK_ID} when it is not in the vocabulary. */
    public int id(String token) {
        Integer i = ids.get(token);
        return i == null ? UNK_ID : i;
    }

    /** The token of {@code id}. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) throw new IndexOutOfBoundsException("TokenVocabulary.token: id " + id
                + " out of range for size " + tokens.size());
        return tokens.get(id);
    }

    /** All tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    /** The ids of the first {@code maxLength} tokens (unknown words map to {@code <unk>}). */
    public long[] encode(List<String> docTokens, int maxLength) {
        int n = Math.min(docTokens.size(), maxLength);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = id(docTokens.get(i));
        return out;
    }

    /**
     * Encodes and right-pads with {@link #PAD_ID}: the first {@code maxLength} tokens of each document.
     *
     * <p>Shape: returns int64 {@code [N, L]} with {@code L = min(maxLength, longest document)}, at least 1 (an empty
     * document is one padding position, which a {@link TextCNN} reads as an empty text).
     */
    public Tensor encodeBatch(List<List<String>> documents, int maxLength) {
        if (maxLength < 1) throw new IllegalArgumentException("TokenVocabulary.encodeBatch: maxLength must be >= 1, "
                + "got " + maxLength);
        List<long[]> seqs = new ArrayList<>(documents.size());
        int longest = 1;
        for (List<String> d : documents) {
            long[] s = encode(d, maxLength);
            seqs.add(s);
            longest = Math.max(longest, s.length);
        }
        return Sequences.padSequences(seqs, longest, PAD_ID)[0];   // [N, L]
    }

    /** Writes one token per line (line i = id i), atomically. Tokens must not contain line breaks. */
    public void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            if (t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) throw new IllegalArgumentException(
                    "TokenVocabulary.save: token '" + t + "' holds a line break and can not be written to " + file);
            sb.append(t).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Reads a file written by {@link #save}. */
    public static TokenVocabulary load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            return new TokenVocabulary(lines);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a vocabulary file: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TokenVocabulary(" + tokens.size() + " tokens: " + tokens.subList(0, Math.min(6, tokens.size()))
                + (tokens.size() > 6 ? "...)" : ")");
    }
}
