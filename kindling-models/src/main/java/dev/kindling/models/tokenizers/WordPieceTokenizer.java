// WordPieceTokenizer: a BERT vocab.txt (one token per line, id = line number) as the standard BERT pipeline:
// BertNormalizer, BertPreTokenizer, WordPiece, [CLS] A [SEP] (B [SEP]) and the WordPiece decoder.
package dev.kindling.models.tokenizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT WordPiece tokenizer from {@code vocab.txt} (plain or {@code .gz}); the same ids as Hugging Face's
 * {@code BertTokenizerFast} with default settings.
 *
 * <p>Example:
 * <pre>{@code
 * WordPieceTokenizer tok = WordPieceTokenizer.fromVocab(Path.of("vocab.txt"), true);
 * tok.encode("Hello, world!").ids();   // [101, 7592, 1010, 2088, 999, 102]
 * }</pre>
 */
public class WordPieceTokenizer extends HfTokenizer {
    private static final List<String> BERT_SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private WordPieceTokenizer(HfTokenizer pipeline) {
        super(pipeline);
    }

    /**
     * Loads a BERT vocabulary.
     *
     * @param lowercase lowercase and strip accents (uncased models, the default); false for cased models
     * @throws TokenizerFormatException when the file lacks [CLS]/[SEP]/[UNK] or repeats a token
     */
    public static WordPieceTokenizer fromVocab(Path vocabTxt, boolean lowercase) throws IOException {
        String[] lines = TokenizerFiles.readText(vocabTxt).split("\n", -1);
        Map<String, Integer> vocab = new HashMap<>(lines.length * 2);
        int id = 0;
        for (int i = 0; i < lines.length; i++) {
            String tok = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (i == lines.length - 1 && tok.isEmpty()) break; // trailing newline
            if (vocab.putIfAbsent(tok, id) != null) {
                throw new TokenizerFormatException(vocabTxt + ": line " + (i + 1) + " repeats token \"" + tok + "\"");
            }
            id++;
        }
        return fromVocab(vocab, lowercase, vocabTxt.toString());
    }

    /** Builds the BERT pipeline over an in-memory vocabulary (token -> id). */
    public static WordPieceTokenizer fromVocab(Map<String, Integer> vocab, boolean lowercase) {
        return fromVocab(vocab, lowercase, "vocabulary");
    }

    private static WordPieceTokenizer fromVocab(Map<String, Integer> vocab, boolean lowercase, String where) {
        for (String s : List.of("[CLS]", "[SEP]", "[UNK]")) {
            if (!vocab.containsKey(s)) throw new TokenizerFormatException(where + ": missing the BERT special token "
                    + s);
        }
        List<AddedTokens.AddedToken> added = new ArrayList<>();
        for (String s : BERT_SPECIALS) {
            Integer sid = vocab.get(s);
            if (sid != null) added.add(AddedTokens.AddedToken.special(sid, s));
        }
        added.sort((a, b) -> Integer.compare(a.id(), b.id()));
        PostProcessors.Special cls = new PostProcessors.Special("[CLS]", new int[] {vocab.get("[CLS]")},
                new String[] {"[CLS]"});
        PostProcessors.Special sep = new PostProcessors.Special("[SEP]", new int[] {vocab.get("[SEP]")},
                new String[] {"[SEP]"});
        var template = new PostProcessors.Template("TemplateProcessing", null,
                List.of(cls.piece(0), PostProcessors.Piece.seq("A", 0), sep.piece(0)),
                List.of(cls.piece(0), PostProcessors.Piece.seq("A", 0), sep.piece(0), PostProcessors.Piece.seq("B", 1),
                        sep.piece(1)), new java.util.LinkedHashMap<>(Map.of("[CLS]", cls, "[SEP]", sep)), false);
        Integer pad = vocab.get("[PAD]");
        return new WordPieceTokenizer(new HfTokenizer(new Normalizers.Bert(true, true, null, lowercase),
                new PreTokenizers.BertSplit(), new WordPieceModel(vocab, "[UNK]", "##", 100), template,
                new Decoders.WordPiece("##", true), added,
                pad == null ? null : PaddingOptions.longest().withPad(pad, "[PAD]"), null));
    }
}
