// SequencePooling: max over time of a batch of variable-length sequences, as one fused op with its own backward,
// so a TextCNN pools [B, C, L] feature maps without a -inf masked copy and a generic reduction per convolution.
// Positions at or beyond a row's valid length are ignored, which is what keeps padding out of the result.
package dev.kindling.models.text;

import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Pooling over the time axis of padded sequence batches. */
public final class SequencePooling {
    private SequencePooling() {}

    /**
     * For each row b and channel c, the maximum of {@code x[b, c, t]} over {@code t < validLength[b]}; the gradient
     * flows to that arg-max position only (the first one on ties, as PyTorch's {@code max(dim)}).
     *
     * <p>Shape: x {@code [B, C, L]} float32, {@code validLength} B values in {@code [1, L]} -> {@code [B, C]}.
     *
     * <p>Example: {@code maxOverTime(convOut, new int[] {7, 3})   // [2, 100, 9] -> [2, 100], row 1 reads t < 3}
     */
    public static Tensor maxOverTime(Tensor x, int[] validLength) {
        String op = "maxOverTime";
        if (x.dtype() != DType.FLOAT32 || x.dim() != 3) throw new IllegalArgumentException(op + ": expected a float32 "
                + "[B, C, L] tensor, got " + x.dtype() + " " + Shape.str(x.shape()));
        int b = x.size(0), c = x.size(1), len = x.size(2);
        if (validLength == null || validLength.length != b) throw new IllegalArgumentException(op + ": need one valid "
                + "length per row (" + b + "), got " + (validLength == null ? "null" : validLength.length));
        for (int i = 0; i < b; i++) {
            if (validLength[i] < 1 || validLength[i] > len) throw new IllegalArgumentException(op + ": valid length "
                    + validLength[i] + " of row " + i + " is outside [1, " + len + "] for input " + Shape.str(x.shape()));
        }
        Tensor xc = x.detach().contiguous();
        float[] in = xc.storage().floats();
        int base = xc.offset();
        float[] out = new float[b * c];
        int[] argmax = new int[b * c];   // position t of each maximum, for backward
        Parallel.forRange(b * c, 64, (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int valid = validLength[row / c];
                int p = base + row * len;
                float best = in[p];
                int at = 0;
                for (int t = 1; t < valid; t++) {
                    float v = in[p + t];
                    if (v > best || Float.isNaN(v)) {   // NaN propagates, as torch.max
                        best = v;
                        at = t;
                        if (Float.isNaN(v)) break;
                    }
                }
                out[row] = best;
                argmax[row] = at;
            }
        });
        Tensor y = Tensor.of(out, b, c);   // [B, C]
        return Autograd.record(op, y, new Tensor[] {x}, g -> {
            float[] gy = g.contiguous().toFloatArray();
            float[] gx = new float[b * c * len];
            for (int row = 0; row < b * c; row++) gx[row * len + argmax[row]] = gy[row];
            return new Tensor[] {Tensor.of(gx, b, c, len)};
        });
    }
}
