// SentenceEncoder: sentence embeddings the sentence-transformers way: tokenizer -> BERT -> mean of the token
// states over the attention mask -> L2 normalisation. Batched inference (length-sorted, padded to the longest of
// each batch) without gradients, and a differentiable forward for fine-tuning the encoder.
package dev.kindling.models.embeddings;

import dev.kindling.models.bert.BertModel;
import dev.kindling.models.onnx.OnnxBertWeights;
import dev.kindling.models.onnx.OnnxModelReader;
import dev.kindling.models.tokenizers.BatchEncoding;
import dev.kindling.models.tokenizers.HfTokenizer;
import dev.kindling.models.tokenizers.PaddingOptions;
import dev.kindling.models.tokenizers.Tokenizer;
import dev.kindling.models.tokenizers.TruncationOptions;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Text to unit-length vectors.
 *
 * <p>Example:
 * <pre>{@code
 * var enc = SentenceEncoder.fromOnnx(Path.of("data/minilm/all-minilm-l6-v2.onnx"), Path.of("data/minilm/tokenizer.json"));
 * Tensor e = enc.encode(List.of("Hello, world!", "The quick brown fox"));   // [2, 384], rows of norm 1
 * float cos = SemanticIndex.cosine(e.select(0, 0).toFloatArray(), e.select(0, 1).toFloatArray());
 * }</pre>
 */
public final class SentenceEncoder {
    /** Sentences per forward pass in {@link #encode(List)}. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final Tokenizer tokenizer;
    private final BertModel model;
    private final int maxLength;

    /**
     * @param maxLength tokens per text, special tokens included; longer texts are truncated (at most the model's
     *                  position count)
     */
    public SentenceEncoder(Tokenizer tokenizer, BertModel model, int maxLength) {
        int positions = model.config().maxPositionEmbeddings();
        if (maxLength < 3 || maxLength > positions) throw new IllegalArgumentException("SentenceEncoder: maxLength "
                + maxLength + " must be in [3, " + positions + "] (the model has " + positions + " positions)");
        this.tokenizer = tokenizer;
        this.model = model;
        this.maxLength = maxLength;
    }

    /**
     * Loads a BERT sentence encoder exported to ONNX (float or int8-quantized, e.g. all-MiniLM-L6-v2) and its
     * Hugging Face tokenizer.json; texts are truncated as tokenizer.json says (128 tokens for MiniLM), else at the
     * model's position count. The model is in eval mode.
     */
    public static SentenceEncoder fromOnnx(Path onnxModel, Path tokenizerJson) throws IOException {
        HfTokenizer tok = HfTokenizer.fromFile(tokenizerJson);
        BertModel bert = OnnxBertWeights.from(OnnxModelReader.read(onnxModel)).toBertModel();
        bert.eval();
        int positions = bert.config().maxPositionEmbeddings();
        TruncationOptions t = tok.defaultTruncation();
        int max = t != null && t.maxLength() > 0 ? Math.min(t.maxLength(), positions) : positions;
        if (tok.vocabSize() > bert.config().vocabSize()) throw new IllegalArgumentException("SentenceEncoder: "
                + tokenizerJson + " has " + tok.vocabSize() + " tokens, the model's embedding table only "
                + bert.config().vocabSize());
        return new SentenceEncoder(tok, bert, max);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public BertModel model() {
        return model;
    }

    /** Embedding size (the model's hidden size). */
    public int dimension() {
        return model.config().hiddenSize();
    }

    public int maxLength() {
        return maxLength;
    }

    /** The embedding of one text: {@code [H]} floats of norm 1. */
    public float[] encode(String text) {
        return encode(List.of(text)).toFloatArray();
    }

    /** {@link #encode(List, int)} with {@link #DEFAULT_BATCH_SIZE}. */
    public Tensor encode(List<String> texts) {
        return encode(texts, DEFAULT_BATCH_SIZE);
    }

    /**
     * Embeddings of {@code texts}, {@code [N, H]}, rows of norm 1, in input order; no gradients recorded. Texts are
     * grouped by token count so each batch pads little; results do not depend on the grouping (padding is masked).
     */
    public Tensor encode(List<String> texts, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("SentenceEncoder.encode: batchSize must be > 0, got "
                + batchSize);
        int n = texts.size(), h = dimension();
        float[] out = new float[n * h];
        if (n == 0) return Tensor.of(out, 0, h);
        TruncationOptions trunc = TruncationOptions.of(maxLength);
        // Sort by a cheap length estimate (characters), so batches hold texts of similar token counts.
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        try (var g = Autograd.noGrad()) {
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                List<String> chunk = new ArrayList<>(end - start);
                for (int k = start; k < end; k++) chunk.add(texts.get(order[k]));
                float[] e = embed(tokenizer.encodeBatch(chunk, PaddingOptions.longest(), trunc)).toFloatArray();
                for (int k = start; k < end; k++) System.arraycopy(e, (k - start) * h, out, order[k] * h, h);
            }
        }
        return Tensor.of(out, n, h);
    }

    /** Tokenizes a batch the way {@link #encode} does (truncated to {@link #maxLength()}, padded to the longest). */
    public BatchEncoding tokenize(List<String> texts) {
        return tokenizer.encodeBatch(texts, PaddingOptions.longest(), TruncationOptions.of(maxLength));
    }

    /**
     * Differentiable embeddings of a tokenized batch, {@code [B, H]} of norm 1 (records gradients when enabled, so
     * a loss on them fine-tunes the encoder). Dropout follows the model's train/eval mode.
     */
    public Tensor embed(BatchEncoding batch) {
        Tensor mask = batch.attentionMask();                                         // [B, T] int64
        Tensor hidden = model.forward(batch.inputIds(), mask, batch.tokenTypeIds()).lastHiddenState();   // [B, T, H]
        return l2Normalize(meanPool(hidden, mask));
    }

    /**
     * Mean of {@code hidden [B, T, H]} over the positions where {@code attentionMask [B, T]} is non-zero:
     * {@code [B, H]}. A row with an empty mask gives zeros (its count is clamped to 1e-9, as sentence-transformers
     * does).
     */
    public static Tensor meanPool(Tensor hidden, Tensor attentionMask) {
        Tensor m = attentionMask.toFloat().unsqueeze(2);                // [B, T, 1]
        Tensor summed = hidden.mul(m).sum(1, false);                    // [B, H]
        Tensor counts = m.sum(1, false).clamp(1e-9f, Float.MAX_VALUE);  // [B, 1]
        return summed.div(counts);
    }

    /** Rows of {@code x [B, H]} divided by their L2 norm (at least 1e-12, as torch.nn.functional.normalize). */
    public static Tensor l2Normalize(Tensor x) {
        Tensor norm = x.square().sum(1, true).sqrt().clamp(1e-12f, Float.MAX_VALUE);   // [B, 1]
        return x.div(norm);
    }
}
