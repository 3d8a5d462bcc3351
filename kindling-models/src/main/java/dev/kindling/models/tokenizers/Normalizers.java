// Normalizers: the first stage of a Hugging Face tokenizer pipeline (BertNormalizer, NFC/NFD/NFKC/NFKD,
// Lowercase, Strip, StripAccents, Replace, Prepend, Sequence). Each keeps the alignment to the original text
// and reads/writes its tokenizer.json form.
package dev.kindling.models.tokenizers;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Text normalizers as in Hugging Face {@code tokenizers.normalizers}. */
final class Normalizers {
    private Normalizers() {
    }

    /** One normalization step. */
    interface Normalizer {
        NormalizedText normalize(NormalizedText t);

        Map<String, Object> toJson();
    }

    /** Parses the {@code "normalizer"} object of tokenizer.json (null stays null). */
    static Normalizer fromJson(Object json) {
        if (json == null) return null;
        Map<String, Object> m = JsonFields.object(json, "normalizer");
        String type = JsonFields.string(m, "type", "normalizer");
        return switch (type) {
            case "BertNormalizer" -> new Bert(JsonFields.bool(m, "clean_text", true),
                    JsonFields.bool(m, "handle_chinese_chars", true),
                    m.get("strip_accents") == null ? null : JsonFields.bool(m, "strip_accents", false),
                    JsonFields.bool(m, "lowercase", true));
            case "NFC", "NFD", "NFKC", "NFKD" -> new Unicode(java.text.Normalizer.Form.valueOf(type));
            case "Lowercase" -> new Lowercase();
            case "StripAccents" -> new StripAccents();
            case "Strip" -> new Strip(JsonFields.bool(m, "strip_left", true), JsonFields.bool(m, "strip_right", true));
            case "Replace" -> new Replace(JsonFields.pattern(m, "normalizer.Replace"),
                    JsonFields.string(m, "content", "normalizer.Replace"));
            case "Prepend" -> new Prepend(JsonFields.string(m, "prepend", "normalizer.Prepend"));
            case "Sequence" -> new Sequence(JsonFields.each(m, "normalizers", "normalizer.Sequence",
                    Normalizers::fromJson));
            default -> throw new TokenizerFormatException("tokenizer.json: unsupported normalizer type \"" + type
                    + "\" (supported: BertNormalizer, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Replace,"
                    + " Prepend, Sequence)");
        };
    }

    // ---------------------------------------------------------------- character classes (Rust semantics)

    /** Rust {@code char::is_whitespace}: the Unicode White_Space property. */
    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** BERT's "control" test: Unicode category C* (Cc, Cf, Cn, Co, Cs) except tab, newline, carriage return. */
    static boolean isBertControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED
                || t == Character.PRIVATE_USE || t == Character.SURROGATE;
    }

    /** BERT's CJK ideograph ranges (handle_chinese_chars pads them with spaces). */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Rust {@code char::to_lowercase} (full mapping; U+0130 is the one code point that expands). */
    static String lower(int cp) {
        if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? String.valueOf((char) (cp + 32)) : null;
        if (cp == 0x130) return "i\u0307";
        int l = Character.toLowerCase(cp);
        return l == cp ? null : Character.toString(l);
    }

    // ---------------------------------------------------------------- normalizers

    /** BERT's normalizer: clean control chars, pad CJK chars, strip accents, lowercase (in that order). */
    record Bert(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase)
            implements Normalizer {
        @Override
        public NormalizedText normalize(NormalizedText t) {
            if (cleanText) {
                t = t.mapCodePoints(cp -> {
                    if (cp == 0 || cp == 0xFFFD || isBertControl(cp)) return "";
                    if (cp != ' ' && (cp == '\t' || cp == '\n' || cp == '\r' || isWhitespace(cp))) return " ";
                    return null;
                });
            }
            if (handleChineseChars) {
                t = t.mapCodePoints(cp -> isChineseChar(cp) ? " " + Character.toString(cp) + " " : null);
            }
            if (stripAccents != null ? stripAccents : lowercase) t = StripAccents.strip(t);
            if (lowercase) t = t.mapCodePoints(Normalizers::lower);
            return t;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("BertNormalizer");
            m.put("clean_text", cleanText);
            m.put("handle_chinese_chars", handleChineseChars);
            m.put("strip_accents", stripAccents);
            m.put("lowercase", lowercase);
            return m;
        }
    }

    /** Unicode normalization form (NFC, NFD, NFKC, NFKD). */
    record Unicode(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public NormalizedText normalize(NormalizedText t) {
            return normalizeForm(t, form);
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed(form.name());
        }
    }

    /**
     * Normalizes segment by segment (a segment = a starter plus its following combining marks), so each output
     * char keeps the original range of its segment; falls back to one segment when segmenting changes the result
     * (e.g. Hangul jamo composing across segments).
     */
    static NormalizedText normalizeForm(NormalizedText t, java.text.Normalizer.Form form) {
        String s = t.text;
        if (java.text.Normalizer.isNormalized(s, form)) return t;
        String whole = java.text.Normalizer.normalize(s, form);
        NormalizedText.Builder b = new NormalizedText.Builder(whole.length());
        StringBuilder check = new StringBuilder(whole.length());
        int i = 0;
        while (i < s.length()) {
            int j = i + Character.charCount(s.codePointAt(i));
            while (j < s.length() && isMark(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
            String seg = java.text.Normalizer.normalize(s.substring(i, j), form);
            b.append(seg, t.start(i), t.end(j - 1));
            check.append(seg);
            i = j;
        }
        if (check.toString().equals(whole)) return b.build(t.emptyBase());
        return new NormalizedText.Builder(whole.length()).append(whole, t.start(0), t.end(s.length() - 1))
                .build(t.emptyBase());
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Lowercases every char (Rust full lowercase mapping). */
    record Lowercase() implements Normalizer {
        @Override
        public NormalizedText normalize(NormalizedText t) {
            return t.mapCodePoints(Normalizers::lower);
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed("Lowercase");
        }
    }

    /** Removes combining marks (category Mn) after NFD: "café" -> "cafe". */
    record StripAccents() implements Normalizer {
        static NormalizedText strip(NormalizedText t) {
            t = normalizeForm(t, java.text.Normalizer.Form.NFD);
            return t.mapCodePoints(cp -> Character.getType(cp) == Character.NON_SPACING_MARK ? "" : null);
        }

        @Override
        public NormalizedText normalize(NormalizedText t) {
            return strip(t);
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed("StripAccents");
        }
    }

    /** Trims whitespace on the left and/or right. */
    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public NormalizedText normalize(NormalizedText t) {
            String s = t.text;
            int a = 0, b = s.length();
            while (left && a < b && isWhitespace(s.codePointAt(a))) a += Character.charCount(s.codePointAt(a));
            while (right && b > a && isWhitespace(s.codePointBefore(b))) b -= Character.charCount(s.codePointBefore(b));
            return t.sub(a, b);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Strip");
            m.put("strip_left", left);
            m.put("strip_right", right);
            return m;
        }
    }

    /** Replaces every match of a literal string or regex by {@code content}. */
    record Replace(JsonFields.PatternSpec pattern, String content) implements Normalizer {
        @Override
        public NormalizedText normalize(NormalizedText t) {
            return replace(t, pattern.compiled(), content);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Replace");
            m.put("pattern", pattern.toJson());
            m.put("content", content);
            return m;
        }
    }

    /** Replacement keeping alignment: inserted chars map to the range of the text they replace. */
    static NormalizedText replace(NormalizedText t, Pattern p, String content) {
        var matcher = p.matcher(t.text);
        if (!matcher.find()) return t;
        NormalizedText.Builder b = new NormalizedText.Builder(t.length() + 8);
        int last = 0;
        do {
            int s = matcher.start(), e = matcher.end();
            if (e == s) continue;
            b.appendFrom(t, last, s);
            int[] r = t.originalRange(s, e);
            b.append(content, r[0], r[1]);
            last = e;
        } while (matcher.find());
        b.appendFrom(t, last, t.length());
        return b.build(t.emptyBase());
    }

    /** Prepends {@code prepend} to non-empty text (SentencePiece's "▁"). */
    record Prepend(String prepend) implements Normalizer {
        @Override
        public NormalizedText normalize(NormalizedText t) {
            if (t.isEmpty()) return t;
            NormalizedText.Builder b = new NormalizedText.Builder(t.length() + prepend.length());
            b.append(prepend, t.start(0), t.end(0));
            b.appendFrom(t, 0, t.length());
            return b.build(t.emptyBase());
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Prepend");
            m.put("prepend", prepend);
            return m;
        }
    }

    /** Applies normalizers in order. */
    record Sequence(List<Normalizer> steps) implements Normalizer {
        @Override
        public NormalizedText normalize(NormalizedText t) {
            for (Normalizer n : steps) t = n.normalize(t);
            return t;
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.sequence("normalizers", steps, Normalizer::toJson);
        }
    }
}
