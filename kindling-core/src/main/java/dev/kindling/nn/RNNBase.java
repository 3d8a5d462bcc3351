// RNNBase: what RNN, LSTM and GRU share (torch.nn.RNNBase): the config, PyTorch-named parameters in PyTorch's
// order (so a PyTorch state_dict loads), PyTorch's U(-1/sqrt(H), 1/sqrt(H)) initialisation, and the call into the
// fused functional op Recurrent.run with inter-layer dropout active in training mode.
package dev.kindling.nn;

import dev.kindling.ops.Recurrent;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Base of the recurrent layers. Parameters per layer {@code l} and direction (suffix {@code _reverse} for the
 * backward direction): {@code weight_ih_l{l} [G*H, in]}, {@code weight_hh_l{l} [G*H, H]}, {@code bias_ih_l{l}},
 * {@code bias_hh_l{l} [G*H]} with G = 1 (RNN), 4 (LSTM) or 3 (GRU).
 *
 * <p>Shape: input {@code [T, B, in]} ({@code [B, T, in]} with batchFirst, or unbatched {@code [T, in]}) -> output
 * {@code [T, B, D*H]} ({@code [B, T, D*H]}); states {@code [L*D, B, H]}. {@link #forward(Tensor)} returns the
 * output only; the subclasses' {@code forward(x, h0, ...)} return a {@link Recurrent.Result} with the final states.
 */
public abstract class RNNBase extends Module {
    /**
     * Layer configuration, as torch.nn.LSTM's arguments. {@code nonlinearity} ("tanh" or "relu") is for RNN only.
     * Build with {@code RNNBase.Config.builder(inputSize, hiddenSize).numLayers(2).bidirectional(true).build()}.
     */
    public record Config(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst,
            float dropout, boolean bidirectional, String nonlinearity) {
        public Config {
            if (inputSize < 1 || hiddenSize < 1) throw new IllegalArgumentException("RNN config: inputSize and "
                    + "hiddenSize must be >= 1, got inputSize=" + inputSize + ", hiddenSize=" + hiddenSize);
            if (numLayers < 1) throw new IllegalArgumentException("RNN config: numLayers must be >= 1, got "
                    + numLayers);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("RNN config: dropout must be in "
                    + "[0, 1), got " + dropout);
            if (nonlinearity == null) nonlinearity = "tanh";
            if (!nonlinearity.equals("tanh") && !nonlinearity.equals("relu")) throw new IllegalArgumentException(
                    "RNN config: nonlinearity must be 'tanh' or 'relu', got '" + nonlinearity + "'");
        }

        /** A builder with PyTorch's defaults: 1 layer, bias, time-major, no dropout, one direction, tanh. */
        public static Builder builder(int inputSize, int hiddenSize) {
            return new Builder(inputSize, hiddenSize);
        }

        /** Number of directions (2 when bidirectional). */
        public int directions() {
            return bidirectional ? 2 : 1;
        }
    }

    /** Builder for {@link Config}. */
    public static final class Builder {
        private final int inputSize, hiddenSize;
        private int numLayers = 1;
        private boolean bias = true, batchFirst, bidirectional;
        private float dropout;
        private String nonlinearity = "tanh";

        private Builder(int inputSize, int hiddenSize) {
            this.inputSize = inputSize;
            this.hiddenSize = hiddenSize;
        }

        public Builder numLayers(int n) {
            numLayers = n;
            return this;
        }

        public Builder bias(boolean on) {
            bias = on;
            return this;
        }

        public Builder batchFirst(boolean on) {
            batchFirst = on;
            return this;
        }

        /** Dropout on the outputs of every layer but the last, in training mode. */
        public Builder dropout(float p) {
            dropout = p;
            return this;
        }

        public Builder bidirectional(boolean on) {
            bidirectional = on;
            return this;
        }

        /** "tanh" (default) or "relu"; RNN only. */
        public Builder nonlinearity(String name) {
            nonlinearity = name;
            return this;
        }

        public Config build() {
            return new Config(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, nonlinearity);
        }
    }

    private final Recurrent.Cell cell;
    private final Config config;
    private final Generator generator;
    private final List<String> flatNames = new ArrayList<>();

    /** Registers the parameters of {@code cell} for {@code config} and initialises them from {@code g}. */
    protected RNNBase(Recurrent.Cell cell, Config config, Generator g) {
        if (config == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": config is null");
        if (g == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": generator is null");
        this.cell = cell;
        this.config = config;
        this.generator = g;
        if (config.dropout() > 0 && config.numLayers() == 1) {
            System.err.println("warning: " + getClass().getSimpleName() + ": dropout=" + config.dropout()
                    + " only acts between layers, and numLayers=1");
        }
        int gh = cell.gates() * config.hiddenSize(), h = config.hiddenSize();
        for (int l = 0; l < config.numLayers(); l++) {
            int in = l == 0 ? config.inputSize() : config.directions() * h;
            for (int d = 0; d < config.directions(); d++) {
                add(Recurrent.weightName(l, d, 0), Tensor.zeros(gh, in));     // [G*H, in]
                add(Recurrent.weightName(l, d, 1), Tensor.zeros(gh, h));      // [G*H, H]
                if (config.bias()) {
                    add(Recurrent.weightName(l, d, 2), Tensor.zeros(gh));     // [G*H]
                    add(Recurrent.weightName(l, d, 3), Tensor.zeros(gh));
                }
            }
        }
        resetParameters(g);
    }

    private void add(String name, Tensor t) {
        registerParameter(name, t);
        flatNames.add(name);
    }

    /** Re-draws every parameter from U(-1/sqrt(H), 1/sqrt(H)), in registration order, as PyTorch does. */
    public void resetParameters(Generator g) {
        double k = 1 / Math.sqrt(config.hiddenSize());
        for (Tensor w : flatWeights()) Init.uniform_(w, -k, k, g);
    }

    /** The parameters in PyTorch's {@code _flat_weights} order (what {@link Recurrent#run} takes). */
    public List<Tensor> flatWeights() {
        var named = namedParameters();
        List<Tensor> out = new ArrayList<>(flatNames.size());
        for (String n : flatNames) out.add(named.get(n));
        return Collections.unmodifiableList(out);
    }

    public Config config() {
        return config;
    }

    /** Runs the layer over {@code x} from zero states and returns the output sequence only. */
    @Override
    public Tensor forward(Tensor x) {
        return run(x, null, null, null).output();
    }

    /**
     * A padded batch: sequence {@code b} has {@code lengths[b]} valid steps (int64 [B]); padding neither changes
     * the state nor produces output (zeros there), so hN is each sequence's state after its last valid step.
     */
    public Recurrent.Result forwardPadded(Tensor x, Tensor lengths) {
        return run(x, null, null, lengths);
    }

    /** The call shared by the subclasses' forwards; null states mean zeros, null lengths full sequences. */
    protected Recurrent.Result run(Tensor x, Tensor h0, Tensor c0, Tensor lengths) {
        var o = new Recurrent.Options(config.numLayers(), config.bias(), config.bidirectional(), config.batchFirst(),
                config.dropout(), isTraining() && config.dropout() > 0, generator);
        return Recurrent.run(cell, x, h0, c0, flatWeights(), o, lengths);
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder(config.inputSize() + ", " + config.hiddenSize());
        if (config.numLayers() != 1) sb.append(", num_layers=").append(config.numLayers());
        if (cell == Recurrent.Cell.RNN_RELU) sb.append(", nonlinearity='relu'");
        if (!config.bias()) sb.append(", bias=False");
        if (config.batchFirst()) sb.append(", batch_first=True");
        if (config.dropout() > 0) sb.append(", dropout=").append(Repr.num(config.dropout()));
        if (config.bidirectional()) sb.append(", bidirectional=True");
        return sb.toString();
    }
}
