// Sequences: turns variable-length token-id sequences into a rectangular batch (ids, attention mask, lengths),
// with Keras pad_sequences options for which side is padded and which side is cut.
package dev.kindling.data;

import dev.kindling.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/** Padding and truncation of id sequences. */
public final class Sequences {
    private Sequences() {}

    /** Which end of a sequence padding is added to, or tokens are removed from. */
    public enum Side {
        /** The start (left): Keras' {@code "pre"}. */
        PRE,
        /** The end (right): Keras' {@code "post"}, PyTorch's pad_sequence. */
        POST
    }

    /**
     * Pads (and truncates) to a rectangle with padding and truncation at the end, as PyTorch's
     * {@code pad_sequence(batch_first=True)} plus Hugging Face's default right truncation: the first {@code maxLen}
     * tokens are kept and pad ids follow the real ones. See {@link #padSequences(List, int, long, Side, Side)}.
     */
    public static Tensor[] padSequences(List<long[]> seqs, int maxLen, long padValue) {
        return padSequences(seqs, maxLen, padValue, Side.POST, Side.POST);
    }

    /**
     * Pads and truncates {@code seqs} to length {@code L}, which is {@code maxLen}, or the longest sequence when
     * {@code maxLen == -1}. Sequences longer than {@code L} lose tokens at the {@code truncating} side; shorter
     * ones get {@code padValue} on the {@code padding} side. Keras' own default is {@code (PRE, PRE)}.
     *
     * <p>Shape: returns {@code {ids int64 [N, L], mask bool [N, L] (true = real token), lengths int64 [N]}}; lengths
     * count the tokens kept.
     *
     * <p>Example: {@code padSequences(List.of(new long[] {5, 6, 7}, new long[] {8}), -1, 0, Side.POST, Side.POST)}
     * gives ids {@code [[5, 6, 7], [8, 0, 0]]}, mask {@code [[T, T, T], [T, F, F]]}, lengths {@code [3, 1]}.
     */
    public static Tensor[] padSequences(List<long[]> seqs, int maxLen, long padValue, Side padding, Side truncating) {
        if (seqs == null) throw new IllegalArgumentException("Sequences.padSequences: seqs is null");
        if (padding == null || truncating == null) throw new IllegalArgumentException("Sequences.padSequences: "
                + "padding and truncating sides must be given");
        if (maxLen < -1) throw new IllegalArgumentException("Sequences.padSequences: maxLen must be >= 0, or -1 for "
                + "the longest sequence, got " + maxLen);
        int n = seqs.size();
        int len = maxLen;
        if (len == -1) {
            len = 0;
            for (int i = 0; i < n; i++) len = Math.max(len, seq(seqs, i).length);
        }
        long[] ids = new long[n * len];
        boolean[] mask = new boolean[n * len];
        long[] lengths = new long[n];
        for (int i = 0; i < n; i++) {
            long[] s = seq(seqs, i);
            int keep = Math.min(s.length, len);
            int src = truncating == Side.PRE ? s.length - keep : 0; // PRE drops the first tokens
            int dst = padding == Side.PRE ? len - keep : 0;         // PRE puts the padding first
            int row = i * len;
            Arrays.fill(ids, row, row + len, padValue);
            System.arraycopy(s, src, ids, row + dst, keep);
            Arrays.fill(mask, row + dst, row + dst + keep, true);
            lengths[i] = keep;
        }
        return new Tensor[] {Tensor.ofLongs(ids, n, len), Tensor.ofBools(mask, n, len), Tensor.ofLongs(lengths, n)};
    }

    private static long[] seq(List<long[]> seqs, int i) {
        long[] s = seqs.get(i);
        if (s == null) throw new IllegalArgumentException("Sequences.padSequences: sequence " + i + " is null");
        return s;
    }
}
