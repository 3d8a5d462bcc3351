// PostProcessors: the last encoding stage, adding special tokens and type ids around one sequence or a pair
// (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel offset trimming, Sequence).
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Post-processors as in Hugging Face {@code tokenizers.processors}. */
final class PostProcessors {
    private PostProcessors() {
    }

    interface PostProcessor {
        /** Number of special tokens added to a single sequence or a pair (for truncation budgets). */
        int addedTokens(boolean pair);

        /** Combines the encodings; {@code b} is null for a single sequence. */
        Encoding process(Encoding a, Encoding b, boolean addSpecialTokens);

        /** Whether token offsets should drop surrounding whitespace (ByteLevel / RoBERTa trim_offsets). */
        default boolean trimOffsets() {
            return false;
        }

        Map<String, Object> toJson();
    }

    /** What HF does without a post-processor: concatenate A and B with their type ids (0 and 1). */
    static Encoding defaultProcess(Encoding a, Encoding b) {
        return b == null ? a : a.concat(b);
    }

    static PostProcessor fromJson(Object json) {
        if (json == null) return null;
        Map<String, Object> m = JsonFields.object(json, "post_processor");
        String type = JsonFields.string(m, "type", "post_processor");
        return switch (type) {
            case "TemplateProcessing" -> Template.fromJson(m);
            case "BertProcessing" -> {
                Special sep = Special.pair(m, "sep"), cls = Special.pair(m, "cls");
                yield new Template("BertProcessing", m,
                        List.of(cls.piece(0), Piece.seq("A", 0), sep.piece(0)),
                        List.of(cls.piece(0), Piece.seq("A", 0), sep.piece(0), Piece.seq("B", 1), sep.piece(1)),
                        Map.of(cls.token, cls, sep.token, sep), false);
            }
            case "RobertaProcessing" -> {
                Special sep = Special.pair(m, "sep"), cls = Special.pair(m, "cls");
                yield new Template("RobertaProcessing", m,
                        List.of(cls.piece(0), Piece.seq("A", 0), sep.piece(0)),
                        List.of(cls.piece(0), Piece.seq("A", 0), sep.piece(0), sep.piece(0), Piece.seq("B", 0),
                                sep.piece(0)), Map.of(cls.token, cls, sep.token, sep),
                        JsonFields.bool(m, "trim_offsets", true));
            }
            case "ByteLevel" -> new ByteLevelTrim(m, JsonFields.bool(m, "trim_offsets", true));
            case "Sequence" -> new Sequence(JsonFields.each(m, "processors", "post_processor.Sequence",
                    PostProcessors::fromJson));
            default -> throw new TokenizerFormatException("tokenizer.json: unsupported post_processor type \"" + type
                    + "\" (supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
        };
    }

    /** A special token of a template: its name, ids and tokens (usually one of each). */
    record Special(String token, int[] ids, String[] tokens) {
        Piece piece(int typeId) {
            return new Piece(token, true, typeId);
        }

        /** BertProcessing's {@code "sep": ["[SEP]", 102]}. */
        static Special pair(Map<String, Object> m, String key) {
            List<Object> l = JsonFields.list(m, key, "post_processor");
            if (l.size() != 2 || !(l.get(0) instanceof String tok)) throw new TokenizerFormatException(
                    "tokenizer.json: \"post_processor." + key + "\" must be [token, id]");
            return new Special(tok, new int[] {JsonFields.integer(l.get(1), "post_processor." + key + "[1]")},
                    new String[] {tok});
        }
    }

    /** A template element: a special token or sequence A/B, with its type id. */
    record Piece(String id, boolean special, int typeId) {
        static Piece seq(String ab, int typeId) {
            return new Piece(ab, false, typeId);
        }
    }

    /** Template processing ({@code [CLS] $A [SEP]} / {@code [CLS] $A [SEP] $B:1 [SEP]:1}). */
    static final class Template implements PostProcessor {
        private final String jsonType;
        private final Map<String, Object> original;
        final List<Piece> single;
        final List<Piece> pair;
        final Map<String, Special> specials;
        private final boolean trim;

        Template(String jsonType, Map<String, Object> original, List<Piece> single, List<Piece> pair,
                 Map<String, Special> specials, boolean trim) {
            this.jsonType = jsonType;
            this.original = original;
            this.single = single;
            this.pair = pair;
            this.specials = specials;
            this.trim = trim;
            for (List<Piece> t : List.of(single, pair)) {
                for (Piece p : t) {
                    if (p.special && !specials.containsKey(p.id)) throw new TokenizerFormatException(
                            "tokenizer.json: post_processor template uses special token \"" + p.id
                                    + "\" which is missing from \"special_tokens\"");
                }
            }
        }

        static Template fromJson(Map<String, Object> m) {
            Map<String, Special> specials = new LinkedHashMap<>();
            Object st = m.get("special_tokens");
            if (st != null) {
                for (Map.Entry<String, Object> e : JsonFields.object(st, "post_processor.special_tokens").entrySet()) {
                    Map<String, Object> s = JsonFields.object(e.getValue(), "post_processor.special_tokens." + e.getKey());
                    List<Object> ids = JsonFields.list(s, "ids", "post_processor.special_tokens." + e.getKey());
                    List<Object> toks = JsonFields.list(s, "tokens", "post_processor.special_tokens." + e.getKey());
                    int[] idArr = new int[ids.size()];
                    for (int i = 0; i < idArr.length; i++) idArr[i] = JsonFields.integer(ids.get(i), "special_tokens ids");
                    specials.put(e.getKey(), new Special(e.getKey(), idArr, toks.stream().map(String::valueOf)
                            .toArray(String[]::new)));
                }
            }
            return new Template("TemplateProcessing", m, parse(m.get("single"), "single"),
                    parse(m.get("pair"), "pair"), specials, false);
        }

        private static List<Piece> parse(Object t, String where) {
            List<Piece> out = new ArrayList<>();
            if (t instanceof String s) { // "[CLS] $A [SEP]" form
                for (String part : s.trim().split("\\s+")) {
                    String name = part;
                    int type = 0;
                    int colon = part.lastIndexOf(':');
                    if (colon > 0) {
                        name = part.substring(0, colon);
                        type = Integer.parseInt(part.substring(colon + 1));
                    }
                    if (name.equals("$A") || name.equals("$B")) out.add(Piece.seq(name.substring(1), type));
                    else if (name.startsWith("$")) out.add(Piece.seq(name.equals("$") ? "A" : name.substring(1), type));
                    else out.add(new Piece(name, true, type));
                }
                return out;
            }
            if (!(t instanceof List<?> l)) throw new TokenizerFormatException("tokenizer.json: \"post_processor."
                    + where + "\" must be a template array, got " + JsonFields.describe(t));
            for (Object o : l) {
                Map<String, Object> e = JsonFields.object(o, "post_processor." + where + "[]");
                if (e.get("SpecialToken") != null) {
                    Map<String, Object> s = JsonFields.object(e.get("SpecialToken"), "SpecialToken");
                    out.add(new Piece(JsonFields.string(s, "id", "SpecialToken"), true,
                            JsonFields.integer(s, "type_id", 0)));
                } else if (e.get("Sequence") != null) {
                    Map<String, Object> s = JsonFields.object(e.get("Sequence"), "Sequence");
                    out.add(Piece.seq(JsonFields.string(s, "id", "Sequence"), JsonFields.integer(s, "type_id", 0)));
                } else {
                    throw new TokenizerFormatException("tokenizer.json: \"post_processor." + where + "\" items must be"
                            + " {\"SpecialToken\": ...} or {\"Sequence\": ...}, got keys " + e.keySet());
                }
            }
            return out;
        }

        @Override
        public int addedTokens(boolean isPair) {
            int n = 0;
            for (Piece p : isPair ? pair : single) if (p.special) n += specials.get(p.id).ids.length;
            return n;
        }

        @Override
        public Encoding process(Encoding a, Encoding b, boolean addSpecialTokens) {
            Encoding out = Encoding.empty();
            for (Piece p : b == null ? single : pair) {
                if (!p.special) {
                    Encoding seq = p.id.equals("A") ? a : b;
                    if (seq != null) out = out.concat(seq.withTypeId(p.typeId));
                } else if (addSpecialTokens) {
                    Special s = specials.get(p.id);
                    int n = s.ids.length;
                    int[] type = new int[n], mask = new int[n], special = new int[n];
                    int[][] off = new int[n][];
                    java.util.Arrays.fill(type, p.typeId);
                    java.util.Arrays.fill(mask, 1);
                    java.util.Arrays.fill(special, 1);
                    for (int i = 0; i < n; i++) off[i] = new int[] {0, 0};
                    out = out.concat(new Encoding(s.ids.clone(), s.tokens.clone(), type, mask, special, off));
                }
            }
            return out;
        }

        @Override
        public boolean trimOffsets() {
            return trim;
        }

        @Override
        public Map<String, Object> toJson() {
            if (!jsonType.equals("TemplateProcessing")) return original;
            Map<String, Object> m = JsonFields.typed("TemplateProcessing");
            m.put("single", write(single));
            m.put("pair", write(pair));
            Map<String, Object> sp = new LinkedHashMap<>();
            for (Special s : specials.values()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("id", s.token);
                e.put("ids", s.ids);
                e.put("tokens", List.of(s.tokens));
                sp.put(s.token, e);
            }
            m.put("special_tokens", sp);
            return m;
        }

        private static List<Object> write(List<Piece> t) {
            List<Object> out = new ArrayList<>();
            for (Piece p : t) {
                Map<String, Object> inner = new LinkedHashMap<>();
                inner.put("id", p.id);
                inner.put("type_id", p.typeId);
                out.add(Map.of(p.special ? "SpecialToken" : "Sequence", inner));
            }
            return out;
        }
    }

    /** ByteLevel post-processor: no tokens added; only trims whitespace from offsets. */
    record ByteLevelTrim(Map<String, Object> original, boolean trim) implements PostProcessor {
        @Override
        public int addedTokens(boolean pair) {
            return 0;
        }

        @Override
        public Encoding process(Encoding a, Encoding b, boolean addSpecialTokens) {
            return defaultProcess(a, b);
        }

        @Override
        public boolean trimOffsets() {
            return trim;
        }

        @Override
        public Map<String, Object> toJson() {
            return original;
        }
    }

    /** Applies processors in order (the first combines the pair, later ones see the combined encoding). */
    record Sequence(List<PostProcessor> steps) implements PostProcessor {
        @Override
        public int addedTokens(boolean pair) {
            int n = 0;
            for (PostProcessor p : steps) n += p.addedTokens(pair);
            return n;
        }

        @Override
        public Encoding process(Encoding a, Encoding b, boolean addSpecialTokens) {
            Encoding cur = a;
            Encoding second = b;
            for (PostProcessor p : steps) {
                cur = p.process(cur, second, addSpecialTokens);
                second = null;
            }
            return second == null ? cur : defaultProcess(cur, second);
        }

        @Override
        public boolean trimOffsets() {
            for (PostProcessor p : steps) if (p.trimOffsets()) return true;
            return false;
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.sequence("processors", steps, PostProcessor::toJson);
        }
    }
}
