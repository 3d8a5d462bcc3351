// HfTokenizerGoldenTest: every probe of the reference library (tokenizers 0.23) reproduced exactly — ids,
// tokens and decoded text — for the byte-level BPE and WordPiece tokenizer.json files, plus the original
// GPT-2 files and the MiniLM (BERT uncased) vocabulary through both loaders.
package dev.kindling.models.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HfTokenizerGoldenTest {

    @SuppressWarnings("unchecked")
    private static void checkProbes(String file, String key) {
        HfTokenizer tok = HfTokenizer.fromJson(TokenizerTestData.text(file));
        Map<String, Object> probes = (Map<String, Object>) TokenizerTestData.json("expected.json").get("probes");
        List<Object> cases = (List<Object>) probes.get(key);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(7);
        for (Object o : cases) {
            Map<String, Object> c = (Map<String, Object>) o;
            String text = (String) c.get("text");
            Encoding e = tok.encode(text);
            assertThat(e.ids()).as("ids of %s", text).containsExactly(TokenizerTestData.ints(c.get("ids")));
            assertThat(e.tokens()).as("tokens of %s", text).containsExactly(TokenizerTestData.strings(c.get("tokens")));
            assertThat(tok.decode(e.ids(), true)).as("decode of %s", text).isEqualTo(c.get("decoded"));
        }
    }

    @Test
    void byteLevelBpeMatchesReferenceProbes() {
        checkProbes("bytelevel_bpe.json", "bytelevel_bpe");
    }

    @Test
    void wordPieceMatchesReferenceProbes() {
        checkProbes("wordpiece.json", "wordpiece");
    }

    @Test
    @SuppressWarnings("unchecked")
    void gpt2OriginalFilesMatchReferenceIdsAndRoundTrip() {
        HfTokenizer tok = TokenizerTestData.gpt2();
        assertThat(tok.vocabSize()).isEqualTo(50257);
        for (Object o : (List<Object>) TokenizerTestData.json("gpt2_bpe_reference.json").get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            String text = (String) c.get("text");
            int[] ids = tok.encode(text).ids();
            assertThat(ids).as(text).containsExactly(TokenizerTestData.ints(c.get("ids")));
            assertThat(tok.decode(ids, false)).isEqualTo(text);
        }
        assertThat(((Gpt2Tokenizer) tok).endOfTextId()).isEqualTo(50256);
        // the special token is matched before BPE, in the middle of text
        assertThat(tok.encode("Hi<|endoftext|>Hi").ids()).containsExactly(17250, 50256, 17250);
        assertThat(tok.decode(new int[] {17250, 50256, 17250}, true)).isEqualTo("HiHi");
    }

    @Test
    @SuppressWarnings("unchecked")
    void miniLmVocabTxtAndTokenizerJsonGiveReferenceIds() throws IOException {
        HfTokenizer fromVocab = WordPieceTokenizer.fromVocab(TokenizerTestData.file("minilm-vocab.txt.gz"), true);
        HfTokenizer fromJson = HfTokenizer.fromFile(TokenizerTestData.file("minilm-tokenizer.json.gz"));
        for (HfTokenizer tok : List.of(fromVocab, fromJson)) {
            assertThat(tok.vocabSize()).isEqualTo(30522);
            for (Object o : (List<Object>) TokenizerTestData.json("minilm_reference.json").get("sentences")) {
                Map<String, Object> c = (Map<String, Object>) o;
                Encoding e = tok.encode((String) c.get("text"));
                assertThat(e.ids()).as((String) c.get("text")).containsExactly(TokenizerTestData.ints(c.get("input_ids")));
                assertThat(e.tokens()).containsExactly(TokenizerTestData.strings(c.get("tokens")));
                assertThat(e.attentionMask()).containsOnly(1);
                assertThat(e.typeIds()).containsOnly(0);
            }
        }
        // the file's padding/truncation sections are exposed, not applied implicitly (as in transformers)
        assertThat(fromJson.defaultPadding().fixedLength()).isEqualTo(128);
        assertThat(fromJson.defaultTruncation().maxLength()).isEqualTo(128);
        assertThat(fromJson.encode("Hello, world!").length()).isEqualTo(6);
    }
}
