// JsonFields: typed access to tokenizer.json fields, failing with a TokenizerFormatException that names the
// field path and what was expected, plus the {"String": ...} / {"Regex": ...} pattern objects HF uses and the
// {"type": ...} / "Sequence" shapes every pipeline component shares when read and written.
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Field access helpers for tokenizer.json parsing. */
final class JsonFields {
    private JsonFields() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String where) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new TokenizerFormatException("tokenizer.json: \"" + where + "\" must be an object, got " + describe(v));
    }

    static String string(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (v instanceof String s) return s;
        throw new TokenizerFormatException("tokenizer.json: \"" + where + "." + key + "\" must be a string, got "
                + describe(v));
    }

    static String optString(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw new TokenizerFormatException("tokenizer.json: \"" + where + "." + key + "\" must be a string or null, got "
                + describe(v));
    }

    static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        Object v = m.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw new TokenizerFormatException("tokenizer.json: \"" + key + "\" must be true or false, got " + describe(v));
    }

    static int integer(Map<String, Object> m, String key, int dflt) {
        Object v = m.get(key);
        if (v == null) return dflt;
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) (long) l;
        throw new TokenizerFormatException("tokenizer.json: \"" + key + "\" must be an integer, got " + describe(v));
    }

    static int integer(Object v, String where) {
        if (v instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) return (int) (long) l;
        throw new TokenizerFormatException("tokenizer.json: \"" + where + "\" must be a non-negative integer, got "
                + describe(v));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (v instanceof List<?> l) return (List<Object>) l;
        throw new TokenizerFormatException("tokenizer.json: \"" + where + "." + key + "\" must be an array, got "
                + describe(v));
    }

    /** Each element of the array {@code m[key]}, parsed with {@code parse} (a Sequence's steps). */
    static <T> List<T> each(Map<String, Object> m, String key, String where, Function<Object, T> parse) {
        List<T> out = new ArrayList<>();
        for (Object o : list(m, key, where)) out.add(parse.apply(o));
        return out;
    }

    /** A new insertion-ordered {@code {"type": type}} object, to which a component's toJson adds its fields. */
    static Map<String, Object> typed(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        return m;
    }

    /** A Sequence component's JSON: {@code {"type": "Sequence", key: [each step's toJson]}}. */
    static <T> Map<String, Object> sequence(String key, List<T> steps, Function<T, Map<String, Object>> toJson) {
        Map<String, Object> m = typed("Sequence");
        List<Object> l = new ArrayList<>(steps.size());
        for (T step : steps) l.add(toJson.apply(step));
        m.put(key, l);
        return m;
    }

    static String describe(Object v) {
        if (v == null) return "nothing (missing or null)";
        if (v instanceof String s) return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        return v.getClass().getSimpleName().toLowerCase() + " " + v;
    }

    /** A literal string or a regex, as HF writes {@code {"String": " "}} or {@code {"Regex": "\\s+"}}. */
    record PatternSpec(String literal, String regex) {
        Pattern compiled() {
            if (literal != null) return Pattern.compile(Pattern.quote(literal));
            try {
                return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw new TokenizerFormatException("tokenizer.json: regex \"" + regex + "\" is not valid: "
                        + e.getDescription(), e);
            }
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (literal != null) m.put("String", literal);
            else m.put("Regex", regex);
            return m;
        }
    }

    static PatternSpec pattern(Map<String, Object> m, String where) {
        Map<String, Object> p = object(m.get("pattern"), where + ".pattern");
        if (p.get("String") instanceof String s) return new PatternSpec(s, null);
        if (p.get("Regex") instanceof String r) {
            PatternSpec spec = new PatternSpec(null, r);
            spec.compiled();
            return spec;
        }
        throw new TokenizerFormatException("tokenizer.json: \"" + where + ".pattern\" must be {\"String\": ...} or "
                + "{\"Regex\": ...}, got keys " + p.keySet());
    }
}
