// BiLstmClassifier: word embeddings, a bidirectional LSTM run with each sequence's true length (so padding never
// enters a state), the last layer's final forward and backward states concatenated, dropout and a linear classifier.
// Right-padded ids in, logits out, like TextCNN; the recurrent layer is core's nn.LSTM with PyTorch names.
package dev.kindling.models.text;

import dev.kindling.nn.Dropout;
import dev.kindling.nn.Embedding;
import dev.kindling.nn.LSTM;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.nn.RNNBase;
import dev.kindling.ops.ShapeOps;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * A BiLSTM sentence classifier over right-padded token ids ({@link TokenVocabulary#PAD_ID} = padding).
 *
 * <p>State dict: {@code embedding.weight [V, E]}, {@code lstm.weight_ih_l0 [4H, E]}, {@code lstm.weight_hh_l0},
 * {@code lstm.bias_ih_l0}, {@code lstm.bias_hh_l0}, the same with {@code _reverse}, (more layers: {@code _l1}...),
 * {@code fc.weight [K, 2H]}, {@code fc.bias [K]}.
 *
 * <p>Shape: ids int64 {@code [B, L]} -> logits {@code [B, K]}.
 *
 * <p>Example: {@code new BiLstmClassifier(new BiLstmClassifier.Config(vocab.size(), 64, 64, 1, 2, 0.5f), g)
 * .forward(ids)   // [B, L] -> [B, 2]}
 */
public final class BiLstmClassifier extends Module {
    /**
     * Hyper-parameters.
     *
     * @param vocabSize number of token ids (row 0 is padding)
     * @param embeddingDim E
     * @param hiddenSize H per direction
     * @param numLayers stacked BiLSTM layers
     * @param numClasses K
     * @param dropout dropout before the classifier (and between LSTM layers)
     */
    public record Config(int vocabSize, int embeddingDim, int hiddenSize, int numLayers, int numClasses,
            float dropout) {
        public Config {
            if (vocabSize < 2 || embeddingDim < 1 || hiddenSize < 1 || numLayers < 1 || numClasses < 2)
                throw new IllegalArgumentException("BiLstmClassifier.Config: need vocabSize >= 2, embeddingDim, "
                        + "hiddenSize, numLayers >= 1 and numClasses >= 2; got vocabSize=" + vocabSize
                        + ", embeddingDim=" + embeddingDim + ", hiddenSize=" + hiddenSize + ", numLayers=" + numLayers
                        + ", numClasses=" + numClasses);
        }
    }

    private final Config config;
    private final Embedding embedding;
    private final LSTM lstm;
    private final Dropout dropout;
    private final Linear fc;

    /** A freshly initialised model (PyTorch's default initialisations, drawn from {@code g}). */
    public BiLstmClassifier(Config config, Generator g) {
        this.config = config;
        this.embedding = registerModule("embedding", new Embedding(config.vocabSize(), config.embeddingDim(),
                TokenVocabulary.PAD_ID, g));
        this.lstm = registerModule("lstm", new LSTM(RNNBase.Config.builder(config.embeddingDim(), config.hiddenSize())
                .numLayers(config.numLayers()).batchFirst(true).bidirectional(true)
                .dropout(config.numLayers() > 1 ? config.dropout() : 0f).build(), g));
        this.dropout = registerModule("dropout", new Dropout(config.dropout(), g));
        this.fc = registerModule("fc", new Linear(2 * config.hiddenSize(), config.numClasses(), g));
    }

    public Config config() {
        return config;
    }

    /** Logits {@code [B, K]} of right-padded ids {@code [B, L]}; trailing padding does not change them. */
    @Override
    public Tensor forward(Tensor ids) {
        int[] lengths = TextCNN.lengths(ids);
        int longest = Arrays.stream(lengths).max().orElse(1);
        if (longest < ids.size(1)) ids = ids.narrow(1, 0, longest);       // [B, L']
        long[] len = new long[lengths.length];
        for (int b = 0; b < len.length; b++) len[b] = lengths[b];
        Tensor x = embedding.forward(ids);                                 // [B, L', E]
        Tensor hN = lstm.forward(x, null, null, Tensor.ofLongs(len, len.length)).hN();   // [layers * 2, B, H]
        int last = 2 * (config.numLayers() - 1);
        // The forward direction's state after each row's last real token, and the reverse direction's after its first.
        Tensor features = ShapeOps.cat(new Tensor[] {hN.select(0, last), hN.select(0, last + 1)}, 1);   // [B, 2H]
        return fc.forward(dropout.forward(features));                                                  // [B, K]
    }

    @Override
    protected String extraRepr() {
        return config.toString();
    }
}
