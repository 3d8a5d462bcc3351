package dev.kindling.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.io.Safetensors;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models built from the layers: state dict keys, save/load round trip, load errors, printing, training. */
class ModelTest {
    static Sequential mlp(long seed) {
        var g = new Generator(seed);
        return new Sequential(new Linear(4, 8, g), new ReLU(), new Dropout(0.5f, g), new BatchNorm1d(8),
                new Linear(8, 3, g));
    }

    @Test
    void nestedStateDictKeysAndShapes() {
        Sequential m = mlp(1);
        assertThat(m.stateDict().keySet()).containsExactly("0.weight", "0.bias", "3.weight", "3.bias",
                "3.running_mean", "3.running_var", "3.num_batches_tracked", "4.weight", "4.bias");
        assertThat(m.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "3.weight", "3.bias", "4.weight",
                "4.bias");
        assertThat(m.namedBuffers().keySet()).containsExactly("3.running_mean", "3.running_var", "3.num_batches_tracked");
        assertThat(m.stateDict().get("0.weight").shape()).containsExactly(8, 4);
        assertThat(m.stateDict().get("4.weight").shape()).containsExactly(3, 8);
        assertThat(m.stateDict().get("3.running_var").shape()).containsExactly(8);
        assertThat(m.numParameters()).isEqualTo(4 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
    }

    /** A custom model nesting a Sequential, as a user would write it. */
    static final class Net extends Module {
        final Embedding emb;
        final Sequential body;
        final LayerNorm norm;

        Net(Generator g) {
            emb = registerModule("emb", new Embedding(10, 4, 0, g));
            body = registerModule("body", new Sequential(new Linear(4, 4, g), new GELU()));
            norm = registerModule("norm", new LayerNorm(4));
        }

        @Override
        public Tensor forward(Tensor ids) {
            return norm.forward(body.forward(emb.forward(ids)));   // [B, T] -> [B, T, 4]
        }
    }

    @Test
    void customModelKeysAndRepr() {
        var net = new Net(new Generator(0));
        assertThat(net.stateDict().keySet()).containsExactly("emb.weight", "body.0.weight", "body.0.bias", "norm.weight",
                "norm.bias");
        assertThat(net.forward(Tensor.ofLongs(new long[] {1, 2, 0, 3}, 2, 2)).shape()).containsExactly(2, 2, 4);
        assertThat(net).hasToString("""
                Net(
                  (emb): Embedding(10, 4, padding_idx=0)
                  (body): Sequential(
                    (0): Linear(in_features=4, out_features=4, bias=true)
                    (1): GELU(approximate='none')
                  )
                  (norm): LayerNorm((4,), eps=1e-05, elementwise_affine=true)
                )""");
    }

    @Test
    void printsLikePyTorch() {
        Sequential m = mlp(1);
        assertThat(m).hasToString("""
                Sequential(
                  (0): Linear(in_features=4, out_features=8, bias=true)
                  (1): ReLU()
                  (2): Dropout(p=0.5)
                  (3): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)
                  (4): Linear(in_features=8, out_features=3, bias=true)
                )""");
        String summary = m.summary();
        assertThat(summary).contains("0.weight", "[8, 4]", "parameter", "3.running_mean", "3.num_batches_tracked",
                "buffer", "Sequential: 83 trainable parameters in 6 tensors");
    }

    @Test
    void trainAndEvalReachEverySubmodule() {
        Sequential m = mlp(1);
        m.eval();
        for (Module sub : m.namedModules().values()) assertThat(sub.isTraining()).isFalse();
        Tensor x = Tensor.randn(new Generator(3), 5, 4);
        // Eval: dropout is off and batch norm uses running stats, so the output is deterministic.
        assertThat(m.forward(x).toFloatArray()).containsExactly(m.forward(x).toFloatArray());
        m.train();
        assertThat(m.get(2).isTraining()).isTrue();
        assertThat(m.forward(x).toFloatArray()).isNotEqualTo(m.forward(x).toFloatArray());   // fresh dropout masks
    }

    @Test
    void stateDictRoundTripThroughSafetensors(@TempDir Path dir) throws Exception {
        Sequential a = mlp(1);
        Tensor x = Tensor.randn(new Generator(7), 16, 4);
        for (int i = 0; i < 3; i++) a.forward(x);            // running statistics and counter move away from defaults
        Path file = dir.resolve("model.safetensors");
        Safetensors.save(file, a.stateDict(), Map.of("format", "pt"));
        assertThat(Files.size(file)).isPositive();

        Sequential b = mlp(2);
        a.eval();
        b.eval();
        assertThat(b.forward(x).toFloatArray()).isNotEqualTo(a.forward(x).toFloatArray());
        Module.LoadResult r = b.loadStateDict(Safetensors.load(file));
        assertThat(r.isClean()).isTrue();
        assertThat(b.forward(x).toFloatArray()).containsExactly(a.forward(x).toFloatArray());
        assertThat(((BatchNorm1d) b.get(3)).numBatchesTracked()).isEqualTo(3);
        // Loading copies in place: the parameter objects an optimizer holds are unchanged.
        assertThat(b.parameters().get(0)).isSameAs(((Linear) b.get(0)).weight());
    }

    @Test
    void loadErrorsNameTheKeys() {
        Map<String, Tensor> state = new LinkedHashMap<>(mlp(1).stateDict());
        state.remove("3.running_var");
        state.put("5.weight", Tensor.zeros(2));
        Sequential m = mlp(2);
        assertThatThrownBy(() -> m.loadStateDict(state)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing keys [3.running_var]").hasMessageContaining("unexpected keys [5.weight]");
        Module.LoadResult r = m.loadStateDict(state, false);
        assertThat(r.missingKeys()).containsExactly("3.running_var");
        assertThat(r.unexpectedKeys()).containsExactly("5.weight");
        assertThat(m.stateDict().get("0.weight").toFloatArray()).containsExactly(state.get("0.weight").toFloatArray());

        Map<String, Tensor> wrong = new LinkedHashMap<>(mlp(1).stateDict());
        wrong.put("4.weight", Tensor.zeros(3, 9));
        assertThatThrownBy(() -> mlp(2).loadStateDict(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size mismatch for 4.weight").hasMessageContaining("[3, 9]")
                .hasMessageContaining("[3, 8]");
    }

    @Test
    void mlpTrainsWithHandWrittenSgd() {
        var g = new Generator(42);
        // XOR-like labels: class 1 where x0 * x1 > 0; not linearly separable, so the hidden layer must learn.
        int n = 64;
        Tensor x = Tensor.rand(g, n, 2).mul(2f).sub(1f);                            // [64, 2] in [-1, 1)
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = x.get(i, 0) * x.get(i, 1) > 0 ? 1 : 0;
        Tensor labels = Tensor.ofLongs(y, n);
        var model = new Sequential(new Linear(2, 32, g), new Tanh(), new Linear(32, 2, g));
        var lossFn = new CrossEntropyLoss();
        float first = 0, last = 0;
        for (int step = 0; step < 80; step++) {
            Tensor loss = lossFn.forward(model.forward(x), labels);
            if (step == 0) first = loss.item();
            last = loss.item();
            model.zeroGrad();
            loss.backward();
            try (var s = Autograd.noGrad()) {
                for (Tensor p : model.parameters()) p.add_(p.grad(), -0.5f);
            }
        }
        assertThat(first).isGreaterThan(0.5f);
        assertThat(last).isLessThan(first * 0.75f);
    }
}
