// TokenizerPipelineTest: the pipeline parts one by one — GPT-2 split scanner vs the regex semantics (whitespace
// runs, tabs, newlines, Unicode spaces), normalizers, pre-tokenizers, post-processors with pairs and type ids,
// added-token rules, decoders, padding/truncation, batch tensors and errors for malformed tokenizer.json.
package dev.kindling.models.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TokenizerPipelineTest {

    private static List<String> gpt2Split(String s) {
        ByteLevel.IntPairs m = new ByteLevel.IntPairs();
        int n = ByteLevel.gpt2Matches(s, m);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < n; k++) out.add(s.substring(m.data[2 * k], m.data[2 * k + 1]));
        return out;
    }

    @Test
    void gpt2SplitHandlesWhitespaceLikeThePythonRegex() {
        assertThat(gpt2Split("a  b")).containsExactly("a", " ", " b");
        assertThat(gpt2Split("a\n\nb")).containsExactly("a", "\n", "\n", "b");
        assertThat(gpt2Split("a \n b")).containsExactly("a", " \n", " b");
        assertThat(gpt2Split("x\t\ty ")).containsExactly("x", "\t", "\t", "y", " ");
        assertThat(gpt2Split("end   ")).containsExactly("end", "   ");
        assertThat(gpt2Split("I'm you'll they've DON'T")).containsExactly("I", "'m", " you", "'ll", " they", "'ve",
                " DON", "'", "T");
        assertThat(gpt2Split("a\u00A0b\u3000c")).containsExactly("a", "\u00A0", "b", "\u3000", "c"); // Unicode spaces
        assertThat(gpt2Split("x\u001Fy")).containsExactly("x", "\u001F", "y"); // \x1f is not \s (White_Space)
        assertThat(gpt2Split(" 12ab !?🙂")).containsExactly(" 12", "ab", " !?🙂");
        assertThat(gpt2Split("")).isEmpty();
    }

    @Test
    void gpt2SplitEqualsUnicodeJavaRegexOnRandomText() {
        // java.util.regex with UNICODE_CHARACTER_CLASS uses White_Space for \s, like the Rust/Python engines
        Pattern p = Pattern.compile(ByteLevel.GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
        String pool = "ab Z\t\n\r  '''sdtmrvel019٣½.,!?-_@\u00A0\u2003\u3000\u0085大模🙂é\u0301\u200B";
        Random rnd = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(25);
            for (int i = 0; i < len; i++) {
                int at = rnd.nextInt(pool.length());
                if (Character.isHighSurrogate(pool.charAt(at))) sb.append(pool, at, at + 2);
                else if (!Character.isLowSurrogate(pool.charAt(at))) sb.append(pool.charAt(at));
            }
            String s = sb.toString();
            List<String> expected = new ArrayList<>();
            Matcher m = p.matcher(s);
            while (m.find()) expected.add(m.group());
            assertThat(gpt2Split(s)).as("split of [%s]", s).isEqualTo(expected);
        }
    }

    @Test
    void gpt2TokenizerEncodesWhitespaceAndNewlinesLikeReference() {
        HfTokenizer tok = TokenizerTestData.gpt2();
        assertThat(tok.encode("hello  world").ids()).containsExactly(31373, 220, 995);
        assertThat(tok.encode("Hello\n\nworld").ids()).containsExactly(15496, 198, 198, 6894);
        assertThat(tok.encode("\n\n").ids()).containsExactly(628);
        Encoding e = tok.encode("Hello world");
        assertThat(e.offsets()[1]).containsExactly(5, 11); // "Ġworld" keeps its space (trim_offsets=false, as HF gpt2)
        String mixed = "tabs\tand\u00A0nbsp 🙂🙂 naïve\r\n";
        assertThat(tok.decode(tok.encode(mixed).ids())).isEqualTo(mixed);
    }

    private static final String BERT_LIKE = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[{"id":0,"content":"[PAD]","special":true,"normalized":false},
               {"id":1,"content":"[UNK]","special":true,"normalized":false},
               {"id":2,"content":"[CLS]","special":true,"normalized":false},
               {"id":3,"content":"[SEP]","special":true,"normalized":false},
               {"id":11,"content":"<mask>","special":true,"normalized":false,"lstrip":true}],
             "normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
             "pre_tokenizer":{"type":"BertPreTokenizer"},
             "post_processor":{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]},
             "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
             "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":5,
               "vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"cafe":4,"!":5,"un":6,"##aff":7,"##able":8,"a":9,"b":10}}}
            """;

    @Test
    void bertPipelineNormalizesPairsTypeIdsAndOffsets() {
        HfTokenizer tok = HfTokenizer.fromJson(BERT_LIKE);
        Encoding e = tok.encode("CAFÉ\u0000 unaffable!", "a b");
        assertThat(e.tokens()).containsExactly("[CLS]", "cafe", "[UNK]", "!", "[SEP]", "a", "b", "[SEP]");
        assertThat(e.typeIds()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1);
        assertThat(e.specialTokensMask()).containsExactly(1, 0, 0, 0, 1, 0, 0, 1);
        assertThat(e.offsets()[1]).containsExactly(0, 4);   // "CAFÉ" in the original text
        assertThat(e.offsets()[2]).containsExactly(6, 15);  // "unaffable" > max_input_chars_per_word=5 -> [UNK]
        assertThat(e.offsets()[5]).containsExactly(0, 1);   // offsets of the pair point into the pair text
        assertThat(tok.encode("unaff").tokens()).containsExactly("[CLS]", "un", "##aff", "[SEP]");
        // lstrip added token absorbs the space before it; special tokens skipped in decoding
        Encoding m = tok.encode("a <mask>b");
        assertThat(m.tokens()).containsExactly("[CLS]", "a", "<mask>", "b", "[SEP]");
        assertThat(m.offsets()[2]).containsExactly(1, 8);
        assertThat(tok.decode(tok.encode("cafe unaff!").ids(), true)).isEqualTo("cafe unaff!");
        assertThat(tok.encode("cafe", null, false, null).tokens()).containsExactly("cafe");
    }

    @Test
    void batchPaddingTruncationAndTensors() {
        HfTokenizer tok = HfTokenizer.fromJson(BERT_LIKE);
        BatchEncoding b = tok.encodeBatch(List.of("a", "a b a b a"), PaddingOptions.longest(), null);
        Tensor ids = b.inputIds();
        assertThat(ids.shape()).containsExactly(2, 7);
        assertThat(ids.toLongArray()).containsExactly(2, 9, 3, 0, 0, 0, 0, 2, 9, 10, 9, 10, 9, 3);
        assertThat(b.attentionMask().toLongArray()).containsExactly(1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1);
        BatchEncoding left = tok.encodeBatch(List.of("a"), PaddingOptions.fixed(5).leftSide(), null);
        assertThat(left.encodings().get(0).ids()).containsExactly(0, 0, 2, 9, 3);
        BatchEncoding cut = tok.encodeBatch(List.of("a b a b a"), null, TruncationOptions.of(4));
        assertThat(cut.encodings().get(0).ids()).containsExactly(2, 9, 10, 3); // budget includes [CLS]/[SEP]
        assertThat(tok.encodeBatch(List.of("a"), PaddingOptions.longest().multipleOf(8), null).sequenceLength())
                .isEqualTo(8);
        // pairs: longest_first shortens the longer side; only_second / only_first as asked
        Encoding lf = tok.encode("a a a a a a", "b b", true, TruncationOptions.of(7));
        assertThat(lf.tokens()).containsExactly("[CLS]", "a", "a", "[SEP]", "b", "b", "[SEP]");
        Encoding os = tok.encode("a a", "b b b b", true, new TruncationOptions(6, TruncationOptions.Strategy.ONLY_SECOND, false));
        assertThat(os.tokens()).containsExactly("[CLS]", "a", "a", "[SEP]", "b", "[SEP]");
        Encoding ol = tok.encode("a b a", null, true, new TruncationOptions(4, TruncationOptions.Strategy.ONLY_FIRST, true));
        assertThat(ol.tokens()).containsExactly("[CLS]", "b", "a", "[SEP]");
        assertThatThrownBy(() -> tok.encode("a", "b b b", true,
                new TruncationOptions(3, TruncationOptions.Strategy.ONLY_FIRST, false)))
                .hasMessageContaining("ONLY_FIRST").hasMessageContaining("max_length 3");
        assertThatThrownBy(() -> new BatchEncoding(List.of(tok.encode("a"), tok.encode("a b"))).inputIds())
                .hasMessageContaining("encode with padding");
    }

    private static List<String> preTokenize(String json, String text) {
        PreTokenizers.PreTokenizer p = PreTokenizers.fromJson(dev.kindling.io.Json.parse(json));
        List<NormalizedText> out = new ArrayList<>();
        p.split(NormalizedText.of(text, 0), out);
        return out.stream().map(t -> t.text).toList();
    }

    @Test
    void preTokenizersSplitLikeHuggingFace() {
        assertThat(preTokenize("{\"type\":\"Whitespace\"}", "Hey friend!!  How's it?"))
                .containsExactly("Hey", "friend", "!!", "How", "'", "s", "it", "?");
        assertThat(preTokenize("{\"type\":\"WhitespaceSplit\"}", " a\tb\u3000c ")).containsExactly("a", "b", "c");
        assertThat(preTokenize("{\"type\":\"Digits\",\"individual_digits\":true}", "a123")).containsExactly("a", "1", "2", "3");
        assertThat(preTokenize("{\"type\":\"Digits\",\"individual_digits\":false}", "a123b")).containsExactly("a", "123", "b");
        assertThat(preTokenize("{\"type\":\"Punctuation\",\"behavior\":\"Isolated\"}", "a,b!!")).containsExactly("a", ",", "b", "!", "!");
        String split = "{\"type\":\"Split\",\"pattern\":{\"String\":\"-\"},\"behavior\":\"%s\",\"invert\":false}";
        assertThat(preTokenize(split.formatted("Removed"), "a-b--c")).containsExactly("a", "b", "c");
        assertThat(preTokenize(split.formatted("MergedWithPrevious"), "a-b--c")).containsExactly("a-", "b-", "-", "c");
        assertThat(preTokenize(split.formatted("MergedWithNext"), "a-b--c")).containsExactly("a", "-b", "-", "-c");
        assertThat(preTokenize(split.formatted("Contiguous"), "a-b--c")).containsExactly("a", "-", "b", "--", "c");
        assertThat(preTokenize("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\",\"split\":true}",
                "Hey  you")).containsExactly("▁Hey", "▁", "▁you");
        assertThat(preTokenize("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"WhitespaceSplit\"},"
                + "{\"type\":\"Digits\",\"individual_digits\":true}]}", "ab12 c")).containsExactly("ab", "1", "2", "c");
        assertThat(preTokenize("{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"use_regex\":true}", "hi é"))
                .containsExactly("Ġhi", "ĠÃ©");
    }

    private static String normalize(String json, String text) {
        return Normalizers.fromJson(dev.kindling.io.Json.parse(json)).normalize(NormalizedText.of(text, 0)).text;
    }

    @Test
    void normalizersTransformAndKeepAlignment() {
        assertThat(normalize("{\"type\":\"NFD\"}", "é")).isEqualTo("e\u0301");
        assertThat(normalize("{\"type\":\"NFC\"}", "e\u0301")).isEqualTo("é");
        assertThat(normalize("{\"type\":\"NFKC\"}", "ﬁ①")).isEqualTo("fi1");
        assertThat(normalize("{\"type\":\"Lowercase\"}", "ÀB İ")).isEqualTo("àb i\u0307");
        assertThat(normalize("{\"type\":\"StripAccents\"}", "naïve café")).isEqualTo("naive cafe");
        assertThat(normalize("{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true}", "\t x \n")).isEqualTo("x");
        assertThat(normalize("{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"}", "a \t\nb")).isEqualTo("a b");
        assertThat(normalize("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"▁\"},"
                + "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"▁\"}]}", "a b")).isEqualTo("▁a▁b");
        assertThat(normalize("{\"type\":\"BertNormalizer\",\"lowercase\":false,\"strip_accents\":false}", "Ab\u200B大c\r"))
                .isEqualTo("Ab 大 c "); // zero-width space (Cf) removed, CJK padded, \r -> space
        NormalizedText t = Normalizers.fromJson(dev.kindling.io.Json.parse("{\"type\":\"NFKC\"}"))
                .normalize(NormalizedText.of("xﬁy", 10));
        assertThat(t.text).isEqualTo("xfiy");
        assertThat(t.originalRange(1, 3)).containsExactly(11, 12); // "fi" came from the ligature at 11
    }

    private static String decode(String json, String... tokens) {
        return String.join("", Decoders.fromJson(dev.kindling.io.Json.parse(json)).decodeChain(List.of(tokens)));
    }

    @Test
    void decodersRebuildText() {
        assertThat(decode("{\"type\":\"ByteLevel\"}", "Hello", "Ġw", "orld", "ĠðŁ", "ĻĤ")).isEqualTo("Hello world 🙂");
        assertThat(decode("{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true}", "i", "do", "not", "un", "##aff",
                ",", "?")).isEqualTo("i do not unaff,?"); // cleanup is per token, as in HF
        assertThat(decode("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\"}", "▁Hey", "▁you"))
                .isEqualTo("Hey you");
        // Llama 2 style: Replace ▁, ByteFallback, Fuse, Strip one leading space
        assertThat(decode("{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"▁\"},"
                + "\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \","
                + "\"start\":1,\"stop\":0}]}", "▁Hi", "▁", "<0xF0>", "<0x9F>", "<0x99>", "<0x82>", "x", "<0xFF>"))
                .isEqualTo("Hi 🙂x\uFFFD"); // an invalid byte run becomes one U+FFFD per byte
        assertThat(decode("{\"type\":\"BPEDecoder\",\"suffix\":\"</w>\"}", "hel", "lo</w>", "you</w>")).isEqualTo("hello you");
    }

    @Test
    void bpeByteFallbackAndUnknownChars() {
        String json = """
                {"model":{"type":"BPE","unk_token":"<unk>","byte_fallback":true,"fuse_unk":true,
                 "vocab":{"<unk>":0,"<0xC3>":1,"<0xA9>":2,"a":3,"b":4,"ab":5},"merges":[["a","b"]]},
                 "decoder":{"type":"Sequence","decoders":[{"type":"ByteFallback"},{"type":"Fuse"}]}}
                """;
        HfTokenizer tok = HfTokenizer.fromJson(json);
        Encoding e = tok.encode("abéa");
        assertThat(e.tokens()).containsExactly("ab", "<0xC3>", "<0xA9>", "a");
        assertThat(tok.decode(e.ids())).isEqualTo("abéa");
        assertThat(tok.encode("a🙂🙂b").tokens()).containsExactly("a", "<unk>", "b"); // no bytes for 🙂: fused unk
    }

    @Test
    void malformedTokenizerJsonNamesTheField() {
        assertThatThrownBy(() -> HfTokenizer.fromJson("{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}"))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("model.type").hasMessageContaining("Unigram");
        assertThatThrownBy(() -> HfTokenizer.fromJson("{\"model\":{\"type\":\"WordPiece\"}}"))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("model.vocab");
        assertThatThrownBy(() -> HfTokenizer.fromJson("{\"normalizer\":null}"))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("\"model\"");
        assertThatThrownBy(() -> HfTokenizer.fromJson("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a b\"]}}"))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("merge 0").hasMessageContaining("\"b\"");
        assertThatThrownBy(() -> HfTokenizer.fromJson("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":\"x\"},\"merges\":[]}}"))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("model.vocab[\"a\"]");
        assertThatThrownBy(() -> HfTokenizer.fromJson("{\"pre_tokenizer\":{\"type\":\"Nope\"},\"model\":{\"type\":\"WordLevel\",\"vocab\":{}}}"))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("pre_tokenizer type \"Nope\"");
        assertThatThrownBy(() -> HfTokenizer.fromJson("{\"model\": "))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("not valid JSON");
    }
}
