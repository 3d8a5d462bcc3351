// GRU: the gated recurrent unit layer (torch.nn.GRU) with PyTorch's gate order r, z, n and its candidate
// n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), over the fused op Recurrent.run.
package dev.kindling.nn;

import dev.kindling.ops.Recurrent;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * GRU: {@code h' = (1 - z) * n + z * h}. Shape: see {@link RNNBase}; h0 {@code [L*D, B, H]} or null for zeros.
 *
 * <p>Example: {@code var gru = new GRU(RNNBase.Config.builder(32, 64).batchFirst(true).build(), g);
 * var r = gru.forward(x, null); // r.output() [B, T, 64], r.hN() [1, B, 64]}
 */
public class GRU extends RNNBase {
    /** A GRU with {@code config}, initialised from {@code g}. */
    public GRU(Config config, Generator g) {
        super(Recurrent.Cell.GRU, checked(config), g);
    }

    /** A one-layer GRU with PyTorch's defaults. */
    public GRU(int inputSize, int hiddenSize, Generator g) {
        this(Config.builder(inputSize, hiddenSize).build(), g);
    }

    static Config checked(Config c) {
        if (c != null && !"tanh".equals(c.nonlinearity())) throw new IllegalArgumentException("nonlinearity '"
                + c.nonlinearity() + "' is only for RNN; LSTM and GRU have fixed gate activations");
        return c;
    }

    /** Output and final hidden state from initial state {@code h0} (null: zeros). */
    public Recurrent.Result forward(Tensor x, Tensor h0) {
        return run(x, h0, null, null);
    }

    /** As {@link #forward(Tensor, Tensor)} for a padded batch with per-sequence {@code lengths} (int64 [B]). */
    public Recurrent.Result forward(Tensor x, Tensor h0, Tensor lengths) {
        return run(x, h0, null, lengths);
    }
}
