// ByteLevel: GPT-2's reversible byte <-> printable-char alphabet and a hand-written scanner for its
// pre-tokenizer regex, so splitting behaves exactly like the Python/Rust regex (Unicode White_Space for \s,
// backtracking "\s+(?!\S)") without java.util.regex's cost on megabytes of text.
package dev.kindling.models.tokenizers;

import java.nio.charset.StandardCharsets;

/** GPT-2 byte-level alphabet and pre-tokenizer split. */
final class ByteLevel {
    private ByteLevel() {
    }

    /** The GPT-2 pre-tokenizer regex, as Hugging Face writes it. */
    static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** Byte value b is written as char BYTE_TO_CHAR[b]; printable Latin-1 bytes map to themselves. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** Inverse of BYTE_TO_CHAR: char -> byte, or -1 for chars outside the alphabet. */
    static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    /** The 256 alphabet chars, sorted by code point (the order HF's BPE trainer gives them ids). */
    static String[] alphabet() {
        char[] cs = BYTE_TO_CHAR.clone();
        java.util.Arrays.sort(cs);
        String[] out = new String[256];
        for (int i = 0; i < 256; i++) out[i] = String.valueOf(cs[i]);
        return out;
    }

    /** Maps a piece's UTF-8 bytes to alphabet chars; each output char keeps its code point's original range. */
    static NormalizedText toByteChars(NormalizedText t) {
        String s = t.text;
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) ascii = s.charAt(i) < 0x80;
        if (ascii) {
            char[] out = new char[n];
            for (int i = 0; i < n; i++) out[i] = BYTE_TO_CHAR[s.charAt(i)];
            return t.withSameLengthText(new String(out));
        }
        NormalizedText.Builder b = new NormalizedText.Builder(n * 3);
        byte[] buf = new byte[4];
        for (int i = 0; i < n; ) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            int nb = utf8(cp, buf);
            int st = t.start(i), en = t.end(i + len - 1);
            for (int k = 0; k < nb; k++) b.append(BYTE_TO_CHAR[buf[k] & 0xFF], st, en);
            i += len;
        }
        return b.build(t.emptyBase());
    }

    private static int utf8(int cp, byte[] out) {
        if (cp < 0x80) {
            out[0] = (byte) cp;
            return 1;
        } else if (cp < 0x800) {
            out[0] = (byte) (0xC0 | cp >> 6);
            out[1] = (byte) (0x80 | cp & 0x3F);
            return 2;
        } else if (cp < 0x10000) {
            if (cp >= 0xD800 && cp <= 0xDFFF) { // lone surrogate: encode U+FFFD like a lossy UTF-8 encoder
                return utf8(0xFFFD, out);
            }
            out[0] = (byte) (0xE0 | cp >> 12);
            out[1] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[2] = (byte) (0x80 | cp & 0x3F);
            return 3;
        }
        out[0] = (byte) (0xF0 | cp >> 18);
        out[1] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[2] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[3] = (byte) (0x80 | cp & 0x3F);
        return 4;
    }

    /** Bytes of alphabet chars back to text (invalid UTF-8 becomes U+FFFD, like Rust's from_utf8_lossy). */
    static String decode(CharSequence byteChars) {
        byte[] bytes = new byte[byteChars.length()];
        int n = 0;
        StringBuilder passthrough = null;
        for (int i = 0; i < byteChars.length(); i++) {
            char c = byteChars.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b >= 0) {
                bytes[n++] = (byte) b;
            } else { // a char outside the alphabet (e.g. an added token): keep it as its own UTF-8
                byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (n + enc.length > bytes.length) bytes = java.util.Arrays.copyOf(bytes, bytes.length + enc.length + 16);
                for (byte e : enc) bytes[n++] = e;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- GPT-2 regex scanner

    private static final byte OTHER = 0, LETTER = 1, NUMBER = 2, SPACE = 3;
    private static final byte[] ASCII_CLASS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII_CLASS[c] = Character.isLetter(c) ? LETTER : Character.isDigit(c) ? NUMBER
                    : Normalizers.isWhitespace(c) ? SPACE : OTHER;
        }
    }

    private static byte cls(int cp) {
        if (cp < 128) return ASCII_CLASS[cp];
        if (Character.isLetter(cp)) return LETTER;
        int t = Character.getType(cp);
        if (t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER) {
            return NUMBER;
        }
        return Normalizers.isWhitespace(cp) ? SPACE : OTHER;
    }

    /**
     * Match ranges of the GPT-2 regex over {@code s}, as {@code [from0, to0, from1, to1, ...]}; returns the
     * number of matches. The matches cover the whole string (every char belongs to some alternative).
     */
    static int gpt2Matches(String s, IntPairs out) {
        int n = s.length();
        int i = 0, count = 0;
        while (i < n) {
            int end = matchAt(s, i, n);
            out.add(i, end);
            count++;
            i = end;
        }
        return count;
    }

    private static int cpAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? s.codePointAt(i) : c;
    }

    /** End of the GPT-2 regex match starting at {@code i} (alternatives tried in order, like a backtracking engine). */
    private static int matchAt(String s, int i, int n) {
        char c = s.charAt(i);
        // 's 't 're 've 'm 'll 'd
        if (c == '\'' && i + 1 < n) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') return i + 2;
            if (i + 2 < n) {
                char e = s.charAt(i + 2);
                if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) return i + 3;
            }
        }
        int j = i;
        if (c == ' ' && i + 1 < n) j = i + 1; // optional leading space of the next three alternatives
        int cp = cpAt(s, j);
        byte k = cls(cp);
        if (j > i || k != SPACE) {
            if (k == LETTER || k == NUMBER) return run(s, j, n, k);
            if (k == OTHER) return runOther(s, j, n);
            // j > i and s[j] is whitespace: fall through to the whitespace alternatives from i
        }
        // \s+(?!\S) then \s+
        int e = i;
        while (e < n) {
            int q = cpAt(s, e);
            if (cls(q) != SPACE) break;
            e += Character.charCount(q);
        }
        if (e == n) return n;
        int lastStart = e - Character.charCount(s.codePointBefore(e));
        return lastStart > i ? lastStart : e; // backtrack one whitespace char so (?!\S) holds, else plain \s+
    }

    private static int run(String s, int j, int n, byte k) {
        while (j < n) {
            int q = cpAt(s, j);
            if (cls(q) != k) break;
            j += Character.charCount(q);
        }
        return j;
    }

    private static int runOther(String s, int j, int n) {
        while (j < n) {
            int q = cpAt(s, j);
            if (cls(q) != OTHER) break;
            j += Character.charCount(q);
        }
        return j;
    }

    /** A growable list of int pairs (match ranges) without per-pair objects. */
    static final class IntPairs {
        int[] data = new int[32];
        int size; // number of ints (2 per pair)

        void add(int a, int b) {
            if (size + 2 > data.length) data = java.util.Arrays.copyOf(data, data.length * 2);
            data[size++] = a;
            data[size++] = b;
        }

        int pairs() {
            return size / 2;
        }

        void clear() {
            size = 0;
        }
    }
}
