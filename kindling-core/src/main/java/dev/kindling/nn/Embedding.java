// Embedding: a lookup table of learned vectors (torch.nn.Embedding), initialised N(0, 1) with the
// optional padding row zeroed and excluded from gradient updates.
package dev.kindling.nn;

import dev.kindling.ops.Indexing;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Maps int64 indices to rows of {@code weight [num, dim]}.
 *
 * <p>Shape: indices {@code [...]} (int64) -> {@code [..., dim]}.
 * Example: {@code new Embedding(30522, 768, 0, g).forward(tokenIds); // [B, T] -> [B, T, 768]}
 */
public class Embedding extends Module {
    private static final int NO_PADDING = Integer.MIN_VALUE;
    private final int numEmbeddings, embeddingDim, paddingIdx;
    private final Tensor weight;

    /** An embedding table initialised N(0, 1). */
    public Embedding(int numEmbeddings, int embeddingDim, Generator g) {
        this(numEmbeddings, embeddingDim, NO_PADDING, g);
    }

    /**
     * An embedding table whose row {@code paddingIdx} (negative counts from the end) is zero and gets no gradient,
     * as PyTorch's {@code padding_idx}.
     */
    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, Generator g) {
        this(numEmbeddings, embeddingDim, paddingIdx, Tensor.zeros(numEmbeddings, embeddingDim));
        Init.normal_(weight, 0, 1, g);
        if (this.paddingIdx != NO_PADDING) zeroPaddingRow();
    }

    private Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, Tensor weight) {
        if (numEmbeddings < 0 || embeddingDim < 0) throw new IllegalArgumentException("Embedding: sizes must be >= 0, "
                + "got num_embeddings=" + numEmbeddings + ", embedding_dim=" + embeddingDim);
        if (paddingIdx != NO_PADDING && (paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings))
            throw new IllegalArgumentException("Embedding: padding_idx " + paddingIdx + " must be within num_embeddings "
                    + numEmbeddings + " (in [" + (-numEmbeddings) + ", " + (numEmbeddings - 1) + "])");
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx != NO_PADDING && paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
        this.weight = registerParameter("weight", weight);   // [num, dim]
    }

    /**
     * An embedding over existing vectors {@code [num, dim]} (shares their storage, as PyTorch's
     * {@code from_pretrained}); {@code freeze} turns off their gradient.
     */
    public static Embedding fromPretrained(Tensor embeddings, boolean freeze) {
        if (embeddings.dim() != 2) throw new IllegalArgumentException("Embedding.fromPretrained: embeddings must be 2-D "
                + "[num, dim], got shape " + Shape.str(embeddings.shape()));
        Embedding e = new Embedding(embeddings.size(0), embeddings.size(1), NO_PADDING, embeddings.detach());
        if (freeze) e.weight.requiresGrad(false);
        return e;
    }

    private void zeroPaddingRow() {
        try (var s = Autograd.noGrad()) {
            Init.zeros_(weight.select(0, paddingIdx));   // a view: zeroes the row in place
        }
    }

    /** The table {@code [num, dim]}. */
    public Tensor weight() {
        return weight;
    }

    /** The padding row (non-negative), or -1 when there is none. */
    public int paddingIdx() {
        return paddingIdx == NO_PADDING ? -1 : paddingIdx;
    }

    @Override
    public Tensor forward(Tensor indices) {
        return paddingIdx == NO_PADDING ? Indexing.embedding(weight, indices)          // [...] -> [..., dim]
                : Indexing.embedding(weight, indices, paddingIdx);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx == NO_PADDING ? "" : ", padding_idx=" + paddingIdx);
    }
}
