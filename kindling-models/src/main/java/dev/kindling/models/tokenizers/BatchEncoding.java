// BatchEncoding: several encodings of equal length, turned into the int64 [B, T] tensors models take.
package dev.kindling.models.tokenizers;

import dev.kindling.tensor.Tensor;
import java.util.List;

/**
 * A batch of encodings (already padded to one length by {@link Tokenizer#encodeBatch}).
 *
 * <p>Example: {@code model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds())}.
 */
public record BatchEncoding(List<Encoding> encodings) {

    public BatchEncoding {
        encodings = List.copyOf(encodings);
    }

    /** Number of sequences B. */
    public int size() {
        return encodings.size();
    }

    /** Sequence length T (0 for an empty batch). */
    public int sequenceLength() {
        return encodings.isEmpty() ? 0 : encodings.get(0).length();
    }

    /** Token ids, int64 {@code [B, T]}. */
    public Tensor inputIds() {
        return toTensor("inputIds", Encoding::ids);
    }

    /** 1 for real tokens, 0 for padding, int64 {@code [B, T]}. */
    public Tensor attentionMask() {
        return toTensor("attentionMask", Encoding::attentionMask);
    }

    /** Segment ids, int64 {@code [B, T]}. */
    public Tensor tokenTypeIds() {
        return toTensor("tokenTypeIds", Encoding::typeIds);
    }

    private Tensor toTensor(String what, java.util.function.Function<Encoding, int[]> field) {
        int b = encodings.size(), t = sequenceLength();
        long[] out = new long[b * t];
        for (int i = 0; i < b; i++) {
            int[] row = field.apply(encodings.get(i));
            if (row.length != t) {
                throw new IllegalStateException("BatchEncoding." + what + ": sequence " + i + " has " + row.length
                        + " tokens but sequence 0 has " + t + "; encode with padding to get a rectangular batch");
            }
            for (int j = 0; j < t; j++) out[i * t + j] = row[j];
        }
        return Tensor.ofLongs(out, b, t);
    }
}
