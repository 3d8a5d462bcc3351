// PreTokenizers: the second pipeline stage, splitting normalized text into words the model tokenizes
// (ByteLevel, BertPreTokenizer, Whitespace, WhitespaceSplit, Split, Punctuation, Digits, Metaspace, Sequence),
// with Hugging Face's split behaviors (removed, isolated, merged with previous/next, contiguous).
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pre-tokenizers as in Hugging Face {@code tokenizers.pre_tokenizers}. */
final class PreTokenizers {
    private PreTokenizers() {
    }

    /** One pre-tokenization step: appends the words of {@code piece} to {@code out}. */
    interface PreTokenizer {
        void split(NormalizedText piece, List<NormalizedText> out);

        Map<String, Object> toJson();
    }

    /** What happens to the delimiter matched by a split (HF {@code SplitDelimiterBehavior}). */
    enum Behavior {
        REMOVED("Removed"), ISOLATED("Isolated"), MERGED_WITH_PREVIOUS("MergedWithPrevious"),
        MERGED_WITH_NEXT("MergedWithNext"), CONTIGUOUS("Contiguous");

        final String jsonName;

        Behavior(String jsonName) {
            this.jsonName = jsonName;
        }

        static Behavior parse(String s, String where) {
            for (Behavior b : values()) if (b.jsonName.equals(s)) return b;
            throw new TokenizerFormatException("tokenizer.json: \"" + where + ".behavior\" must be one of Removed,"
                    + " Isolated, MergedWithPrevious, MergedWithNext, Contiguous; got \"" + s + "\"");
        }
    }

    static PreTokenizer fromJson(Object json) {
        if (json == null) return null;
        Map<String, Object> m = JsonFields.object(json, "pre_tokenizer");
        String type = JsonFields.string(m, "type", "pre_tokenizer");
        return switch (type) {
            case "ByteLevel" -> new ByteLevelSplit(JsonFields.bool(m, "add_prefix_space", true),
                    JsonFields.bool(m, "trim_offsets", true), JsonFields.bool(m, "use_regex", true));
            case "BertPreTokenizer" -> new BertSplit();
            case "Whitespace" -> new Whitespace();
            case "WhitespaceSplit" -> new WhitespaceSplit();
            case "Split" -> new Split(JsonFields.pattern(m, "pre_tokenizer.Split"),
                    Behavior.parse(JsonFields.string(m, "behavior", "pre_tokenizer.Split"), "pre_tokenizer.Split"),
                    JsonFields.bool(m, "invert", false));
            case "Punctuation" -> new Punctuation(m.get("behavior") == null ? Behavior.ISOLATED
                    : Behavior.parse(JsonFields.string(m, "behavior", "pre_tokenizer.Punctuation"),
                    "pre_tokenizer.Punctuation"));
            case "Digits" -> new Digits(JsonFields.bool(m, "individual_digits", false));
            case "Metaspace" -> {
                String rep = JsonFields.string(m, "replacement", "pre_tokenizer.Metaspace");
                String scheme = JsonFields.optString(m, "prepend_scheme", "pre_tokenizer.Metaspace");
                if (scheme == null) scheme = JsonFields.bool(m, "add_prefix_space", true) ? "always" : "never";
                yield new Metaspace(rep.codePointAt(0), scheme, JsonFields.bool(m, "split", true));
            }
            case "Sequence" -> new Sequence(JsonFields.each(m, "pretokenizers", "pre_tokenizer.Sequence",
                    PreTokenizers::fromJson));
            default -> throw new TokenizerFormatException("tokenizer.json: unsupported pre_tokenizer type \"" + type
                    + "\" (supported: ByteLevel, BertPreTokenizer, Whitespace, WhitespaceSplit, Split, Punctuation,"
                    + " Digits, Metaspace, Sequence)");
        };
    }

    // ---------------------------------------------------------------- splitting machinery

    /**
     * Splits {@code t} around the match ranges in {@code matches} (sorted, non-overlapping) according to
     * {@code behavior}; {@code invert} swaps matches and gaps. Empty pieces are dropped.
     */
    static void splitAround(NormalizedText t, ByteLevel.IntPairs matches, Behavior behavior, boolean invert,
                            List<NormalizedText> out) {
        int n = t.length();
        // segments: alternate gap/match runs as (from, to, isMatch)
        int count = matches.pairs();
        int[] seg = new int[(2 * count + 1) * 3];
        int ns = 0, prev = 0;
        for (int k = 0; k < count; k++) {
            int a = matches.data[2 * k], b = matches.data[2 * k + 1];
            if (a == b) continue;
            if (a > prev) { seg[ns++] = prev; seg[ns++] = a; seg[ns++] = invert ? 1 : 0; }
            seg[ns++] = a; seg[ns++] = b; seg[ns++] = invert ? 0 : 1;
            prev = b;
        }
        if (prev < n) { seg[ns++] = prev; seg[ns++] = n; seg[ns++] = invert ? 1 : 0; }
        int segs = ns / 3;
        switch (behavior) {
            case REMOVED -> {
                for (int s = 0; s < segs; s++) if (seg[3 * s + 2] == 0) out.add(t.sub(seg[3 * s], seg[3 * s + 1]));
            }
            case ISOLATED -> {
                for (int s = 0; s < segs; s++) out.add(t.sub(seg[3 * s], seg[3 * s + 1]));
            }
            case CONTIGUOUS -> {
                int s = 0;
                while (s < segs) {
                    int from = seg[3 * s], to = seg[3 * s + 1], kind = seg[3 * s + 2];
                    s++;
                    while (s < segs && seg[3 * s + 2] == kind) to = seg[3 * s++ + 1];
                    out.add(t.sub(from, to));
                }
            }
            case MERGED_WITH_PREVIOUS -> { // a match joins the piece before it (unless that piece is a match)
                int start = 0;
                boolean prevMatch = false;
                List<int[]> pieces = new ArrayList<>();
                for (int s = 0; s < segs; s++) {
                    boolean isMatch = seg[3 * s + 2] == 1;
                    if (isMatch && !prevMatch && !pieces.isEmpty()) pieces.get(pieces.size() - 1)[1] = seg[3 * s + 1];
                    else pieces.add(new int[] {seg[3 * s], seg[3 * s + 1]});
                    prevMatch = isMatch;
                }
                for (int[] p : pieces) out.add(t.sub(p[0], p[1]));
            }
            case MERGED_WITH_NEXT -> { // a match joins the piece after it (unless that piece is a match)
                boolean prevMatch = false;
                List<int[]> pieces = new ArrayList<>();
                for (int s = segs - 1; s >= 0; s--) {
                    boolean isMatch = seg[3 * s + 2] == 1;
                    if (isMatch && !prevMatch && !pieces.isEmpty()) pieces.get(pieces.size() - 1)[0] = seg[3 * s];
                    else pieces.add(new int[] {seg[3 * s], seg[3 * s + 1]});
                    prevMatch = isMatch;
                }
                for (int p = pieces.size() - 1; p >= 0; p--) out.add(t.sub(pieces.get(p)[0], pieces.get(p)[1]));
            }
        }
    }

    /** Each code point satisfying {@code pred} is one match (HF's char-predicate pattern). */
    static ByteLevel.IntPairs charMatches(String s, IntPredicate pred) {
        ByteLevel.IntPairs m = new ByteLevel.IntPairs();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            if (pred.test(cp)) m.add(i, i + len);
            i += len;
        }
        return m;
    }

    static ByteLevel.IntPairs regexMatches(String s, Pattern p) {
        ByteLevel.IntPairs m = new ByteLevel.IntPairs();
        Matcher mt = p.matcher(s);
        while (mt.find()) if (mt.end() > mt.start()) m.add(mt.start(), mt.end());
        return m;
    }

    /** BERT punctuation: ASCII punctuation or any Unicode P* category char. */
    static boolean isBertPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** Rust {@code char::is_numeric}: categories Nd, Nl, No. */
    static boolean isNumeric(int cp) {
        if (cp < 128) return cp >= '0' && cp <= '9';
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    // ---------------------------------------------------------------- pre-tokenizers

    /** GPT-2 byte-level: optional prefix space, the GPT-2 regex split, then bytes mapped to alphabet chars. */
    record ByteLevelSplit(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            NormalizedText t = piece;
            if (addPrefixSpace && !t.isEmpty() && t.text.charAt(0) != ' ') {
                NormalizedText.Builder b = new NormalizedText.Builder(t.length() + 1);
                b.append(' ', t.start(0), t.start(0));
                b.appendFrom(t, 0, t.length());
                t = b.build(t.emptyBase());
            }
            if (!useRegex) {
                if (!t.isEmpty()) out.add(ByteLevel.toByteChars(t));
                return;
            }
            ByteLevel.IntPairs m = new ByteLevel.IntPairs();
            int count = ByteLevel.gpt2Matches(t.text, m);
            for (int k = 0; k < count; k++) out.add(ByteLevel.toByteChars(t.sub(m.data[2 * k], m.data[2 * k + 1])));
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("ByteLevel");
            m.put("add_prefix_space", addPrefixSpace);
            m.put("trim_offsets", trimOffsets);
            m.put("use_regex", useRegex);
            return m;
        }
    }

    /** BERT: split on whitespace (removed), then every punctuation char is its own word. */
    record BertSplit() implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            List<NormalizedText> words = new ArrayList<>();
            splitAround(piece, charMatches(piece.text, Normalizers::isWhitespace), Behavior.REMOVED, false, words);
            for (NormalizedText w : words) {
                splitAround(w, charMatches(w.text, PreTokenizers::isBertPunctuation), Behavior.ISOLATED, false, out);
            }
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed("BertPreTokenizer");
        }
    }

    /** Runs of word chars and runs of other non-space chars ({@code \w+|[^\w\s]+}). */
    record Whitespace() implements PreTokenizer {
        private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            ByteLevel.IntPairs m = regexMatches(piece.text, WORDS);
            for (int k = 0; k < m.pairs(); k++) out.add(piece.sub(m.data[2 * k], m.data[2 * k + 1]));
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed("Whitespace");
        }
    }

    /** Splits on whitespace, which is removed. */
    record WhitespaceSplit() implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            splitAround(piece, charMatches(piece.text, Normalizers::isWhitespace), Behavior.REMOVED, false, out);
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed("WhitespaceSplit");
        }
    }

    /** Splits on a literal or regex pattern with a delimiter behavior. */
    record Split(JsonFields.PatternSpec pattern, Behavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            ByteLevel.IntPairs m;
            if (pattern.regex() != null && pattern.regex().equals(ByteLevel.GPT2_PATTERN)) {
                m = new ByteLevel.IntPairs();
                ByteLevel.gpt2Matches(piece.text, m);
            } else {
                m = regexMatches(piece.text, compiled());
            }
            splitAround(piece, m, behavior, invert, out);
        }

        private Pattern compiled() {
            return CACHE.computeIfAbsent(pattern, JsonFields.PatternSpec::compiled);
        }

        private static final Map<JsonFields.PatternSpec, Pattern> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Split");
            m.put("pattern", pattern.toJson());
            m.put("behavior", behavior.jsonName);
            m.put("invert", invert);
            return m;
        }
    }

    /** Splits on punctuation chars. */
    record Punctuation(Behavior behavior) implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            splitAround(piece, charMatches(piece.text, PreTokenizers::isBertPunctuation), behavior, false, out);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Punctuation");
            m.put("behavior", behavior.jsonName);
            return m;
        }
    }

    /** Splits digits from other chars: each digit alone, or runs of digits. */
    record Digits(boolean individualDigits) implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            splitAround(piece, charMatches(piece.text, PreTokenizers::isNumeric),
                    individualDigits ? Behavior.ISOLATED : Behavior.CONTIGUOUS, false, out);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Digits");
            m.put("individual_digits", individualDigits);
            return m;
        }
    }

    /** SentencePiece style: spaces become {@code ▁}, optionally prepended, words start at each {@code ▁}. */
    record Metaspace(int replacement, String prependScheme, boolean splitWords) implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            String rep = Character.toString(replacement);
            NormalizedText t = piece.mapCodePoints(cp -> cp == ' ' ? rep : null);
            boolean prepend = switch (prependScheme) {
                case "always" -> true;
                case "first" -> !t.isEmpty() && t.start(0) == 0;
                default -> false;
            };
            if (prepend && !t.isEmpty() && !t.text.startsWith(rep)) {
                NormalizedText.Builder b = new NormalizedText.Builder(t.length() + 2);
                b.append(rep, t.start(0), t.start(0));
                b.appendFrom(t, 0, t.length());
                t = b.build(t.emptyBase());
            }
            if (!splitWords) {
                if (!t.isEmpty()) out.add(t);
                return;
            }
            splitAround(t, charMatches(t.text, cp -> cp == replacement), Behavior.MERGED_WITH_NEXT, false, out);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Metaspace");
            m.put("replacement", Character.toString(replacement));
            m.put("prepend_scheme", prependScheme);
            m.put("split", splitWords);
            return m;
        }
    }

    /** Applies pre-tokenizers in order, each to every piece of the previous one. */
    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        @Override
        public void split(NormalizedText piece, List<NormalizedText> out) {
            List<NormalizedText> cur = List.of(piece);
            for (PreTokenizer p : steps) {
                List<NormalizedText> next = new ArrayList<>();
                for (NormalizedText t : cur) p.split(t, next);
                cur = next;
            }
            out.addAll(cur);
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.sequence("pretokenizers", steps, PreTokenizer::toJson);
        }
    }
}
