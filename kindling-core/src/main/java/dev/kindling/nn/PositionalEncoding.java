// PositionalEncoding: the fixed sinusoidal position table of "Attention Is All You Need" (as PyTorch's
// Transformer tutorial): pe[pos, 2i] = sin(pos / 10000^(2i/d)), pe[pos, 2i+1] = cos(...), added to the input,
// then dropout. Learned positions are an nn.Embedding; rotary positions are ops.Rotary.
package dev.kindling.nn;

import dev.kindling.ops.Elementwise;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Adds sinusoidal positions: {@code y = dropout(x + pe[offset : offset + T])}.
 *
 * <p>Shape: x {@code [B, T, dModel]} with batchFirst, else {@code [T, B, dModel]}; unbatched {@code [T, dModel]}.
 * The table {@code [maxLen, dModel]} is a non-persistent buffer {@code pe} (it is a function of the sizes, so it
 * is not saved in the state dict).
 *
 * <p>Example: {@code var pos = new PositionalEncoding(128, 512, 0.1f, true, g); h = pos.forward(embed.forward(ids));}
 */
public class PositionalEncoding extends Module {
    private final int dModel, maxLen;
    private final float dropout;
    private final boolean batchFirst;
    private final Generator generator;
    private final Tensor pe;

    /** Args: dModel > 0; maxLen — longest sequence; dropout in [0, 1) (masks from {@code g}, may be null if 0). */
    public PositionalEncoding(int dModel, int maxLen, float dropout, boolean batchFirst, Generator g) {
        if (dModel <= 0 || maxLen <= 0) throw new IllegalArgumentException("PositionalEncoding: d_model and max_len "
                + "must be positive, got " + dModel + " and " + maxLen);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("PositionalEncoding: dropout must be "
                + "in [0, 1), got " + dropout);
        if (dropout > 0 && g == null) throw new IllegalArgumentException("PositionalEncoding: dropout " + dropout
                + " needs a Generator");
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        this.generator = g;
        this.pe = registerBuffer("pe", table(maxLen, dModel), false);
    }

    /**
     * The sinusoidal table {@code [maxLen, dModel]}: column 2i holds {@code sin(pos * w_i)}, column 2i+1
     * {@code cos(pos * w_i)} with {@code w_i = 10000^(-2i/dModel)} (an odd last column gets the sine only).
     */
    public static Tensor table(int maxLen, int dModel) {
        float[] t = new float[maxLen * dModel];
        for (int i = 0; 2 * i < dModel; i++) {
            double w = Math.exp(-Math.log(10000.0) * (2.0 * i) / dModel);
            for (int pos = 0; pos < maxLen; pos++) {
                t[pos * dModel + 2 * i] = (float) Math.sin(pos * w);
                if (2 * i + 1 < dModel) t[pos * dModel + 2 * i + 1] = (float) Math.cos(pos * w);
            }
        }
        return Tensor.of(t, maxLen, dModel);
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0);
    }

    /** Positions {@code offset .. offset + T - 1} (e.g. the tokens after a cached prefix). */
    public Tensor forward(Tensor x, int offset) {
        int r = x.dim();
        if ((r != 2 && r != 3) || x.size(-1) != dModel) throw new IllegalArgumentException("PositionalEncoding: "
                + "expected " + (batchFirst ? "[B, T, " : "[T, B, ") + dModel + "] or [T, " + dModel + "], got "
                + Shape.str(x.shape()));
        int t = r == 3 && batchFirst ? x.size(1) : x.size(0);
        if (offset < 0 || offset + t > maxLen) throw new IllegalArgumentException("PositionalEncoding: positions "
                + offset + ".." + (offset + t - 1) + " exceed max_len " + maxLen + " (input " + Shape.str(x.shape()) + ")");
        Tensor rows = pe.narrow(0, offset, t);                                 // [T, dModel]
        Tensor y = Elementwise.add(x, r == 3 && !batchFirst ? rows.unsqueeze(1) : rows);
        return isTraining() ? TransformerEncoderLayer.dropout(y, dropout, generator) : y;
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", max_len=" + maxLen + ", dropout=" + Repr.num(dropout);
    }
}
