// NormalizedText: a piece of text being transformed by normalizers and pre-tokenizers, with, for every UTF-16
// char, the [start, end) range of the original input it came from, so token offsets point into the user's
// string. Identity alignment (the common case) is stored as a base offset, without per-char arrays.
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Immutable text with an alignment to the original input (UTF-16 char offsets). */
final class NormalizedText {
    final String text;
    private final int base;      // identity alignment: char i comes from original [base + i, base + i + 1)
    private final int[] starts;  // else: char i comes from original [starts[i], ends[i])
    private final int[] ends;

    private NormalizedText(String text, int base, int[] starts, int[] ends) {
        this.text = text;
        this.base = base;
        this.starts = starts;
        this.ends = ends;
    }

    /** {@code text} aligned to itself, shifted by {@code base} (its position in the original input). */
    static NormalizedText of(String text, int base) {
        return new NormalizedText(text, base, null, null);
    }

    int length() {
        return text.length();
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    /** Original start of char {@code i}. */
    int start(int i) {
        return starts == null ? base + i : starts[i];
    }

    /** Original end of char {@code i}. */
    int end(int i) {
        return ends == null ? base + i + 1 : ends[i];
    }

    /** Original {@code [start, end)} of chars {@code [from, to)}; an empty range maps to the position before. */
    int[] originalRange(int from, int to) {
        if (text.isEmpty()) return new int[] {base, base};
        if (from >= to) {
            int p = from < text.length() ? start(from) : end(text.length() - 1);
            return new int[] {p, p};
        }
        return new int[] {start(from), end(to - 1)};
    }

    /** Chars {@code [from, to)} with their alignment. */
    NormalizedText sub(int from, int to) {
        if (from == 0 && to == text.length()) return this;
        String s = text.substring(from, to);
        if (starts == null) return new NormalizedText(s, base + from, null, null);
        return new NormalizedText(s, 0, Arrays.copyOfRange(starts, from, to), Arrays.copyOfRange(ends, from, to));
    }

    /** The same alignment over a replacement text of equal length (a char-for-char substitution). */
    NormalizedText withSameLengthText(String replacement) {
        if (replacement.length() != text.length()) throw new IllegalArgumentException("length mismatch");
        return new NormalizedText(replacement, base, starts, ends);
    }

    /** Pieces split at the given ranges: {@code ranges[2k], ranges[2k+1]} are the [from, to) of piece k. */
    List<NormalizedText> pieces(int[] ranges, int count) {
        List<NormalizedText> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int a = ranges[2 * k], b = ranges[2 * k + 1];
            if (b > a) out.add(sub(a, b));
        }
        return out;
    }

    /** Builds a transformed text, each appended char carrying the original range of the char(s) it came from. */
    static final class Builder {
        private final StringBuilder sb;
        private int[] starts;
        private int[] ends;

        Builder(int capacity) {
            sb = new StringBuilder(capacity);
            starts = new int[Math.max(4, capacity)];
            ends = new int[Math.max(4, capacity)];
        }

        /** Appends {@code s}, all of whose chars come from original {@code [start, end)}. */
        Builder append(CharSequence s, int start, int end) {
            for (int i = 0; i < s.length(); i++) append(s.charAt(i), start, end);
            return this;
        }

        Builder append(char c, int start, int end) {
            int n = sb.length();
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
                ends = Arrays.copyOf(ends, n * 2);
            }
            starts[n] = start;
            ends[n] = end;
            sb.append(c);
            return this;
        }

        /** Appends chars {@code [from, to)} of {@code src} with their own alignment. */
        Builder appendFrom(NormalizedText src, int from, int to) {
            for (int i = from; i < to; i++) append(src.text.charAt(i), src.start(i), src.end(i));
            return this;
        }

        NormalizedText build(int emptyBase) {
            int n = sb.length();
            if (n == 0) return NormalizedText.of("", emptyBase);
            return new NormalizedText(sb.toString(), 0, Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
        }
    }

    /** Original position used for an empty result (so offsets of nothing stay in place). */
    int emptyBase() {
        return text.isEmpty() ? base : start(0);
    }

    /**
     * Maps every code point through {@code f} (which may return "" to delete, or several chars); the output
     * chars inherit the original range of the code point. Returns {@code this} when nothing changes.
     */
    NormalizedText mapCodePoints(java.util.function.IntFunction<String> f) {
        int n = text.length();
        Builder b = null;
        for (int i = 0; i < n; ) {
            int cp = text.codePointAt(i);
            int len = Character.charCount(cp);
            String r = f.apply(cp);
            boolean same = r == null;
            if (!same && b == null) {
                b = new Builder(n + 8);
                b.appendFrom(this, 0, i);
            }
            if (b != null) {
                if (same) b.appendFrom(this, i, i + len);
                else b.append(r, start(i), end(i + len - 1));
            }
            i += len;
        }
        return b == null ? this : b.build(emptyBase());
    }

    @Override
    public String toString() {
        return text;
    }
}
