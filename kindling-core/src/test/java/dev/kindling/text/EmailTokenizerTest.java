package dev.kindling.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmailTokenizerTest {
    static final String MAIL = "From: Bob <bob@example.com>\r\nSubject: Cheap MEDS\r\n  for you\r\nX-Id: 42\r\n\r\n"
            + "Buy NOW!! Only $9.99 - visit www.Example.com x aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=";

    @Test
    void headerModes() {
        var keep = EmailTokenizer.builder().build();
        assertThat(keep.tokenize(MAIL)).containsExactly("from", "bob", "bob", "example", "com", "subject", "cheap",
                "meds", "for", "you", "id", "42", "buy", "now", "only", "99", "visit", "www", "example", "com");
        var subject = EmailTokenizer.builder().headers(EmailTokenizer.Headers.SUBJECT_ONLY).build();
        assertThat(subject.tokenize(MAIL)).containsExactly("cheap", "meds", "for", "you", "buy", "now", "only", "99",
                "visit", "www", "example", "com");
        var strip = EmailTokenizer.builder().headers(EmailTokenizer.Headers.STRIP).build();
        assertThat(strip.tokenize(MAIL)).startsWith("buy", "now");
    }

    @Test
    void lengthLimitsAndPlainText() {
        var tok = EmailTokenizer.builder().minTokenLength(1).maxTokenLength(3).headers(EmailTokenizer.Headers.STRIP).build();
        // no blank line: the whole text is the body
        assertThat(tok.tokenize("a bb cccc Ünï 12")).containsExactly("a", "bb", "ünï", "12");
        assertThat(tok.tokenize("")).isEmpty();
        assertThat(Tokenizer.words().tokenize("Hello, World! under_score")).containsExactly("hello", "world", "under", "score");
    }

    @Test
    void bodyStart() {
        assertThat(EmailTokenizer.bodyStart("a: b\n\nbody")).isEqualTo(6);
        assertThat(EmailTokenizer.bodyStart("a: b\r\n\r\nbody")).isEqualTo(8);
        assertThat(EmailTokenizer.bodyStart("just text")).isZero();
        assertThat(EmailTokenizer.body("a: b\n\nthe body\n\nmore")).isEqualTo("the body\n\nmore");
        assertThat(EmailTokenizer.body("no headers")).isEqualTo("no headers");
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> EmailTokenizer.builder().minTokenLength(5).maxTokenLength(3).build())
                .hasMessageContaining("maxTokenLength 3 < minTokenLength 5");
    }
}
