// TextCNN (Kim, 2014): word embeddings, 1-D convolutions of several widths, max over time, dropout and a linear
// classifier. Padding never reaches the result: the embedding's padding row is zero, each convolution is "wide"
// (k - 1 zeros on both sides) and max-over-time reads only windows that touch a real token, so any amount of
// trailing padding gives the same logits. Optional fixed per-token features (e.g. lexicon scores) ride along.
package dev.kindling.models.text;

import dev.kindling.nn.Conv1d;
import dev.kindling.nn.ConvOptions;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.Embedding;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.nn.ModuleList;
import dev.kindling.ops.Indexing;
import dev.kindling.ops.ShapeOps;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A convolutional sentence classifier over right-padded token ids ({@link TokenVocabulary#PAD_ID} = padding).
 *
 * <p>State dict (PyTorch names): {@code embedding.weight [V, E]}, {@code convs.i.weight [F, E + T, k_i]},
 * {@code convs.i.bias [F]}, {@code fc.weight [K, F * n]}, {@code fc.bias [K]}, and with token features the buffer
 * {@code token_features [V, T]}.
 *
 * <p>Shape: ids int64 {@code [B, L]} -> logits {@code [B, K]}.
 *
 * <p>Example:
 * <pre>{@code
 * var cnn = new TextCNN(new TextCNN.Config(vocab.size(), 64, new int[] {3, 4, 5}, 100, 2, 0.5f, 0), gen);
 * Tensor logits = cnn.forward(vocab.encodeBatch(tokens, 300));   // [B, 2]
 * }</pre>
 */
public final class TextCNN extends Module {
    /**
     * Hyper-parameters.
     *
     * @param vocabSize number of token ids (row 0 is padding)
     * @param embeddingDim E, the learned embedding width
     * @param kernelSizes the convolution widths, e.g. {3, 4, 5}
     * @param numFilters F, output channels of each convolution
     * @param numClasses K
     * @param dropout dropout before the classifier
     * @param numTokenFeatures T, fixed features per token appended to its embedding (0: none)
     */
    public record Config(int vocabSize, int embeddingDim, int[] kernelSizes, int numFilters, int numClasses,
            float dropout, int numTokenFeatures) {
        public Config {
            kernelSizes = kernelSizes.clone();
            if (vocabSize < 2 || embeddingDim < 1 || numFilters < 1 || numClasses < 2 || numTokenFeatures < 0
                    || kernelSizes.length == 0 || Arrays.stream(kernelSizes).anyMatch(k -> k < 1))
                throw new IllegalArgumentException("TextCNN.Config: need vocabSize >= 2, embeddingDim >= 1, at least "
                        + "one kernel size >= 1, numFilters >= 1, numClasses >= 2, numTokenFeatures >= 0; got " + this);
        }

        @Override
        public int[] kernelSizes() {
            return kernelSizes.clone();
        }

        @Override
        public String toString() {
            return "Config[vocabSize=" + vocabSize + ", embeddingDim=" + embeddingDim + ", kernelSizes="
                    + Arrays.toString(kernelSizes) + ", numFilters=" + numFilters + ", numClasses=" + numClasses
                    + ", dropout=" + dropout + ", numTokenFeatures=" + numTokenFeatures + "]";
        }
    }

    private final Config config;
    private final Embedding embedding;
    private final ModuleList<Conv1d> convs;
    private final Dropout dropout;
    private final Linear fc;
    private final Tensor tokenFeatures;   // [V, T] or null

    /** A freshly initialised model (PyTorch's default initialisations, drawn from {@code g}). */
    public TextCNN(Config config, Generator g) {
        this(config, null, g);
    }

    /**
     * A model whose tokens also carry the fixed features {@code tokenFeatures [V, T]} (not trained; row 0 must be
     * zero so padding stays invisible). Saved in the state dict as the buffer {@code token_features}.
     */
    public TextCNN(Config config, Tensor tokenFeatures, Generator g) {
        this.config = config;
        int t = config.numTokenFeatures();
        if (t > 0) {
            if (tokenFeatures == null) tokenFeatures = Tensor.zeros(config.vocabSize(), t);
            if (tokenFeatures.dtype() != DType.FLOAT32 || tokenFeatures.dim() != 2
                    || tokenFeatures.size(0) != config.vocabSize() || tokenFeatures.size(1) != t)
                throw new IllegalArgumentException("TextCNN: token features must be float32 [" + config.vocabSize()
                        + ", " + t + "], got " + tokenFeatures.dtype() + " " + Shape.str(tokenFeatures.shape()));
            float[] f = tokenFeatures.contiguous().toFloatArray();
            for (int j = 0; j < t; j++) {
                if (f[TokenVocabulary.PAD_ID * t + j] != 0) throw new IllegalArgumentException("TextCNN: token "
                        + "features of the padding id " + TokenVocabulary.PAD_ID + " must be zero, got " + f[j]);
            }
            this.tokenFeatures = registerBuffer("token_features", Tensor.of(f, config.vocabSize(), t));
        } else {
            if (tokenFeatures != null) throw new IllegalArgumentException("TextCNN: token features given but "
                    + "config.numTokenFeatures() is 0");
            this.tokenFeatures = null;
        }
        this.embedding = registerModule("embedding", new Embedding(config.vocabSize(), config.embeddingDim(),
                TokenVocabulary.PAD_ID, g));
        int in = config.embeddingDim() + t;
        this.convs = registerModule("convs", new ModuleList<>());
        for (int k : config.kernelSizes())
            convs.add(new Conv1d(in, config.numFilters(), k, ConvOptions.DEFAULT.padding(k - 1), g));
        this.dropout = registerModule("dropout", new Dropout(config.dropout(), g));
        this.fc = registerModule("fc", new Linear(config.numFilters() * config.kernelSizes().length,
                config.numClasses(), g));
    }

    public Config config() {
        return config;
    }

    /** Logits {@code [B, K]} of right-padded ids {@code [B, L]}; trailing padding does not change them. */
    @Override
    public Tensor forward(Tensor ids) {
        int[] lengths = lengths(ids);
        int longest = Arrays.stream(lengths).max().orElse(1);
        if (longest < ids.size(1)) ids = ids.narrow(1, 0, longest);   // drop all-padding columns: [B, L']
        Tensor x = embedding.forward(ids);                            // [B, L', E]
        if (tokenFeatures != null)
            x = ShapeOps.cat(new Tensor[] {x, Indexing.embedding(tokenFeatures, ids)}, 2);   // [B, L', E + T]
        x = x.transpose(1, 2).contiguous();   // [B, E + T, L'], copied once rather than by each convolution
        List<Tensor> pooled = new ArrayList<>(convs.size());
        int[] valid = new int[lengths.length];
        for (int i = 0; i < convs.size(); i++) {
            int k = config.kernelSizes()[i];
            Tensor maps = convs.get(i).forward(x);                     // [B, F, L' + k - 1]
            // Window j starts at token j - (k - 1); it touches a real token iff j < length + k - 1.
            for (int b = 0; b < valid.length; b++) valid[b] = lengths[b] + k - 1;
            // relu(max(.)) == max(relu(.)): the ReLU runs on [B, F] instead of every position.
            pooled.add(SequencePooling.maxOverTime(maps, valid).relu());   // [B, F]
        }
        Tensor features = pooled.size() == 1 ? pooled.get(0) : ShapeOps.cat(pooled, 1);   // [B, F * n]
        return fc.forward(dropout.forward(features));                                  // [B, K]
    }

    /**
     * Per row, one past the last non-padding id (at least 1, so an all-padding row reads as one empty position).
     * Ids must be right-padded with {@link TokenVocabulary#PAD_ID}.
     */
    public static int[] lengths(Tensor ids) {
        if (ids.dtype() != DType.INT64 || ids.dim() != 2 || ids.size(1) == 0) throw new IllegalArgumentException(
                "TextCNN: expected int64 token ids [B, L] with L >= 1, got " + ids.dtype() + " " + Shape.str(ids.shape()));
        int b = ids.size(0), len = ids.size(1);
        long[] v = ids.contiguous().toLongArray();
        int[] out = new int[b];
        for (int r = 0; r < b; r++) {
            int last = len;
            while (last > 0 && v[r * len + last - 1] == TokenVocabulary.PAD_ID) last--;
            out[r] = Math.max(1, last);
        }
        return out;
    }

    @Override
    protected String extraRepr() {
        return config.toString();
    }
}
