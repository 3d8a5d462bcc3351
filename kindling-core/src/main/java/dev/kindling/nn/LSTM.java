// LSTM: the long short-term memory layer (torch.nn.LSTM) with PyTorch's gate order i, f, g, o, multi-layer and
// bidirectional, over the fused op Recurrent.run. Parameter names are PyTorch's (weight_ih_l0_reverse, ...).
package dev.kindling.nn;

import dev.kindling.ops.Recurrent;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * LSTM: {@code c' = f*c + i*g}, {@code h' = o * tanh(c')}. Shape: see {@link RNNBase}; h0 and c0
 * {@code [L*D, B, H]}, both given or both null (zeros).
 *
 * <p>Example, a BiLSTM over padded token embeddings:
 * <pre>{@code
 * var lstm = new LSTM(RNNBase.Config.builder(64, 128).batchFirst(true).bidirectional(true).build(), g);
 * var r = lstm.forwardPadded(emb, lengths);   // emb [B, T, 64], lengths int64 [B]
 * Tensor hN = r.hN();                         // [2, B, 128]: last forward state, first reverse state
 * }</pre>
 */
public class LSTM extends RNNBase {
    /** An LSTM with {@code config}, initialised from {@code g}. */
    public LSTM(Config config, Generator g) {
        super(Recurrent.Cell.LSTM, GRU.checked(config), g);
    }

    /** A one-layer LSTM with PyTorch's defaults. */
    public LSTM(int inputSize, int hiddenSize, Generator g) {
        this(Config.builder(inputSize, hiddenSize).build(), g);
    }

    /** Output and final states from initial states {@code h0}, {@code c0} (both null: zeros). */
    public Recurrent.Result forward(Tensor x, Tensor h0, Tensor c0) {
        return run(x, h0, c0, null);
    }

    /** As {@link #forward(Tensor, Tensor, Tensor)} for a padded batch with per-sequence {@code lengths}. */
    public Recurrent.Result forward(Tensor x, Tensor h0, Tensor c0, Tensor lengths) {
        return run(x, h0, c0, lengths);
    }
}
