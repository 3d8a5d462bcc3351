// AddedTokens: tokens added on top of the model vocabulary ([CLS], <|endoftext|>, user tokens), matched in the
// text before the model runs (leftmost-longest, with HF's single_word / lstrip / rstrip / normalized rules).
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The added-token vocabulary of a tokenizer. */
final class AddedTokens {

    /** One added token as in tokenizer.json's {@code added_tokens}. */
    record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized,
                      boolean special) {
        static AddedToken special(int id, String content) {
            return new AddedToken(id, content, false, false, false, false, true);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("content", content);
            m.put("single_word", singleWord);
            m.put("lstrip", lstrip);
            m.put("rstrip", rstrip);
            m.put("normalized", normalized);
            m.put("special", special);
            return m;
        }
    }

    final List<AddedToken> tokens;
    private final Map<String, AddedToken> byContent = new HashMap<>();
    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Map<Character, List<Candidate>> raw = new HashMap<>();       // matched on the input text
    private final Map<Character, List<Candidate>> normalized = new HashMap<>(); // matched on normalized text

    private record Candidate(String text, AddedToken token) {
    }

    AddedTokens(List<AddedToken> tokens, Normalizers.Normalizer normalizer) {
        this.tokens = List.copyOf(tokens);
        for (AddedToken t : tokens) {
            if (t.content.isEmpty()) throw new TokenizerFormatException("tokenizer.json: added token " + t.id
                    + " has empty \"content\"");
            byContent.put(t.content, t);
            byId.put(t.id, t);
            String match = t.content;
            boolean onNormalized = t.normalized && normalizer != null && !t.special;
            if (onNormalized) match = normalizer.normalize(NormalizedText.of(match, 0)).text;
            if (match.isEmpty()) continue;
            (onNormalized ? normalized : raw).computeIfAbsent(match.charAt(0), k -> new ArrayList<>())
                    .add(new Candidate(match, t));
        }
        for (Map<Character, List<Candidate>> m : List.of(raw, normalized)) {
            for (List<Candidate> l : m.values()) l.sort((a, b) -> b.text.length() - a.text.length());
        }
    }

    static AddedTokens fromJson(Object json, Normalizers.Normalizer normalizer) {
        List<AddedToken> out = new ArrayList<>();
        if (json != null) {
            if (!(json instanceof List<?> l)) throw new TokenizerFormatException("tokenizer.json: \"added_tokens\" must"
                    + " be an array, got " + JsonFields.describe(json));
            for (int i = 0; i < l.size(); i++) {
                Map<String, Object> m = JsonFields.object(l.get(i), "added_tokens[" + i + "]");
                out.add(new AddedToken(JsonFields.integer(m.get("id"), "added_tokens[" + i + "].id"),
                        JsonFields.string(m, "content", "added_tokens[" + i + "]"), JsonFields.bool(m, "single_word", false),
                        JsonFields.bool(m, "lstrip", false), JsonFields.bool(m, "rstrip", false),
                        JsonFields.bool(m, "normalized", true), JsonFields.bool(m, "special", false)));
            }
        }
        return new AddedTokens(out, normalizer);
    }

    boolean isEmpty() {
        return tokens.isEmpty();
    }

    boolean hasNormalized() {
        return !normalized.isEmpty();
    }

    AddedToken byContent(String s) {
        return byContent.get(s);
    }

    AddedToken byId(int id) {
        return byId.get(id);
    }

    boolean isSpecial(int id) {
        AddedToken t = byId.get(id);
        return t != null && t.special;
    }

    /**
     * Splits {@code s} into gaps and added-token matches: {@code out} gets triples (from, to, tokenId or -1).
     *
     * @param onNormalized match the normalized-text tokens (else the raw-text ones)
     */
    void split(String s, boolean onNormalized, ByteLevel.IntPairs out) {
        Map<Character, List<Candidate>> index = onNormalized ? normalized : raw;
        int n = s.length(), gapStart = 0, i = 0;
        if (index.isEmpty()) {
            addTriple(out, 0, n, -1);
            return;
        }
        while (i < n) {
            List<Candidate> cands = index.get(s.charAt(i));
            Candidate hit = null;
            if (cands != null) {
                for (Candidate c : cands) {
                    if (s.startsWith(c.text, i) && wordOk(c.token, s, i, i + c.text.length())) {
                        hit = c;
                        break;
                    }
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            int from = i, to = i + hit.text.length();
            if (hit.token.lstrip) while (from > gapStart && Normalizers.isWhitespace(s.charAt(from - 1))) from--;
            if (hit.token.rstrip) while (to < n && Normalizers.isWhitespace(s.charAt(to))) to++;
            if (from > gapStart) addTriple(out, gapStart, from, -1);
            addTriple(out, from, to, hit.token.id);
            gapStart = i = to;
        }
        if (gapStart < n) addTriple(out, gapStart, n, -1);
    }

    private static void addTriple(ByteLevel.IntPairs out, int a, int b, int id) {
        out.add(a, b);
        out.add(id, 0);
    }

    /** single_word tokens must not touch word chars on either side. */
    private static boolean wordOk(AddedToken t, String s, int from, int to) {
        if (!t.singleWord) return true;
        boolean leftOk = from == 0 || !Character.isLetterOrDigit(s.codePointBefore(from)) && s.charAt(from - 1) != '_';
        boolean rightOk = to == s.length() || !Character.isLetterOrDigit(s.codePointAt(to)) && s.charAt(to) != '_';
        return leftOk && rightOk;
    }

    List<Object> toJson() {
        List<Object> l = new ArrayList<>();
        for (AddedToken t : tokens) l.add(t.toJson());
        return l;
    }
}
