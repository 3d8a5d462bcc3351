// EmailTokenizer: a fast, allocation-light tokenizer for raw RFC 822 e-mails (headers + body): lower-cased
// runs of letters and digits, optional header handling, and a length cap that drops base64 / hash noise.
package dev.kindling.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tokenizes e-mails into lower-case words.
 *
 * <p>A term is a maximal run of letters or digits ({@link Character#isLetterOrDigit}) of length
 * {@code minTokenLength..maxTokenLength}; longer runs (base64 lines, message ids) are dropped, not cut.
 * Headers are everything before the first empty line; {@link Headers} chooses whether they are kept,
 * reduced to the {@code Subject:} line, or dropped.
 *
 * <p>Example:
 * <pre>{@code
 * var tok = EmailTokenizer.builder().headers(EmailTokenizer.Headers.SUBJECT_ONLY).build();
 * tok.tokenize("From: a@b.c\nSubject: Cheap meds\n\nBuy NOW!!")   // [cheap, meds, buy, now]
 * }</pre>
 */
public final class EmailTokenizer implements Tokenizer {
    /** What to do with the header block of a mail. */
    public enum Headers {
        /** Tokenize headers like the body. */
        KEEP,
        /** Keep only the text of the {@code Subject:} header (continuation lines included). */
        SUBJECT_ONLY,
        /** Drop all headers. */
        STRIP
    }

    private final Headers headers;
    private final int minTokenLength;
    private final int maxTokenLength;

    private EmailTokenizer(Builder b) {
        this.headers = b.headers;
        this.minTokenLength = b.minTokenLength;
        this.maxTokenLength = b.maxTokenLength;
    }

    /** A builder; defaults: headers KEEP, token length 2..30. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EmailTokenizer}. */
    public static final class Builder {
        private Headers headers = Headers.KEEP;
        private int minTokenLength = 2;
        private int maxTokenLength = 30;

        private Builder() {}

        /** How headers are treated (default KEEP). */
        public Builder headers(Headers h) {
            if (h == null) throw new IllegalArgumentException("EmailTokenizer: headers must not be null");
            this.headers = h;
            return this;
        }

        /** Shortest term kept (default 2, as scikit-learn). */
        public Builder minTokenLength(int n) {
            if (n < 1) throw new IllegalArgumentException("EmailTokenizer: minTokenLength must be >= 1, got " + n);
            this.minTokenLength = n;
            return this;
        }

        /** Longest term kept; longer runs are dropped (default 30). */
        public Builder maxTokenLength(int n) {
            if (n < 1) throw new IllegalArgumentException("EmailTokenizer: maxTokenLength must be >= 1, got " + n);
            this.maxTokenLength = n;
            return this;
        }

        public EmailTokenizer build() {
            if (maxTokenLength < minTokenLength) throw new IllegalArgumentException("EmailTokenizer: maxTokenLength "
                    + maxTokenLength + " < minTokenLength " + minTokenLength);
            return new EmailTokenizer(this);
        }
    }

    @Override
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        int bodyStart = headers == Headers.KEEP ? 0 : bodyStart(text);
        if (headers == Headers.SUBJECT_ONLY) {
            int[] subject = subjectRange(text, bodyStart);
            if (subject != null) scan(text, subject[0], subject[1], out);
        }
        scan(text, bodyStart, text.length(), out);
        return out;
    }

    /** The body of a mail: the text after the first empty line (the whole text if there is no header block). */
    public static String body(String mail) {
        return mail.substring(bodyStart(mail));
    }

    /** Index just after the first empty line ("\n\n" or "\r\n\r\n"), or 0 if the text has no header block. */
    static int bodyStart(String text) {
        int n = text.length();
        for (int i = text.indexOf('\n'); i >= 0 && i < n; i = text.indexOf('\n', i + 1)) {
            int j = i + 1;
            if (j < n && text.charAt(j) == '\r') j++;
            if (j < n && text.charAt(j) == '\n') return j + 1;
            if (j >= n) return n;
        }
        return 0;
    }

    /** [start, end) of the Subject header's value (with folded continuation lines) inside [0, limit), or null. */
    private static int[] subjectRange(String text, int limit) {
        int lineStart = 0;
        while (lineStart < limit) {
            int eol = text.indexOf('\n', lineStart);
            if (eol < 0 || eol > limit) eol = limit;
            if (text.regionMatches(true, lineStart, "subject:", 0, 8)) {
                int end = eol;
                // RFC 822 folding: continuation lines start with space or tab.
                while (end + 1 < limit && (text.charAt(end + 1) == ' ' || text.charAt(end + 1) == '\t')) {
                    int next = text.indexOf('\n', end + 1);
                    end = next < 0 || next > limit ? limit : next;
                }
                return new int[] {lineStart + 8, end};
            }
            lineStart = eol + 1;
        }
        return null;
    }

    private void scan(String text, int from, int to, List<String> out) {
        int i = from;
        while (i < to) {
            while (i < to && !Character.isLetterOrDigit(text.charAt(i))) i++;
            int start = i;
            while (i < to && Character.isLetterOrDigit(text.charAt(i))) i++;
            int len = i - start;
            if (len >= minTokenLength && len <= maxTokenLength)
                out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public String toString() {
        return "EmailTokenizer(headers=" + headers + ", length " + minTokenLength + ".." + maxTokenLength + ")";
    }
}
