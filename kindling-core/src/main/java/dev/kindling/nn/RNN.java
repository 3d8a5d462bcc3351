// RNN: the Elman recurrent layer (torch.nn.RNN), h' = tanh(W_ih x + b_ih + W_hh h + b_hh) or relu, multi-layer
// and bidirectional, over the fused op Recurrent.run. Parameter names are PyTorch's (weight_ih_l0, ...).
package dev.kindling.nn;

import dev.kindling.ops.Recurrent;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Elman RNN. Shape: see {@link RNNBase}; h0 {@code [L*D, B, H]} or null for zeros.
 *
 * <p>Example: {@code var rnn = new RNN(RNNBase.Config.builder(8, 16).nonlinearity("relu").build(), g);
 * Tensor hN = rnn.forward(x, null).hN(); // [1, B, 16]}
 */
public class RNN extends RNNBase {
    /** An RNN with {@code config} (its nonlinearity picks tanh or relu), initialised from {@code g}. */
    public RNN(Config config, Generator g) {
        super("relu".equals(config.nonlinearity()) ? Recurrent.Cell.RNN_RELU : Recurrent.Cell.RNN_TANH, config, g);
    }

    /** A one-layer tanh RNN with PyTorch's defaults. */
    public RNN(int inputSize, int hiddenSize, Generator g) {
        this(Config.builder(inputSize, hiddenSize).build(), g);
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
