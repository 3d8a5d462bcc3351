// Encoding: the result of tokenizing one sequence (or pair): ids plus the per-token metadata a model needs
// (type ids, attention mask, special-token mask) and offsets back into the input text. Also holds the
// truncation and padding arithmetic shared by every tokenizer.
package dev.kindling.models.tokenizers;

import java.util.Arrays;

/**
 * One encoded sequence. All arrays have the same length (one entry per token).
 *
 * @param ids               token ids
 * @param tokens            vocabulary strings of the ids (e.g. {@code "Ġworld"}, {@code "##s"}, {@code "[CLS]"})
 * @param typeIds           segment ids (0 for the first sequence, 1 for the second of a pair)
 * @param attentionMask     1 for real tokens, 0 for padding
 * @param specialTokensMask 1 for tokens added by post-processing or padding ({@code [CLS]}, {@code [PAD]}), else 0
 * @param offsets           {@code [start, end)} UTF-16 char offsets of each token in its input string
 *                          ({@code [0, 0]} for added special tokens and padding)
 */
public record Encoding(int[] ids, String[] tokens, int[] typeIds, int[] attentionMask, int[] specialTokensMask,
                       int[][] offsets) {

    public Encoding {
        int n = ids.length;
        if (tokens.length != n || typeIds.length != n || attentionMask.length != n || specialTokensMask.length != n
                || offsets.length != n) {
            throw new IllegalArgumentException("Encoding: all arrays must have one entry per token; got ids="
                    + n + " tokens=" + tokens.length + " typeIds=" + typeIds.length + " attentionMask="
                    + attentionMask.length + " specialTokensMask=" + specialTokensMask.length + " offsets="
                    + offsets.length);
        }
    }

    /** An encoding with no tokens. */
    public static Encoding empty() {
        return new Encoding(new int[0], new String[0], new int[0], new int[0], new int[0], new int[0][]);
    }

    /** Number of tokens (padding included). */
    public int length() {
        return ids.length;
    }

    /** The ids as longs (for {@code Tensor.ofLongs}). */
    public long[] idsAsLongs() {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = ids[i];
        return out;
    }

    /** The first {@code n} tokens (or all when {@code n >= length()}). */
    public Encoding truncate(int n) {
        return slice(0, Math.min(n, length()));
    }

    /** The last {@code n} tokens (or all when {@code n >= length()}). */
    public Encoding truncateLeft(int n) {
        int len = length();
        return slice(Math.max(0, len - n), len);
    }

    /** Tokens {@code [from, to)}. */
    public Encoding slice(int from, int to) {
        return new Encoding(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(tokens, from, to),
                Arrays.copyOfRange(typeIds, from, to), Arrays.copyOfRange(attentionMask, from, to),
                Arrays.copyOfRange(specialTokensMask, from, to), Arrays.copyOfRange(offsets, from, to));
    }

    /** This encoding followed by {@code other}. */
    public Encoding concat(Encoding other) {
        int n = length(), m = other.length();
        int[][] off = Arrays.copyOf(offsets, n + m);
        System.arraycopy(other.offsets, 0, off, n, m);
        String[] tok = Arrays.copyOf(tokens, n + m);
        System.arraycopy(other.tokens, 0, tok, n, m);
        return new Encoding(cat(ids, other.ids), tok, cat(typeIds, other.typeIds),
                cat(attentionMask, other.attentionMask), cat(specialTokensMask, other.specialTokensMask), off);
    }

    /** A copy with every type id set to {@code typeId}. */
    public Encoding withTypeId(int typeId) {
        int[] t = new int[length()];
        Arrays.fill(t, typeId);
        return new Encoding(ids, tokens, t, attentionMask, specialTokensMask, offsets);
    }

    /**
     * Pads to {@code targetLength} tokens (no-op when already that long or longer).
     *
     * @param left pad on the left (decoder-only models in batched generation) instead of the right
     */
    public Encoding pad(int targetLength, int padId, String padToken, int padTypeId, boolean left) {
        int n = length();
        if (n >= targetLength) return this;
        int p = targetLength - n;
        int[] pid = new int[p], ptype = new int[p], pmask = new int[p], pspecial = new int[p];
        String[] ptok = new String[p];
        int[][] poff = new int[p][];
        Arrays.fill(pid, padId);
        Arrays.fill(ptype, padTypeId);
        Arrays.fill(pspecial, 1);
        Arrays.fill(ptok, padToken);
        for (int i = 0; i < p; i++) poff[i] = new int[] {0, 0};
        Encoding pad = new Encoding(pid, ptok, ptype, pmask, pspecial, poff);
        return left ? pad.concat(this) : concat(pad);
    }

    private static int[] cat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(tokens, e.tokens)
                && Arrays.equals(typeIds, e.typeIds) && Arrays.equals(attentionMask, e.attentionMask)
                && Arrays.equals(specialTokensMask, e.specialTokensMask) && Arrays.deepEquals(offsets, e.offsets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Encoding[ids=" + Arrays.toString(ids) + ", tokens=" + Arrays.toString(tokens) + "]";
    }
}
