// Decoders: turn token strings back into text (ByteLevel, WordPiece with cleanup, Metaspace, Replace,
// ByteFallback, Fuse, Strip, BPEDecoder, Sequence). Like HF, each maps a list of token strings to a list
// ("decode_chain") and the final text is their concatenation.
package dev.kindling.models.tokenizers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Decoders as in Hugging Face {@code tokenizers.decoders}. */
final class Decoders {
    private Decoders() {
    }

    interface Decoder {
        List<String> decodeChain(List<String> tokens);

        Map<String, Object> toJson();
    }

    static Decoder fromJson(Object json) {
        if (json == null) return null;
        Map<String, Object> m = JsonFields.object(json, "decoder");
        String type = JsonFields.string(m, "type", "decoder");
        return switch (type) {
            case "ByteLevel" -> new ByteLevelDecoder();
            case "WordPiece" -> new WordPiece(m.containsKey("prefix") ? JsonFields.string(m, "prefix", "decoder") : "##",
                    JsonFields.bool(m, "cleanup", true));
            case "Metaspace" -> {
                String scheme = JsonFields.optString(m, "prepend_scheme", "decoder");
                if (scheme == null) scheme = JsonFields.bool(m, "add_prefix_space", true) ? "always" : "never";
                yield new Metaspace(JsonFields.string(m, "replacement", "decoder"), scheme);
            }
            case "Replace" -> new Replace(JsonFields.pattern(m, "decoder.Replace"),
                    JsonFields.string(m, "content", "decoder.Replace"));
            case "ByteFallback" -> new ByteFallback();
            case "Fuse" -> new Fuse();
            case "Strip" -> new Strip(JsonFields.string(m, "content", "decoder.Strip"),
                    JsonFields.integer(m, "start", 0), JsonFields.integer(m, "stop", 0));
            case "BPEDecoder" -> new BpeSuffix(m.containsKey("suffix") ? JsonFields.string(m, "suffix", "decoder")
                    : "</w>");
            case "Sequence" -> new Sequence(JsonFields.each(m, "decoders", "decoder.Sequence", Decoders::fromJson));
            default -> throw new TokenizerFormatException("tokenizer.json: unsupported decoder type \"" + type
                    + "\" (supported: ByteLevel, WordPiece, Metaspace, Replace, ByteFallback, Fuse, Strip, BPEDecoder,"
                    + " Sequence)");
        };
    }

    /** Byte-level chars back to UTF-8 text (all tokens fused into one string). */
    record ByteLevelDecoder() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            StringBuilder sb = new StringBuilder();
            for (String t : tokens) sb.append(t);
            List<String> out = new ArrayList<>(1);
            out.add(ByteLevel.decode(sb));
            return out;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("ByteLevel");
            m.put("add_prefix_space", true);
            m.put("trim_offsets", true);
            m.put("use_regex", true);
            return m;
        }
    }

    /** WordPiece: "##x" joins the previous token, other tokens get a leading space; optional cleanup. */
    record WordPiece(String prefix, boolean cleanup) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if (i != 0) t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
                if (cleanup) t = cleanup(t);
                out.add(t);
            }
            return out;
        }

        /** HF's {@code cleanup}: removes the space WordPiece decoding puts before punctuation and contractions. */
        static String cleanup(String s) {
            return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                    .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                    .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("WordPiece");
            m.put("prefix", prefix);
            m.put("cleanup", cleanup);
            return m;
        }
    }

    /** SentencePiece: the replacement char becomes a space; the first token loses its prefix space. */
    record Metaspace(String replacement, String prependScheme) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i).replace(replacement, " ");
                if (i == 0 && !prependScheme.equals("never") && t.startsWith(" ")) t = t.substring(1);
                out.add(t);
            }
            return out;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Metaspace");
            m.put("replacement", replacement);
            m.put("prepend_scheme", prependScheme);
            m.put("split", true);
            return m;
        }
    }

    /** Replaces a literal or regex in each token. */
    record Replace(JsonFields.PatternSpec pattern, String content) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            java.util.regex.Pattern p = pattern.compiled();
            String rep = java.util.regex.Matcher.quoteReplacement(content);
            List<String> out = new ArrayList<>(tokens.size());
            for (String t : tokens) out.add(p.matcher(t).replaceAll(rep));
            return out;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Replace");
            m.put("pattern", pattern.toJson());
            m.put("content", content);
            return m;
        }
    }

    /** Runs of {@code <0xXX>} tokens become the UTF-8 text they encode (U+FFFD per byte if invalid). */
    record ByteFallback() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int pending = 0;
            for (String t : tokens) {
                int b = byteToken(t);
                if (b >= 0) {
                    bytes.write(b);
                    pending++;
                    continue;
                }
                flush(bytes, pending, out);
                pending = 0;
                out.add(t);
            }
            flush(bytes, pending, out);
            return out;
        }

        private static void flush(ByteArrayOutputStream bytes, int count, List<String> out) {
            if (count == 0) return;
            byte[] b = bytes.toByteArray();
            bytes.reset();
            var dec = StandardCharsets.UTF_8.newDecoder();
            try {
                out.add(dec.decode(java.nio.ByteBuffer.wrap(b)).toString());
            } catch (java.nio.charset.CharacterCodingException e) {
                for (int i = 0; i < count; i++) out.add("\uFFFD");
            }
        }

        static int byteToken(String t) {
            if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
            try {
                return Integer.parseInt(t.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed("ByteFallback");
        }
    }

    /** Joins all tokens into one string. */
    record Fuse() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(1);
            out.add(String.join("", tokens));
            return out;
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.typed("Fuse");
        }
    }

    /** Removes up to {@code start} leading and {@code stop} trailing {@code content} chars from each token. */
    record Strip(String content, int start, int stop) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            char c = content.charAt(0);
            for (String t : tokens) {
                int a = 0, b = t.length();
                for (int i = 0; i < start && a < b && t.charAt(a) == c; i++) a++;
                for (int i = 0; i < stop && b > a && t.charAt(b - 1) == c; i++) b--;
                out.add(t.substring(a, b));
            }
            return out;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("Strip");
            m.put("content", content);
            m.put("start", start);
            m.put("stop", stop);
            return m;
        }
    }

    /** Original BPE end-of-word suffix ({@code </w>}) becomes a space (none after the last token). */
    record BpeSuffix(String suffix) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
            }
            return out;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = JsonFields.typed("BPEDecoder");
            m.put("suffix", suffix);
            return m;
        }
    }

    /** Applies decoders in order. */
    record Sequence(List<Decoder> steps) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            for (Decoder d : steps) tokens = d.decodeChain(tokens);
            return tokens;
        }

        @Override
        public Map<String, Object> toJson() {
            return JsonFields.sequence("decoders", steps, Decoder::toJson);
        }
    }
}
