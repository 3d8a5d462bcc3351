// Json: a small, strict JSON (RFC 8259) reader and compact writer for file headers and config files.
// kindling-core has no third-party dependency, so safetensors headers, config.json and tokenizer files
// are read with this instead of a JSON library. Objects keep their key order (LinkedHashMap).
package dev.kindling.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON parsing and compact serialisation.
 *
 * <p>Parsed values map to Java as: object → {@code LinkedHashMap<String, Object>} (file order kept),
 * array → {@code ArrayList<Object>}, string → {@code String}, number → {@code Long} when it is an integer
 * literal that fits in a long, else {@code Double}, {@code true/false} → {@code Boolean},
 * {@code null} → {@code null}.
 * Rejected: trailing commas, comments, single quotes, leading zeros, unescaped control characters in strings,
 * lone surrogates in escapes, duplicate keys, NaN/Infinity, trailing content, nesting deeper than 512.
 *
 * <p>Example:
 * <pre>{@code
 * Map<String, Object> cfg = Json.parseObject("{\"hidden_size\": 64, \"act\": \"gelu\"}");
 * long h = Json.getLong(cfg, "hidden_size", 0);          // 64
 * String s = Json.write(Map.of("a", List.of(1, 2)));     // {"a":[1,2]}
 * }</pre>
 */
public final class Json {
    /** Deepest nesting accepted, so hostile input cannot overflow the stack. */
    public static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** Thrown for malformed JSON; the message gives the offset (and line:column) of the problem. */
    public static final class JsonException extends IllegalArgumentException {
        private final int offset;

        JsonException(String message, int offset) {
            super(message);
            this.offset = offset;
        }

        /** Character offset in the input where the problem was found. */
        public int offset() {
            return offset;
        }
    }

    // ---------------------------------------------------------------- reading

    /** Parses one JSON value (surrounded only by whitespace). */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != text.length()) throw p.error("unexpected content after the JSON value");
        return v;
    }

    /** Parses a JSON document whose top level must be an object. */
    @SuppressWarnings("unchecked")
    public static LinkedHashMap<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof LinkedHashMap)) throw new JsonException("expected a JSON object at the top level, got "
                + typeName(v), 0);
        return (LinkedHashMap<String, Object>) v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= s.length()) throw error("unexpected end of input, expected a value");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character " + describe(c) + ", expected a value");
            }
        };
    }

    private LinkedHashMap<String, Object> object(int depth) {
        pos++; // '{'
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipWs();
            if (peek() != '"') throw error("expected a string key");
            int keyPos = pos;
            String key = string();
            skipWs();
            expect(':');
            skipWs();
            Object v = value(depth + 1);
            if (m.containsKey(key)) throw new JsonException("duplicate key \"" + key + "\" at offset " + keyPos
                    + " (" + lineCol(keyPos) + ")", keyPos);
            m.put(key, v);
            skipWs();
            char c = peek();
            pos++;
            if (c == '}') return m;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' in object");
            }
        }
    }

    private ArrayList<Object> array(int depth) {
        pos++; // '['
        ArrayList<Object> a = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            pos++;
            return a;
        }
        while (true) {
            skipWs();
            a.add(value(depth + 1));
            skipWs();
            char c = peek();
            pos++;
            if (c == ']') return a;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in array");
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos);
            if (c == '"') {
                String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                pos++;
                return out;
            }
            if (c < 0x20) throw error("unescaped control character " + describe(c) + " in string");
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(s, start, pos);
            pos++;
            if (pos >= s.length()) throw error("unterminated escape in string");
            char e = s.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (pos + 1 < s.length() && s.charAt(pos) == '\\' && s.charAt(pos + 1) == 'u') {
                            pos += 2;
                            char lo = hex4();
                            if (!Character.isLowSurrogate(lo)) throw error("invalid surrogate pair in \\u escape");
                            sb.append(u).append(lo);
                        } else {
                            throw error("lone high surrogate in \\u escape");
                        }
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone low surrogate in \\u escape");
                    } else {
                        sb.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw error("invalid escape \\" + e + " in string");
                }
            }
            start = pos;
        }
    }

    private char hex4() {
        if (pos + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos), 16);
            if (d < 0) throw error("invalid hex digit " + describe(s.charAt(pos)) + " in \\u escape");
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit");
        if (s.charAt(pos) == '0') {
            pos++;
            if (pos < s.length() && isDigit(s.charAt(pos))) throw error("leading zeros are not allowed in numbers");
        } else {
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        }
        boolean integral = true;
        if (pos < s.length() && s.charAt(pos) == '.') {
            integral = false;
            pos++;
            if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit after '.'");
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
            if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit in exponent");
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        }
        String lit = s.substring(start, pos);
        if (integral && lit.length() <= 20) {
            try {
                return Long.parseLong(lit);
            } catch (NumberFormatException overflow) {
                // beyond long: fall through to double
            }
        }
        double d = Double.parseDouble(lit);
        if (Double.isInfinite(d)) throw new JsonException("number " + lit + " at offset " + start
                + " is out of double range", start);
        return d;
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("invalid literal, expected '" + word + "'");
        pos += word.length();
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private char peek() {
        if (pos >= s.length()) throw error("unexpected end of input");
        return s.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private void skipWs() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private JsonException error(String what) {
        String near = pos < s.length() ? " near " + describe(s.charAt(pos)) : " at end of input";
        return new JsonException("malformed JSON: " + what + " at offset " + pos + " (" + lineCol(pos) + ")" + near,
                pos);
    }

    private String lineCol(int p) {
        int line = 1, col = 1;
        for (int i = 0; i < p && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "line " + line + ", column " + col;
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Number) return "a number";
        return v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- typed access (for config loaders)

    /** {@code obj[key]} as a long (integral numbers only), or {@code dflt} when absent or null. */
    public static long getLong(Map<String, ?> obj, String key, long dflt) {
        Object v = obj.get(key);
        if (v == null) return dflt;
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) return d.longValue();
        throw new IllegalArgumentException("JSON key \"" + key + "\": expected an integer, got " + typeName(v) + " "
                + v);
    }

    /** {@code obj[key]} as a double, or {@code dflt} when absent or null. */
    public static double getDouble(Map<String, ?> obj, String key, double dflt) {
        Object v = obj.get(key);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("JSON key \"" + key + "\": expected a number, got " + typeName(v) + " " + v);
    }

    /** {@code obj[key]} as a string, or {@code dflt} when absent or null. */
    public static String getString(Map<String, ?> obj, String key, String dflt) {
        Object v = obj.get(key);
        if (v == null) return dflt;
        if (v instanceof String str) return str;
        throw new IllegalArgumentException("JSON key \"" + key + "\": expected a string, got " + typeName(v));
    }

    /** {@code obj[key]} as a boolean, or {@code dflt} when absent or null. */
    public static boolean getBoolean(Map<String, ?> obj, String key, boolean dflt) {
        Object v = obj.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException("JSON key \"" + key + "\": expected a boolean, got " + typeName(v));
    }

    // ---------------------------------------------------------------- writing

    /**
     * Compact JSON for {@code v}: Map (String keys, iteration order kept), List/array of Objects, String,
     * Number (finite), Boolean, null; int[]/long[]/float[]/double[] are written as arrays.
     */
    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb, 0);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("Json.write: nesting deeper than " + MAX_DEPTH
                + " (cyclic structure?)");
        switch (v) {
            case null -> sb.append("null");
            case String str -> writeString(str, sb);
            case Boolean b -> sb.append(b);
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            case Short sh -> sb.append(sh);
            case Byte by -> sb.append(by);
            case BigInteger bi -> sb.append(bi);
            case BigDecimal bd -> sb.append(bd.toString());
            case Number n -> {
                double d = n.doubleValue();
                if (!Double.isFinite(d)) throw new IllegalArgumentException("Json.write: " + d + " is not valid JSON");
                // Floats print their shortest float repr (0.1f -> 0.1, not 0.10000000149011612).
                String txt = n instanceof Float f ? Float.toString(f) : Double.toString(d);
                sb.append(txt);
            }
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) throw new IllegalArgumentException(
                            "Json.write: object keys must be strings, got " + e.getKey());
                    if (!first) sb.append(',');
                    first = false;
                    writeString(k, sb);
                    sb.append(':');
                    write(e.getValue(), sb, depth + 1);
                }
                sb.append('}');
            }
            case Iterable<?> it -> {
                sb.append('[');
                boolean first = true;
                for (Object o : it) {
                    if (!first) sb.append(',');
                    first = false;
                    write(o, sb, depth + 1);
                }
                sb.append(']');
            }
            case int[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
                sb.append(']');
            }
            case long[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
                sb.append(']');
            }
            case float[] a -> {
                List<Object> l = new ArrayList<>(a.length);
                for (float f : a) l.add(f);
                write(l, sb, depth);
            }
            case double[] a -> {
                List<Object> l = new ArrayList<>(a.length);
                for (double d : a) l.add(d);
                write(l, sb, depth);
            }
            case Object[] a -> write(java.util.Arrays.asList(a), sb, depth);
            default -> throw new IllegalArgumentException("Json.write: cannot serialise " + v.getClass().getName());
        }
    }

    /** Appends {@code str} as a JSON string literal (quotes and escapes added). */
    public static void writeString(String str, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
