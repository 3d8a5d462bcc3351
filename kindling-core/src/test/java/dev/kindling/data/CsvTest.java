package dev.kindling.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Csv: RFC 4180 parsing, gzip, delimiters, typed columns, error messages, atomic writes. */
class CsvTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void quotedFieldsDoubledQuotesAndEmbeddedNewlines() throws IOException {
        Path p = file("q.csv", "\uFEFFid,text,score\r\n"
                + "1,\"hello, world\",0.5\r\n"
                + "2,\"she said \"\"hi\"\"\",1e-3\r\n"
                + "\r\n"
                + "3,\"line one\nline two\r\nline three\",-2\n"
                + "4,,\"7\"");
        Csv.Table t = Csv.read(p);
        assertThat(t.columns()).containsExactly("id", "text", "score");
        assertThat(t.numRows()).isEqualTo(4);
        assertThat(t.column("text")).containsExactly("hello, world", "she said \"hi\"",
                "line one\nline two\r\nline three", "");
        assertThat(t.line(3)).isEqualTo(8); // row 4 starts after the three-line field (blank line 4 skipped)
        assertThat(t.floatColumn("score")).containsExactly(0.5f, 1e-3f, -2f, 7f);
        assertThat(t.longColumn("id")).containsExactly(1, 2, 3, 4);
        Tensor x = t.toTensor("score", "id");
        assertThat(x.shape()).containsExactly(4, 2);
        assertThat(x.toFloatArray()).containsExactly(0.5f, 1, 1e-3f, 2, -2, 3, 7, 4);
        assertThat(t.source()).isEqualTo(p.toString());
    }

    @Test
    void gzipIsDetectedByMagicBytesAndOtherDelimiters() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes)) {
            gz.write("a;b\n1;\"x;y\"\n2;é\n".getBytes(StandardCharsets.UTF_8));
        }
        Path p = dir.resolve("named-plain.csv"); // the name does not say gzip: the magic bytes do
        Files.write(p, bytes.toByteArray());
        Csv.Table t = Csv.read(p, Csv.Options.builder().delimiter(';').build());
        assertThat(t.column("b")).containsExactly("x;y", "é");

        Path tsv = file("s.tsv", "source\tlabel\ttext\nimdb\t1\t\" The \"best\" film\n");
        Csv.Table s = Csv.read(tsv, Csv.Options.builder().delimiter('\t').quoting(false).build());
        assertThat(s.column("text")).containsExactly("\" The \"best\" film");

        Csv.Table noHeader = Csv.parse("1,2\n3,4", Csv.Options.builder().header(false).build());
        assertThat(noHeader.columns()).containsExactly("0", "1");
        assertThat(noHeader.toTensor().toFloatArray()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void malformedInputNamesFileAndLine() throws IOException {
        Path unterminated = file("u.csv", "a,b\n1,2\n3,\"open\nstill open\n");
        assertThatThrownBy(() -> Csv.read(unterminated)).isInstanceOf(Csv.FormatException.class)
                .hasMessageContaining("u.csv:3:").hasMessageContaining("never closed").hasMessageContaining("quoting(false)")
                .satisfies(e -> assertThat(((Csv.FormatException) e).line()).isEqualTo(3));
        Path ragged = file("r.csv", "a,b,c\n1,2,3\n4,5\n");
        assertThatThrownBy(() -> Csv.read(ragged)).isInstanceOf(Csv.FormatException.class)
                .hasMessageContaining("r.csv:3:").hasMessageContaining("2 fields").hasMessageContaining("3 columns");
        assertThatThrownBy(() -> Csv.parse("a\n\"x\"y\n", Csv.Options.defaults()))
                .isInstanceOf(Csv.FormatException.class).hasMessageContaining("<string>:2:")
                .hasMessageContaining("after the closing quote");
        Path badUtf8 = dir.resolve("bad.csv");
        Files.write(badUtf8, new byte[] {'a', '\n', 'x', (byte) 0xC3, '\n'});
        assertThatThrownBy(() -> Csv.read(badUtf8)).isInstanceOf(Csv.FormatException.class)
                .hasMessageContaining("bad.csv").hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Csv.read(file("empty.csv", ""))).isInstanceOf(Csv.FormatException.class)
                .hasMessageContaining("header");
    }

    @Test
    void badNumbersNameColumnRowLineAndValue() throws IOException {
        Csv.Table t = Csv.read(file("n.csv", "x,y\n1,2\n3,abc\n,4\n1f,5\n"));
        assertThatThrownBy(() -> t.floatColumn("y")).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("column 'y'").hasMessageContaining("row 2").hasMessageContaining("n.csv:3")
                .hasMessageContaining("'abc'");
        assertThatThrownBy(() -> t.toTensor("x")).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("row 3").hasMessageContaining("empty");
        Csv.Table u = Csv.parse("x\n1\n\n\"\"\n1f\n", Csv.Options.defaults());
        assertThat(u.numRows()).isEqualTo(3); // the blank line is skipped, the quoted empty field is a row
        assertThatThrownBy(() -> u.floatColumn("x", Float.NaN)).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("'1f'");
        assertThat(Csv.parse("x\nnan\n-inf\n\n", Csv.Options.defaults()).floatColumn("x"))
                .containsExactly(Float.NaN, Float.NEGATIVE_INFINITY);
        assertThat(Csv.parse("x\n\"\"\n2\n", Csv.Options.defaults()).floatColumn("x", Float.NaN))
                .containsExactly(Float.NaN, 2f);
        assertThatThrownBy(() -> t.column("z")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column 'z'").hasMessageContaining("[x, y]");
        assertThatThrownBy(() -> Csv.parse("a,a\n1,2", Csv.Options.defaults()).column("a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
    }

    @Test
    void writeRoundTripsAtomically() throws IOException {
        List<String> header = List.of("epoch", "loss", "note");
        List<String[]> rows = List.of(new String[] {"1", "0.5", "plain"},
                new String[] {"2", "0.25", "comma, \"quote\"\nand newline"}, new String[] {"3", "0.125", null});
        Path p = dir.resolve("runs/history.csv"); // parent directories are created
        Files.createDirectories(p.getParent());
        Files.writeString(p, "old contents");
        Csv.write(p, header, rows);
        Csv.Table t = Csv.read(p);
        assertThat(t.columns()).containsExactlyElementsOf(header);
        assertThat(t.column("note")).containsExactly("plain", "comma, \"quote\"\nand newline", "");
        assertThat(Files.list(p.getParent()).map(q -> q.getFileName().toString()).toList())
                .containsExactly("history.csv"); // no temp file left behind
        Path gz = dir.resolve("h.csv.gz");
        Csv.write(gz, header, rows);
        assertThat(Files.readAllBytes(gz)[0]).isEqualTo((byte) 0x1f);
        assertThat(Csv.read(gz).rows().get(1)).containsExactly(t.rows().get(1));
        Path single = dir.resolve("one.csv");
        Csv.write(single, List.of("x"), List.of(new String[] {"a"}, new String[] {""}));
        assertThat(Csv.read(single).column("x")).containsExactly("a", "");
        assertThatThrownBy(() -> Csv.write(dir.resolve("bad.csv"), header, List.<String[]>of(new String[] {"1"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0 has 1 fields");
        assertThat(Files.exists(dir.resolve("bad.csv"))).isFalse();
    }
}
