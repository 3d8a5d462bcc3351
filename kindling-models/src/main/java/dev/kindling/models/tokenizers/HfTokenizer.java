// HfTokenizer: a Hugging Face tokenizer.json pipeline in pure Java: added tokens -> normalizer ->
// pre-tokenizer -> model (BPE / WordPiece / WordLevel) -> truncation -> post-processor -> padding, and the
// decoder back. Loads and saves the tokenizer.json format, so files trained here open in Python and back.
package dev.kindling.models.tokenizers;

import dev.kindling.io.AtomicFiles;
import dev.kindling.io.Json;
import dev.kindling.kernels.Parallel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer defined by a Hugging Face {@code tokenizer.json}: byte-level BPE (GPT-2, RoBERTa, Llama 3),
 * WordPiece (BERT) or WordLevel models with their normalizers, pre-tokenizers, post-processors and decoders.
 *
 * <p>Like {@code transformers}, the file's own {@code padding}/{@code truncation} sections are not applied by
 * {@link #encode}; they are exposed as {@link #defaultPadding()} / {@link #defaultTruncation()} to pass to
 * {@link #encodeBatch} when wanted. Offsets are UTF-16 char offsets into the input string. Thread-safe.
 *
 * <p>Example:
 * <pre>{@code
 * HfTokenizer tok = HfTokenizer.fromFile(Path.of("models/minilm/tokenizer.json"));
 * Encoding e = tok.encode("Hello, world!");     // ids [101, 7592, 1010, 2088, 999, 102]
 * BatchEncoding b = tok.encodeBatch(List.of("a b", "c"), PaddingOptions.longest(), TruncationOptions.of(128));
 * tok.save(Path.of("copy/tokenizer.json"));
 * }</pre>
 */
public class HfTokenizer implements Tokenizer {
    final Normalizers.Normalizer normalizer;
    final PreTokenizers.PreTokenizer preTokenizer;
    final Models.Model model;
    final PostProcessors.PostProcessor postProcessor;
    final Decoders.Decoder decoder;
    final AddedTokens added;
    private final PaddingOptions defaultPadding;
    private final TruncationOptions defaultTruncation;

    HfTokenizer(Normalizers.Normalizer normalizer, PreTokenizers.PreTokenizer preTokenizer, Models.Model model,
                PostProcessors.PostProcessor postProcessor, Decoders.Decoder decoder,
                List<AddedTokens.AddedToken> addedTokens, PaddingOptions defaultPadding,
                TruncationOptions defaultTruncation) {
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.added = new AddedTokens(addedTokens, normalizer);
        this.defaultPadding = defaultPadding;
        this.defaultTruncation = defaultTruncation;
    }

    /** Copy constructor for subclasses that are a fixed pipeline (GPT-2 files, BERT vocab.txt). */
    HfTokenizer(HfTokenizer other) {
        this(other.normalizer, other.preTokenizer, other.model, other.postProcessor, other.decoder,
                other.added.tokens, other.defaultPadding, other.defaultTruncation);
    }

    // ---------------------------------------------------------------- loading and saving

    /**
     * Loads a {@code tokenizer.json} file (or {@code tokenizer.json.gz}).
     *
     * @throws TokenizerFormatException for malformed or unsupported content (the message names the field)
     */
    public static HfTokenizer fromFile(Path tokenizerJson) throws IOException {
        String text = TokenizerFiles.readText(tokenizerJson);
        try {
            return fromJson(text);
        } catch (TokenizerFormatException e) {
            throw new TokenizerFormatException(tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code tokenizer.json} content. */
    public static HfTokenizer fromJson(String json) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
        }
        Normalizers.Normalizer normalizer = Normalizers.fromJson(root.get("normalizer"));
        return new HfTokenizer(normalizer, PreTokenizers.fromJson(root.get("pre_tokenizer")),
                Models.fromJson(root.get("model")), PostProcessors.fromJson(root.get("post_processor")),
                Decoders.fromJson(root.get("decoder")),
                AddedTokens.fromJson(root.get("added_tokens"), normalizer).tokens,
                parsePadding(root.get("padding")), parseTruncation(root.get("truncation")));
    }

    /** The tokenizer as tokenizer.json text (Hugging Face format, loadable by {@code tokenizers}). */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", truncationJson(defaultTruncation));
        root.put("padding", paddingJson(defaultPadding));
        root.put("added_tokens", added.toJson());
        root.put("normalizer", normalizer == null ? null : normalizer.toJson());
        root.put("pre_tokenizer", preTokenizer == null ? null : preTokenizer.toJson());
        root.put("post_processor", postProcessor == null ? null : postProcessor.toJson());
        root.put("decoder", decoder == null ? null : decoder.toJson());
        root.put("model", model.toJson());
        return Json.write(root);
    }

    /** Writes {@link #toJson()} atomically to {@code file}. */
    public void save(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    // ---------------------------------------------------------------- encoding

    @Override
    public Encoding encode(String text) {
        return encode(text, null, true, null);
    }

    @Override
    public Encoding encode(String text, String pair) {
        return encode(text, pair, true, null);
    }

    /**
     * Encodes {@code text} (and {@code pair} when not null).
     *
     * @param addSpecialTokens apply the post-processor's special tokens ([CLS]/[SEP], &lt;s&gt;...)
     * @param truncation       null for none; the budget includes the special tokens
     */
    public Encoding encode(String text, String pair, boolean addSpecialTokens, TruncationOptions truncation) {
        Encoding a = encodeSequence(text, 0);
        Encoding b = pair == null ? null : encodeSequence(pair, 1);
        if (truncation != null) {
            int special = addSpecialTokens && postProcessor != null ? postProcessor.addedTokens(b != null) : 0;
            Encoding[] t = truncate(a, b, truncation, special);
            a = t[0];
            b = t[1];
        }
        if (postProcessor == null) return PostProcessors.defaultProcess(a, b);
        return postProcessor.process(a, b, addSpecialTokens);
    }

    /** Token ids of {@code text} without special tokens (the plain model view, as generation needs). */
    public int[] encodeIds(String text) {
        return encode(text, null, false, null).ids();
    }

    /** One sequence through added tokens, normalizer, pre-tokenizer and model. */
    private Encoding encodeSequence(String text, int typeId) {
        Builder out = new Builder(text.length() / 3 + 4);
        ByteLevel.IntPairs segs = new ByteLevel.IntPairs();
        added.split(text, false, segs);
        List<NormalizedText> words = new ArrayList<>();
        for (int k = 0; k < segs.size; k += 4) {
            int from = segs.data[k], to = segs.data[k + 1], id = segs.data[k + 2];
            if (id >= 0) {
                out.add(id, from, to);
                continue;
            }
            NormalizedText n = NormalizedText.of(text.substring(from, to), from);
            if (normalizer != null) n = normalizer.normalize(n);
            if (added.hasNormalized()) {
                ByteLevel.IntPairs inner = new ByteLevel.IntPairs();
                added.split(n.text, true, inner);
                for (int q = 0; q < inner.size; q += 4) {
                    int a = inner.data[q], b = inner.data[q + 1], tid = inner.data[q + 2];
                    if (tid >= 0) {
                        int[] r = n.originalRange(a, b);
                        out.add(tid, r[0], r[1]);
                    } else {
                        tokenizeWords(n.sub(a, b), words, out);
                    }
                }
            } else {
                tokenizeWords(n, words, out);
            }
        }
        Encoding e = out.build(typeId, this);
        if (postProcessor != null && postProcessor.trimOffsets()) trimOffsets(e, text);
        return e;
    }

    private void tokenizeWords(NormalizedText piece, List<NormalizedText> words, Builder out) {
        if (piece.isEmpty()) return;
        words.clear();
        if (preTokenizer == null) words.add(piece);
        else preTokenizer.split(piece, words);
        for (NormalizedText w : words) {
            Models.Tokens t = model.tokenize(w.text);
            for (int i = 0; i < t.ids().length; i++) {
                int s = t.starts()[i], e = t.ends()[i];
                if (e > s) out.add(t.ids()[i], w.start(s), w.end(e - 1));
                else {
                    int[] r = w.originalRange(s, e);
                    out.add(t.ids()[i], r[0], r[1]);
                }
            }
        }
    }

    /** ByteLevel trim_offsets: offsets exclude the whitespace a token carries (e.g. the space of "Ġworld"). */
    private static void trimOffsets(Encoding e, String text) {
        for (int[] o : e.offsets()) {
            int s = o[0], t = o[1];
            while (s < t && Normalizers.isWhitespace(text.charAt(s))) s++;
            while (t > s && Normalizers.isWhitespace(text.charAt(t - 1))) t--;
            if (s < t) {
                o[0] = s;
                o[1] = t;
            }
        }
    }

    /** Accumulates ids and offsets without per-token objects. */
    private static final class Builder {
        int[] ids, starts, ends;
        int n;

        Builder(int cap) {
            ids = new int[cap];
            starts = new int[cap];
            ends = new int[cap];
        }

        void add(int id, int s, int e) {
            if (n == ids.length) {
                ids = Arrays.copyOf(ids, n * 2 + 4);
                starts = Arrays.copyOf(starts, n * 2 + 4);
                ends = Arrays.copyOf(ends, n * 2 + 4);
            }
            ids[n] = id;
            starts[n] = s;
            ends[n] = e;
            n++;
        }

        Encoding build(int typeId, HfTokenizer tok) {
            int[] id = Arrays.copyOf(ids, n), type = new int[n], mask = new int[n], special = new int[n];
            String[] tokens = new String[n];
            int[][] off = new int[n][];
            Arrays.fill(type, typeId);
            Arrays.fill(mask, 1);
            for (int i = 0; i < n; i++) {
                tokens[i] = tok.idToToken(id[i]);
                off[i] = new int[] {starts[i], ends[i]};
            }
            return new Encoding(id, tokens, type, mask, special, off);
        }
    }

    /** HF's truncation of a sequence (and pair) before special tokens are added. */
    static Encoding[] truncate(Encoding a, Encoding b, TruncationOptions t, int specialTokens) {
        int max = t.maxLength() - specialTokens;
        int total = a.length() + (b == null ? 0 : b.length());
        if (total <= Math.max(max, 0) && max >= 0) return new Encoding[] {a, b};
        if (max < 0) max = 0;
        int toRemove = total - max;
        boolean left = t.left();
        switch (t.strategy()) {
            case LONGEST_FIRST -> {
                if (b == null) return new Encoding[] {cut(a, a.length() - toRemove, left), null};
                int n1 = a.length(), n2 = b.length();
                boolean swap = n1 > n2;
                if (swap) { int tmp = n1; n1 = n2; n2 = tmp; }
                n2 = n1 > max ? n1 : Math.max(n1, max - n1);
                if (n1 + n2 > max) {
                    n1 = max / 2;
                    n2 = n1 + max % 2;
                }
                if (swap) { int tmp = n1; n1 = n2; n2 = tmp; }
                return new Encoding[] {cut(a, n1, left), cut(b, n2, left)};
            }
            case ONLY_FIRST, ONLY_SECOND -> {
                boolean first = t.strategy() == TruncationOptions.Strategy.ONLY_FIRST || b == null;
                Encoding target = first ? a : b;
                if (target.length() <= toRemove) {
                    throw new IllegalArgumentException("truncation " + t.strategy() + ": the "
                            + (first ? "first" : "second") + " sequence has " + target.length() + " tokens, too few to"
                            + " remove " + toRemove + " and fit max_length " + t.maxLength() + " (with "
                            + specialTokens + " special tokens); use LONGEST_FIRST or a larger max_length");
                }
                Encoding cutT = cut(target, target.length() - toRemove, left);
                return first ? new Encoding[] {cutT, b} : new Encoding[] {a, cutT};
            }
            default -> throw new IllegalStateException();
        }
    }

    private static Encoding cut(Encoding e, int keep, boolean left) {
        return left ? e.truncateLeft(keep) : e.truncate(keep);
    }

    @Override
    public BatchEncoding encodeBatch(List<String> texts, PaddingOptions padding, TruncationOptions truncation) {
        return encodeBatch(texts, null, padding, truncation);
    }

    /**
     * Encodes pairs ({@code pairs.get(i)} goes with {@code texts.get(i)}; {@code pairs} may be null), in parallel
     * for large batches, then pads.
     */
    public BatchEncoding encodeBatch(List<String> texts, List<String> pairs, PaddingOptions padding,
                                     TruncationOptions truncation) {
        if (pairs != null && pairs.size() != texts.size()) throw new IllegalArgumentException("encodeBatch: "
                + texts.size() + " texts but " + pairs.size() + " pairs");
        Encoding[] out = new Encoding[texts.size()];
        Parallel.forRange(out.length, 16, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = encode(texts.get(i), pairs == null ? null : pairs.get(i), true, truncation);
            }
        });
        return pad(Arrays.asList(out), padding);
    }

    /** Pads encodings per {@code padding} (null: to the longest, on the right, with {@link #padTokenId()}). */
    BatchEncoding pad(List<Encoding> encs, PaddingOptions padding) {
        PaddingOptions p = padding != null ? padding : PaddingOptions.longest();
        int longest = 0;
        for (Encoding e : encs) longest = Math.max(longest, e.length());
        int target = p.targetLength(longest);
        int padId = p.padId() >= 0 ? p.padId() : padTokenId();
        String padToken = p.padToken() != null ? p.padToken() : padId < vocabSize() && tokenOrNull(padId) != null
                ? tokenOrNull(padId) : "[PAD]";
        List<Encoding> padded = new ArrayList<>(encs.size());
        for (Encoding e : encs) padded.add(e.pad(target, padId, padToken, p.padTypeId(), p.left()));
        return new BatchEncoding(padded);
    }

    /**
     * The pad id used when padding does not name one: the file's padding section, else a {@code [PAD]},
     * {@code <pad>} or {@code <|pad|>} token, else 0.
     */
    public int padTokenId() {
        if (defaultPadding != null && defaultPadding.padId() >= 0) return defaultPadding.padId();
        for (String s : List.of("[PAD]", "<pad>", "<|pad|>")) {
            Integer id = tokenToId(s);
            if (id != null) return id;
        }
        return 0;
    }

    // ---------------------------------------------------------------- decoding and vocabulary

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (skipSpecialTokens && added.isSpecial(id)) continue;
            tokens.add(idToToken(id));
        }
        if (decoder == null) return String.join(" ", tokens);
        return String.join("", decoder.decodeChain(tokens));
    }

    @Override
    public int vocabSize() {
        int n = model.vocabSize();
        for (AddedTokens.AddedToken t : added.tokens) n = Math.max(n, t.id() + 1);
        return n;
    }

    @Override
    public Integer tokenToId(String token) {
        AddedTokens.AddedToken t = added.byContent(token);
        return t != null ? Integer.valueOf(t.id()) : model.tokenToId(token);
    }

    @Override
    public String idToToken(int id) {
        String s = tokenOrNull(id);
        if (s == null) throw new IllegalArgumentException("idToToken: id " + id + " is not in the vocabulary (size "
                + vocabSize() + ")");
        return s;
    }

    private String tokenOrNull(int id) {
        AddedTokens.AddedToken t = added.byId(id);
        return t != null ? t.content() : model.idToToken(id);
    }

    /** The model vocabulary (token -> id, in id order), without added tokens. */
    public Map<String, Integer> vocab() {
        return model.vocab();
    }

    /** Contents of the added tokens marked special ({@code [CLS]}, {@code <|endoftext|>}...). */
    public List<String> specialTokens() {
        List<String> out = new ArrayList<>();
        for (AddedTokens.AddedToken t : added.tokens) if (t.special()) out.add(t.content());
        return out;
    }

    /** The file's padding section (null when absent); not applied implicitly. */
    public PaddingOptions defaultPadding() {
        return defaultPadding;
    }

    /** The file's truncation section (null when absent); not applied implicitly. */
    public TruncationOptions defaultTruncation() {
        return defaultTruncation;
    }

    // ---------------------------------------------------------------- padding / truncation sections

    private static PaddingOptions parsePadding(Object json) {
        if (json == null) return null;
        Map<String, Object> m = JsonFields.object(json, "padding");
        int fixed = 0;
        Object strategy = m.get("strategy");
        if (strategy instanceof Map<?, ?> s && s.get("Fixed") != null) fixed = JsonFields.integer(s.get("Fixed"),
                "padding.strategy.Fixed");
        int multiple = m.get("pad_to_multiple_of") == null ? 0 : JsonFields.integer(m.get("pad_to_multiple_of"),
                "padding.pad_to_multiple_of");
        return new PaddingOptions(fixed, "Left".equals(m.get("direction")), JsonFields.integer(m, "pad_id", 0),
                JsonFields.optString(m, "pad_token", "padding"), JsonFields.integer(m, "pad_type_id", 0), multiple);
    }

    private static Map<String, Object> paddingJson(PaddingOptions p) {
        if (p == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", p.fixedLength() > 0 ? Map.of("Fixed", p.fixedLength()) : "BatchLongest");
        m.put("direction", p.left() ? "Left" : "Right");
        m.put("pad_to_multiple_of", p.padToMultipleOf() > 1 ? p.padToMultipleOf() : null);
        m.put("pad_id", Math.max(p.padId(), 0));
        m.put("pad_type_id", p.padTypeId());
        m.put("pad_token", p.padToken() == null ? "[PAD]" : p.padToken());
        return m;
    }

    private static TruncationOptions parseTruncation(Object json) {
        if (json == null) return null;
        Map<String, Object> m = JsonFields.object(json, "truncation");
        String s = m.get("strategy") instanceof String str ? str : "LongestFirst";
        TruncationOptions.Strategy strategy = switch (s) {
            case "LongestFirst" -> TruncationOptions.Strategy.LONGEST_FIRST;
            case "OnlyFirst" -> TruncationOptions.Strategy.ONLY_FIRST;
            case "OnlySecond" -> TruncationOptions.Strategy.ONLY_SECOND;
            default -> throw new TokenizerFormatException("tokenizer.json: \"truncation.strategy\" must be LongestFirst,"
                    + " OnlyFirst or OnlySecond, got \"" + s + "\"");
        };
        return new TruncationOptions(JsonFields.integer(m, "max_length", 512), strategy,
                "Left".equals(m.get("direction")));
    }

    private static Map<String, Object> truncationJson(TruncationOptions t) {
        if (t == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("direction", t.left() ? "Left" : "Right");
        m.put("max_length", t.maxLength());
        m.put("strategy", switch (t.strategy()) {
            case LONGEST_FIRST -> "LongestFirst";
            case ONLY_FIRST -> "OnlyFirst";
            case ONLY_SECOND -> "OnlySecond";
        });
        m.put("stride", 0);
        return m;
    }
}
