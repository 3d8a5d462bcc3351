package dev.kindling.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.io.Safetensors;
import dev.kindling.ops.Recurrent;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RNN / LSTM / GRU modules: PyTorch names and order, init, loading a PyTorch state dict, forwards, modes, errors. */
class RecurrentModulesTest {
    @Test
    void stateDictKeysAreExactlyPyTorchs() {
        var lstm = new LSTM(RNNBase.Config.builder(3, 4).numLayers(2).bidirectional(true).build(), new Generator(1));
        LayersTest.assertKeys(lstm,
                "weight_ih_l0", new int[] {16, 3}, "weight_hh_l0", new int[] {16, 4},
                "bias_ih_l0", new int[] {16}, "bias_hh_l0", new int[] {16},
                "weight_ih_l0_reverse", new int[] {16, 3}, "weight_hh_l0_reverse", new int[] {16, 4},
                "bias_ih_l0_reverse", new int[] {16}, "bias_hh_l0_reverse", new int[] {16},
                "weight_ih_l1", new int[] {16, 8}, "weight_hh_l1", new int[] {16, 4},
                "bias_ih_l1", new int[] {16}, "bias_hh_l1", new int[] {16},
                "weight_ih_l1_reverse", new int[] {16, 8}, "weight_hh_l1_reverse", new int[] {16, 4},
                "bias_ih_l1_reverse", new int[] {16}, "bias_hh_l1_reverse", new int[] {16});
        LayersTest.assertKeys(new GRU(RNNBase.Config.builder(2, 5).bias(false).build(), new Generator(1)),
                "weight_ih_l0", new int[] {15, 2}, "weight_hh_l0", new int[] {15, 5});
        LayersTest.assertKeys(new RNN(2, 5, new Generator(1)), "weight_ih_l0", new int[] {5, 2},
                "weight_hh_l0", new int[] {5, 5}, "bias_ih_l0", new int[] {5}, "bias_hh_l0", new int[] {5});
    }

    @Test
    void initIsUniformWithinOneOverSqrtHiddenAndSeeded() {
        var a = new GRU(RNNBase.Config.builder(6, 16).numLayers(2).build(), new Generator(3));
        var b = new GRU(RNNBase.Config.builder(6, 16).numLayers(2).build(), new Generator(3));
        double k = 1 / Math.sqrt(16);
        for (var e : a.namedParameters().entrySet()) {
            float[] v = e.getValue().toFloatArray();
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float f : v) {
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
            assertThat(min).as(e.getKey()).isGreaterThanOrEqualTo((float) -k).isLessThan((float) (-0.8 * k));
            assertThat(max).as(e.getKey()).isLessThanOrEqualTo((float) k).isGreaterThan((float) (0.8 * k));
            assertThat(v).as(e.getKey() + " same seed").containsExactly(b.namedParameters().get(e.getKey())
                    .toFloatArray());
        }
        assertThat(a.flatWeights()).hasSize(8);
    }

    @Test
    void aPyTorchStateDictLoadsAndReproducesPyTorchsOutput() throws Exception {
        // The lstm_bidir golden case: nn.LSTM(3, 4, bidirectional=True, batch_first=True) with its state dict.
        Map<String, Tensor> store = Safetensors.load(Path.of(getClass().getResource("/golden/cases.safetensors")
                .toURI()));
        Map<String, Tensor> state = new LinkedHashMap<>();
        String prefix = "lstm_bidir.in.param.";
        store.forEach((k, v) -> {
            if (k.startsWith(prefix)) state.put(k.substring(prefix.length()), v);
        });
        var lstm = new LSTM(RNNBase.Config.builder(3, 4).bidirectional(true).batchFirst(true).build(),
                new Generator(0));
        assertThat(lstm.loadStateDict(state).isClean()).isTrue();
        var r = lstm.forward(store.get("lstm_bidir.in.input"), null, null);
        LayersTest.assertClose(r.output(), store.get("lstm_bidir.out0"), 1e-6f);
        LayersTest.assertClose(r.hN(), store.get("lstm_bidir.out1"), 1e-6f);
        LayersTest.assertClose(r.cN(), store.get("lstm_bidir.out2"), 1e-6f);
        LayersTest.assertClose(lstm.forward(store.get("lstm_bidir.in.input")), store.get("lstm_bidir.out0"), 1e-6f);
    }

    @Test
    void forwardsMatchTheFunctionalOpAndTrainReachesTheParameters() {
        Generator g = new Generator(4);
        var gru = new GRU(RNNBase.Config.builder(3, 4).batchFirst(true).build(), g);
        Tensor x = Tensor.randn(g, 2, 5, 3), h0 = Tensor.randn(g, 1, 2, 4);
        var r = gru.forward(x, h0);
        var f = Recurrent.gru(x, h0, gru.flatWeights(), Recurrent.Options.of(1, true, false, true), null);
        LayersTest.assertClose(r.output(), f.output(), 0f);
        LayersTest.assertClose(r.hN(), f.hN(), 0f);
        assertThat(r.cN()).isNull();
        r.hN().sum().backward();
        for (var e : gru.namedParameters().entrySet()) assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();

        // Lengths: the padded forward's hN for a short sequence equals running it alone.
        Tensor lengths = Tensor.ofLongs(new long[] {5, 3}, 2);
        var padded = gru.forward(x, null, lengths);
        var alone = gru.forward(x.narrow(0, 1, 1).narrow(1, 0, 3), null);
        LayersTest.assertClose(padded.hN().narrow(1, 1, 1), alone.hN(), 1e-6f);
        LayersTest.assertClose(gru.forwardPadded(x, lengths).hN(), padded.hN(), 0f);

        var rnn = new RNN(RNNBase.Config.builder(3, 4).nonlinearity("relu").build(), g);
        Tensor out = rnn.forward(Tensor.randn(g, 5, 2, 3));
        assertThat(out.shape()).containsExactly(5, 2, 4);
        for (float v : out.toFloatArray()) assertThat(v).isGreaterThanOrEqualTo(0f);
    }

    @Test
    void dropoutActsOnlyInTrainingMode() {
        var lstm = new LSTM(RNNBase.Config.builder(3, 8).numLayers(2).dropout(0.5f).build(), new Generator(5));
        Tensor x = Tensor.randn(new Generator(6), 4, 2, 3);
        Tensor train1 = lstm.forward(x), train2 = lstm.forward(x);
        lstm.eval();
        Tensor eval1 = lstm.forward(x), eval2 = lstm.forward(x);
        LayersTest.assertClose(eval1, eval2, 0f);
        float diff = 0;
        float[] a = train1.toFloatArray(), b = train2.toFloatArray();
        for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
        assertThat(diff).as("successive training forwards draw fresh masks").isGreaterThan(1e-3f);
        assertThat(lstm.toString()).contains("LSTM(3, 8, num_layers=2, dropout=0.5)");
    }

    @Test
    void errorsAreActionable() {
        var lstm = new LSTM(RNNBase.Config.builder(4, 5).batchFirst(true).build(), new Generator(7));
        assertThatThrownBy(() -> lstm.forward(Tensor.zeros(2, 3, 6))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 features").hasMessageContaining("input_size=4");
        assertThatThrownBy(() -> lstm.forward(Tensor.zeros(3, 6))).hasMessageContaining("input_size=4");
        assertThatThrownBy(() -> new LSTM(RNNBase.Config.builder(4, 5).nonlinearity("relu").build(), new Generator(1)))
                .hasMessageContaining("only for RNN");
        assertThatThrownBy(() -> RNNBase.Config.builder(4, 5).nonlinearity("gelu").build())
                .hasMessageContaining("'tanh' or 'relu'");
        assertThatThrownBy(() -> RNNBase.Config.builder(4, 0).build()).hasMessageContaining("hiddenSize=0");
        assertThatThrownBy(() -> RNNBase.Config.builder(4, 5).dropout(1f).build()).hasMessageContaining("dropout");
    }
}
