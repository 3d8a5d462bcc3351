// Csv: reads and writes delimited text (RFC 4180: quoted fields with delimiters, doubled quotes and line breaks,
// CRLF or LF, a header row), UTF-8, gzip'd or plain (detected by magic bytes), into a Table of strings with typed
// column accessors. Writes go to a temp file renamed into place, so a reader never sees half a file.
package dev.kindling.data;

import dev.kindling.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * CSV / TSV files.
 *
 * <p>Example:
 * <pre>{@code
 * Csv.Table t = Csv.read(Path.of("boston.csv"), Csv.Options.defaults());
 * Tensor x = t.toTensor("crim", "rm", "lstat");   // [506, 3] float32
 * float[] y = t.floatColumn("medv");
 * Csv.Table tsv = Csv.read(path, Csv.Options.builder().delimiter('\t').quoting(false).build());
 * }</pre>
 */
public final class Csv {
    private Csv() {}

    /** Parsing and writing settings; {@link #defaults()} is RFC 4180 with a header row. */
    public static final class Options {
        private final char delimiter;
        private final char quote;
        private final boolean quoting;
        private final boolean header;
        private final boolean skipBlankLines;

        private Options(Builder b) {
            this.delimiter = b.delimiter;
            this.quote = b.quote;
            this.quoting = b.quoting;
            this.header = b.header;
            this.skipBlankLines = b.skipBlankLines;
        }

        /** Comma-separated, {@code "}-quoted, first row is the header, blank lines skipped. */
        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public char delimiter() { return delimiter; }
        public char quote() { return quote; }
        public boolean quoting() { return quoting; }
        public boolean header() { return header; }
        public boolean skipBlankLines() { return skipBlankLines; }

        /** Builder for {@link Options}. */
        public static final class Builder {
            private char delimiter = ',';
            private char quote = '"';
            private boolean quoting = true;
            private boolean header = true;
            private boolean skipBlankLines = true;

            private Builder() {}

            /** Field separator, e.g. {@code '\t'} for TSV. */
            public Builder delimiter(char delimiter) {
                this.delimiter = delimiter;
                return this;
            }

            /** Quote character (default {@code "}). */
            public Builder quote(char quote) {
                this.quote = quote;
                return this;
            }

            /** False treats quote characters as plain text (for TSVs whose text contains unbalanced quotes). */
            public Builder quoting(boolean quoting) {
                this.quoting = quoting;
                return this;
            }

            /** Whether the first row names the columns (otherwise columns are named "0", "1", ...). */
            public Builder header(boolean header) {
                this.header = header;
                return this;
            }

            /** Whether empty lines are ignored (as pandas) rather than read as one-empty-field rows. */
            public Builder skipBlankLines(boolean skip) {
                this.skipBlankLines = skip;
                return this;
            }

            public Options build() {
                if (delimiter == '\n' || delimiter == '\r') throw new IllegalArgumentException("Csv.Options: the "
                        + "delimiter can not be a line break");
                if (quoting && (quote == delimiter || quote == '\n' || quote == '\r')) throw new IllegalArgumentException(
                        "Csv.Options: the quote character must differ from the delimiter and line breaks");
                return new Options(this);
            }
        }
    }

    /** Malformed CSV content (unterminated quote, ragged row, invalid UTF-8), naming the file and line. */
    public static final class FormatException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String source;
        private final int line;

        FormatException(String source, int line, String message) {
            super(source + ":" + line + ": " + message);
            this.source = source;
            this.line = line;
        }

        /** The file (or source name) being read. */
        public String source() {
            return source;
        }

        /** The 1-based line the problem was found at. */
        public int line() {
            return line;
        }
    }

    // ---------------------------------------------------------------- read

    /** {@link #read(Path, Options)} with {@link Options#defaults()}. */
    public static Table read(Path path) throws IOException {
        return read(path, Options.defaults());
    }

    /**
     * Reads a CSV file, gzip'd or plain (detected by its first two bytes), decoding strict UTF-8 (a leading BOM is
     * skipped).
     *
     * @throws FormatException for malformed content, naming the file and line
     * @throws IOException when the file can not be read
     */
    public static Table read(Path path, Options options) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return parse(new InputStreamReader(in, decoder), path.toString(), options);
        }
    }

    /** Parses CSV text held in memory; errors name {@code "<string>"}. */
    public static Table parse(String text, Options options) throws FormatException {
        try {
            return parse(new StringReader(text), "<string>", options);
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("Csv.parse: reading a string failed", e); // StringReader does not fail
        }
    }

    private static Table parse(Reader reader, String source, Options options) throws IOException {
        List<String[]> records = new ArrayList<>();
        List<Integer> recordLines = new ArrayList<>();
        new Parser(reader, source, options, records, recordLines).run();
        List<String> columns;
        int first = 0;
        if (options.header) {
            if (records.isEmpty()) throw new FormatException(source, 1, "the file is empty; expected a header row");
            columns = List.of(records.get(0));
            first = 1;
        } else {
            int k = records.isEmpty() ? 0 : records.get(0).length;
            columns = new ArrayList<>(k);
            for (int i = 0; i < k; i++) columns.add(Integer.toString(i));
        }
        int[] lines = new int[records.size() - first];
        for (int i = 0; i < lines.length; i++) lines[i] = recordLines.get(first + i);
        return new Table(source, columns, records.subList(first, records.size()), lines);
    }

    /** The RFC 4180 state machine: one pass over the characters, tracking physical line numbers for errors. */
    private static final class Parser {
        private final Reader in;
        private final String source;
        private final Options opt;
        private final List<String[]> records;
        private final List<Integer> recordLines;
        private final char[] buf = new char[1 << 16];
        private int pos, limit;
        private int pushback = -2; // one character of lookahead (-2 = none)
        private int line = 1;

        Parser(Reader in, String source, Options opt, List<String[]> records, List<Integer> recordLines) {
            this.in = in;
            this.source = source;
            this.opt = opt;
            this.records = records;
            this.recordLines = recordLines;
        }

        private int next() throws IOException {
            if (pushback != -2) {
                int c = pushback;
                pushback = -2;
                return c;
            }
            if (pos == limit) {
                try {
                    limit = in.read(buf, 0, buf.length);
                } catch (CharacterCodingException e) {
                    throw new FormatException(source, line, "the text is not valid UTF-8 (" + e + ")");
                }
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return -1;
                }
            }
            return buf[pos++];
        }

        void run() throws IOException {
            char delim = opt.delimiter, quote = opt.quote;
            boolean quoting = opt.quoting;
            StringBuilder field = new StringBuilder();
            List<String> fields = new ArrayList<>();
            boolean quoted = false;      // the current field started with a quote
            boolean inQuotes = false;    // inside an open quoted section
            int quoteLine = 0, recordLine = 1;
            int c = next();
            if (c == '\uFEFF') c = next(); // UTF-8 byte order mark
            for (; c != -1; c = next()) {
                if (inQuotes) {
                    if (c == quote) {
                        int d = next();
                        if (d == quote) {
                            field.append(quote); // "" inside quotes is one quote
                        } else {
                            inQuotes = false;
                            pushback = d;
                        }
                    } else {
                        field.append((char) c);
                        if (c == '\n') line++;
                        else if (c == '\r') {
                            int d = next();
                            if (d == '\n') field.append('\n');
                            else pushback = d;
                            line++;
                        }
                    }
                } else if (c == delim) {
                    fields.add(field.toString());
                    field.setLength(0);
                    quoted = false;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r') {
                        int d = next();
                        if (d != '\n') pushback = d;
                    }
                    boolean blank = fields.isEmpty() && field.isEmpty() && !quoted;
                    if (!(blank && opt.skipBlankLines)) {
                        fields.add(field.toString());
                        endRecord(fields, recordLine);
                    }
                    fields.clear();
                    field.setLength(0);
                    quoted = false;
                    line++;
                    recordLine = line;
                } else if (quoted) {
                    throw new FormatException(source, line, "unexpected character '" + (char) c + "' after the closing "
                            + "quote of field " + (fields.size() + 1) + " (a quoted field must end at a delimiter or "
                            + "line break; write \"\" for a quote inside quotes)");
                } else if (c == quote && quoting && field.isEmpty()) {
                    quoted = true;
                    inQuotes = true;
                    quoteLine = line;
                } else {
                    field.append((char) c);
                }
            }
            if (inQuotes) throw new FormatException(source, quoteLine, "a quoted field starting on this line is "
                    + "never closed (reached the end of the file at line " + line + "); if quotes in this file are "
                    + "plain text, read it with Csv.Options.builder().quoting(false)");
            if (!fields.isEmpty() || !field.isEmpty() || quoted) {
                fields.add(field.toString());
                endRecord(fields, recordLine);
            }
        }

        private void endRecord(List<String> fields, int recordLine) throws FormatException {
            if (!records.isEmpty() && fields.size() != records.get(0).length) {
                int want = records.get(0).length;
                throw new FormatException(source, recordLine, "row has " + fields.size() + " fields but "
                        + (opt.header ? "the header has " + want + " columns" : "the first row has " + want)
                        + " (check for an unquoted delimiter or a missing field)");
            }
            records.add(fields.toArray(new String[0]));
            recordLines.add(recordLine);
        }
    }

    // ---------------------------------------------------------------- table

    /**
     * A parsed file: column names and rows of strings, with typed column accessors whose errors name the column,
     * the row and the file line.
     */
    public static final class Table {
        private final String source;
        private final List<String> columns;
        private final List<String[]> rows;
        private final int[] lines; // file line where each row starts

        Table(String source, List<String> columns, List<String[]> rows, int[] lines) {
            this.source = source;
            this.columns = List.copyOf(columns);
            this.rows = List.copyOf(rows);
            this.lines = lines;
        }

        /** The file (or source name) this table was read from. */
        public String source() {
            return source;
        }

        /** Column names, in file order. */
        public List<String> columns() {
            return columns;
        }

        /** The data rows (header excluded); each array has {@code columns().size()} fields. Do not modify them. */
        public List<String[]> rows() {
            return rows;
        }

        /** Number of data rows. */
        public int numRows() {
            return rows.size();
        }

        /** The file line (1-based) where data row {@code row} (0-based) starts. */
        public int line(int row) {
            return lines[row];
        }

        /**
         * Position of column {@code name}.
         *
         * @throws IllegalArgumentException when no column, or more than one, has that name
         */
        public int columnIndex(String name) {
            int found = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (!columns.get(i).equals(name)) continue;
                if (found >= 0) throw new IllegalArgumentException("Csv.Table: column '" + name + "' appears more "
                        + "than once in " + source + " (positions " + found + " and " + i + "); use column(int)");
                found = i;
            }
            if (found < 0) throw new IllegalArgumentException("Csv.Table: no column '" + name + "' in " + source
                    + "; columns are " + columns);
            return found;
        }

        /** The values of column {@code name}, one per row. */
        public List<String> column(String name) {
            return column(columnIndex(name));
        }

        /** The values of column {@code index}, one per row. */
        public List<String> column(int index) {
            if (index < 0 || index >= columns.size()) throw new IndexOutOfBoundsException("Csv.Table: column index "
                    + index + " is out of range for " + columns.size() + " columns");
            List<String> out = new ArrayList<>(rows.size());
            for (String[] r : rows) out.add(r[index]);
            return out;
        }

        /**
         * Column {@code name} parsed as float32 numbers (decimal or scientific notation, {@code nan}, {@code inf}).
         *
         * @throws NumberFormatException naming the column, row, file line and value when one is not a number
         *     (empty fields included; see {@link #floatColumn(String, float)} for missing data)
         */
        public float[] floatColumn(String name) {
            return floats(columnIndex(name), false, 0f);
        }

        /** As {@link #floatColumn(String)}, reading empty fields as {@code ifEmpty} (e.g. {@code Float.NaN}). */
        public float[] floatColumn(String name, float ifEmpty) {
            return floats(columnIndex(name), true, ifEmpty);
        }

        /**
         * Column {@code name} parsed as integers (e.g. class ids).
         *
         * @throws NumberFormatException naming the column, row, file line and value when one is not an integer
         */
        public long[] longColumn(String name) {
            int c = columnIndex(name);
            long[] out = new long[rows.size()];
            for (int i = 0; i < out.length; i++) {
                String v = rows.get(i)[c].strip();
                try {
                    out[i] = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw badValue(c, i, v, "is not an integer");
                }
            }
            return out;
        }

        /**
         * Columns as a float32 matrix {@code [N, k]} (all columns when none are named).
         *
         * <p>Example: {@code Tensor x = table.toTensor("crim", "rm"); // [N, 2]}
         *
         * @throws NumberFormatException naming the column, row, file line and value when one is not a number
         */
        public Tensor toTensor(String... names) {
            int[] cols;
            if (names.length == 0) {
                cols = new int[columns.size()];
                for (int i = 0; i < cols.length; i++) cols[i] = i;
            } else {
                cols = new int[names.length];
                for (int i = 0; i < names.length; i++) cols[i] = columnIndex(names[i]);
            }
            int n = rows.size(), k = cols.length;
            float[] out = new float[n * k]; // [N, k]
            for (int j = 0; j < k; j++) {
                float[] col = floats(cols[j], false, 0f);
                for (int i = 0; i < n; i++) out[i * k + j] = col[i];
            }
            return Tensor.of(out, n, k);
        }

        private float[] floats(int c, boolean allowEmpty, float ifEmpty) {
            float[] out = new float[rows.size()];
            for (int i = 0; i < out.length; i++) {
                String v = rows.get(i)[c];
                String t = v.strip();
                if (t.isEmpty()) {
                    if (!allowEmpty) throw badValue(c, i, v, "is empty (missing data; floatColumn(name, Float.NaN) "
                            + "reads it as NaN)");
                    out[i] = ifEmpty;
                    continue;
                }
                out[i] = parseNumber(t, c, i, v);
            }
            return out;
        }

        /**
         * Decimal or scientific notation, or nan / inf / infinity in any case (as NumPy). Java's own syntax extras
         * ("1f", "0x1p3") are refused: in a CSV they are data errors, not numbers.
         */
        private float parseNumber(String t, int c, int row, String raw) {
            boolean neg = t.startsWith("-");
            String u = neg || t.startsWith("+") ? t.substring(1) : t;
            if (u.equalsIgnoreCase("nan")) return Float.NaN;
            if (u.equalsIgnoreCase("inf") || u.equalsIgnoreCase("infinity")) {
                return neg ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            }
            for (int i = 0; i < u.length(); i++) {
                char ch = u.charAt(i);
                if (!(ch >= '0' && ch <= '9' || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-')) {
                    throw badValue(c, row, raw, "is not a number");
                }
            }
            try {
                return Float.parseFloat(t);
            } catch (NumberFormatException e) {
                throw badValue(c, row, raw, "is not a number");
            }
        }

        private NumberFormatException badValue(int c, int row, String v, String what) {
            return new NumberFormatException("Csv.Table: column '" + columns.get(c) + "', row " + (row + 1) + " ("
                    + source + ":" + lines[row] + "): value " + preview(v) + " " + what);
        }

        @Override
        public String toString() {
            return "Csv.Table(" + source + ", " + rows.size() + " rows, columns " + columns + ")";
        }
    }

    // ---------------------------------------------------------------- write

    /** {@link #write(Path, List, List, Options)} with comma delimiter and minimal quoting. */
    public static void write(Path path, List<String> header, List<String[]> rows) throws IOException {
        write(path, header, rows, Options.defaults());
    }

    /**
     * Writes {@code header} (skipped when null) and {@code rows} atomically: to a temp file in the same directory,
     * flushed to disk, then renamed over {@code path}. Fields holding the delimiter, the quote or a line break are
     * quoted (quotes doubled); lines end with {@code \n}; a {@code .gz} name writes gzip. Parent directories are
     * created. A null field is written empty.
     *
     * @throws IllegalArgumentException when a row's length differs from the header's (or the first row's)
     */
    public static void write(Path path, List<String> header, List<String[]> rows, Options options) throws IOException {
        int width = header != null ? header.size() : rows.isEmpty() ? 0 : rows.get(0).length;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) == null || rows.get(i).length != width) throw new IllegalArgumentException("Csv.write: row "
                    + i + " has " + (rows.get(i) == null ? "no" : rows.get(i).length) + " fields but "
                    + (header != null ? "the header has " + width + " columns" : "row 0 has " + width));
        }
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileOutputStream fos = new FileOutputStream(tmp.toFile())) {
                OutputStream os = abs.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(fos, 1 << 16) : fos;
                Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
                if (header != null) writeRow(w, header.toArray(new String[0]), options);
                for (String[] r : rows) writeRow(w, r, options);
                w.flush();
                if (os instanceof GZIPOutputStream gz) gz.finish();
                fos.getFD().sync();
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static void writeRow(Writer w, String[] row, Options o) throws IOException {
        if (row.length == 1 && (row[0] == null || row[0].isEmpty())) {
            w.write(o.quoting ? "" + o.quote + o.quote + "\n" : "\n"); // a bare empty line would read as blank
            return;
        }
        for (int i = 0; i < row.length; i++) {
            if (i > 0) w.write(o.delimiter);
            String f = row[i] == null ? "" : row[i];
            boolean special = f.indexOf(o.delimiter) >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0
                    || (o.quoting && f.indexOf(o.quote) >= 0);
            if (!special) {
                w.write(f);
            } else if (!o.quoting) {
                throw new IllegalArgumentException("Csv.write: field " + i + " (" + preview(f) + ") holds the "
                        + "delimiter or a line break, which can not be written with quoting off");
            } else {
                String q = String.valueOf(o.quote);
                w.write(o.quote);
                w.write(f.replace(q, q + q));
                w.write(o.quote);
            }
        }
        w.write('\n');
    }

    static String preview(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return "'" + t.replace("\n", "\\n").replace("\r", "\\r") + "'";
    }
}
