// Gpt2Tokenizer: OpenAI's original GPT-2 tokenizer files (encoder.json + vocab.bpe) as a byte-level BPE
// pipeline, identical to Hugging Face's "gpt2" tokenizer.json and to openai/gpt-2's encoder.py.
package dev.kindling.models.tokenizers;

import dev.kindling.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2 byte-level BPE loaded from {@code encoder.json} + {@code vocab.bpe} (plain or {@code .gz}).
 *
 * <p>Example:
 * <pre>{@code
 * Gpt2Tokenizer tok = Gpt2Tokenizer.fromFiles(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"));
 * tok.encode("Hello world").ids();   // [15496, 995]
 * tok.decode(new int[] {15496, 995}); // "Hello world"
 * }</pre>
 */
public class Gpt2Tokenizer extends HfTokenizer {
    /** The end-of-text token that separates documents and ends generation. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private Gpt2Tokenizer(HfTokenizer pipeline) {
        super(pipeline);
    }

    /**
     * Loads the GPT-2 vocabulary ({@code encoder.json}: token -> id) and merges ({@code vocab.bpe}: one
     * "a b" pair per line after a {@code #version} header).
     *
     * @throws TokenizerFormatException when a file is malformed (the message names the file and line)
     */
    public static Gpt2Tokenizer fromFiles(Path encoderJson, Path vocabBpe) throws IOException {
        Map<String, Object> raw;
        try {
            raw = Json.parseObject(TokenizerFiles.readText(encoderJson));
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(encoderJson + ": not a JSON object of token -> id: " + e.getMessage(), e);
        }
        Map<String, Integer> vocab = new HashMap<>(raw.size() * 2);
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
                throw new TokenizerFormatException(encoderJson + ": id of \"" + e.getKey()
                        + "\" must be a non-negative integer, got " + JsonFields.describe(e.getValue()));
            }
            vocab.put(e.getKey(), (int) (long) id);
        }
        List<String[]> merges = new ArrayList<>(50_000);
        String[] lines = TokenizerFiles.readText(vocabBpe).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) continue;
            int sp = line.indexOf(' ');
            if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0) {
                throw new TokenizerFormatException(vocabBpe + ": line " + (i + 1) + " must be two tokens separated by"
                        + " one space, got \"" + line + "\"");
            }
            merges.add(new String[] {line.substring(0, sp), line.substring(sp + 1)});
        }
        BpeModel model;
        try {
            model = new BpeModel(vocab, merges, null, null, null, false, false, false);
        } catch (TokenizerFormatException e) {
            throw new TokenizerFormatException(vocabBpe + ": " + e.getMessage() + " (of " + encoderJson + ")", e);
        }
        List<AddedTokens.AddedToken> added = new ArrayList<>();
        Integer eot = vocab.get(END_OF_TEXT);
        if (eot != null) added.add(AddedTokens.AddedToken.special(eot, END_OF_TEXT));
        return new Gpt2Tokenizer(new HfTokenizer(null, new PreTokenizers.ByteLevelSplit(false, true, true), model,
                new PostProcessors.ByteLevelTrim(byteLevelJson(), false), new Decoders.ByteLevelDecoder(), added,
                null, null));
    }

    /** Loads {@code encoder.json} and {@code vocab.bpe} (or their {@code .gz}) from {@code dir}. */
    public static Gpt2Tokenizer fromDirectory(Path dir) throws IOException {
        return fromFiles(TokenizerFiles.existing(dir, "encoder.json"), TokenizerFiles.existing(dir, "vocab.bpe"));
    }

    /** Id of {@code <|endoftext|>} (50256 for GPT-2). */
    public int endOfTextId() {
        Integer id = tokenToId(END_OF_TEXT);
        if (id == null) throw new IllegalStateException("this vocabulary has no " + END_OF_TEXT + " token");
        return id;
    }

    private static Map<String, Object> byteLevelJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", false);
        m.put("trim_offsets", false);
        m.put("use_regex", true);
        return m;
    }
}
