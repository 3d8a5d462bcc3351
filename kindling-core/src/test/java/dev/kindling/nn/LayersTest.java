package dev.kindling.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Norms;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layers: parameter names and shapes, default initialisation, forward against the functional ops, modes, repr. */
class LayersTest {
    static void assertClose(Tensor got, Tensor want, float tol) {
        assertThat(got.shape()).containsExactly(want.shape());
        float[] a = got.toFloatArray(), b = want.toFloatArray();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).as("element " + i).isCloseTo(b[i], within(tol));
    }

    /** The state dict has exactly these keys, in this order, with these shapes: name, shape, name, shape... */
    static void assertKeys(Module m, Object... nameShape) {
        Map<String, Tensor> sd = m.stateDict();
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < nameShape.length; i += 2) {
            String k = (String) nameShape[i];
            names.add(k);
            assertThat(sd).containsKey(k);
            assertThat(sd.get(k).shape()).as(k).containsExactly((int[]) nameShape[i + 1]);
        }
        assertThat(sd.keySet()).containsExactlyElementsOf(names);
    }

    // ---------------------------------------------------------------- Linear

    @Test
    void linearParametersInitAndForward() {
        var lin = new Linear(4, 8, new Generator(0));
        assertKeys(lin, "weight", new int[] {8, 4}, "bias", new int[] {8});
        assertThat(lin.stateDict().keySet()).containsExactly("weight", "bias");
        assertThat(lin.weight().requiresGrad()).isTrue();
        assertThat(lin.numParameters()).isEqualTo(40);
        for (float w : lin.weight().toFloatArray()) assertThat(Math.abs(w)).isLessThanOrEqualTo(0.5f);
        for (float b : lin.bias().toFloatArray()) assertThat(Math.abs(b)).isLessThanOrEqualTo(0.5f);
        Tensor x = Tensor.randn(new Generator(1), 3, 4);
        assertClose(lin.forward(x), Linalg.linear(x, lin.weight(), lin.bias()), 0f);
        assertThat(lin.forward(Tensor.zeros(2, 5, 4)).shape()).containsExactly(2, 5, 8);
        assertThat(lin).hasToString("Linear(in_features=4, out_features=8, bias=true)");
        lin.forward(x).sum().backward();
        assertThat(lin.weight().grad().shape()).containsExactly(8, 4);
        assertThat(lin.bias().grad().toFloatArray()).containsOnly(3f);
    }

    @Test
    void linearDefaultInitIsUniformWithinOneOverSqrtFanIn() {
        var lin = new Linear(256, 128, new Generator(3));
        double bound = 1 / Math.sqrt(256);
        InitTest.assertUniform(lin.weight(), bound);
        for (float b : lin.bias().toFloatArray()) assertThat(Math.abs(b)).isLessThanOrEqualTo((float) bound);
        // Same seed, same model; another seed, another one.
        assertThat(new Linear(256, 128, new Generator(3)).weight().toFloatArray()).containsExactly(lin.weight().toFloatArray());
        assertThat(new Linear(256, 128, new Generator(4)).weight().toFloatArray()).isNotEqualTo(lin.weight().toFloatArray());
    }

    @Test
    void linearWithoutBias() {
        var lin = new Linear(3, 2, false, new Generator(0));
        assertThat(lin.bias()).isNull();
        assertThat(lin.stateDict().keySet()).containsExactly("weight");
        assertThat(lin).hasToString("Linear(in_features=3, out_features=2, bias=false)");
        Tensor x = Tensor.randn(new Generator(1), 2, 3);
        assertClose(lin.forward(x), x.matmul(lin.weight().t()), 1e-6f);
        assertThatThrownBy(() -> lin.forward(Tensor.zeros(2, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear");
    }

    // ---------------------------------------------------------------- Embedding

    @Test
    void embeddingInitLookupAndPadding() {
        var emb = new Embedding(1000, 64, new Generator(0));
        assertKeys(emb, "weight", new int[] {1000, 64});
        InitTest.assertNormal(emb.weight(), 0, 1);
        assertThat(emb.paddingIdx()).isEqualTo(-1);
        Tensor idx = Tensor.ofLongs(new long[] {3, 0, 999, 3}, 2, 2);
        Tensor out = emb.forward(idx);
        assertThat(out.shape()).containsExactly(2, 2, 64);
        assertClose(out.select(0, 1).select(0, 1), emb.weight().select(0, 3), 0f);
        assertThat(emb).hasToString("Embedding(1000, 64)");

        var padded = new Embedding(10, 3, -1, new Generator(0));       // negative: counts from the end
        assertThat(padded.paddingIdx()).isEqualTo(9);
        assertThat(padded.weight().select(0, 9).toFloatArray()).containsOnly(0f);
        assertThat(padded).hasToString("Embedding(10, 3, padding_idx=9)");
        padded.forward(Tensor.ofLongs(new long[] {9, 1, 9}, 3)).sum().backward();
        assertThat(padded.weight().grad().select(0, 9).toFloatArray()).containsOnly(0f);
        assertThat(padded.weight().grad().select(0, 1).toFloatArray()).containsOnly(1f);
        assertThatThrownBy(() -> new Embedding(10, 3, 10, new Generator(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("padding_idx 10");
    }

    @Test
    void embeddingFromPretrained() {
        Tensor vectors = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        var emb = Embedding.fromPretrained(vectors, true);
        assertThat(emb.weight().requiresGrad()).isFalse();
        assertThat(emb.forward(Tensor.ofLongs(new long[] {2}, 1)).toFloatArray()).containsExactly(5, 6);
        assertThat(Embedding.fromPretrained(vectors, false).weight().requiresGrad()).isTrue();
    }

    // ---------------------------------------------------------------- Dropout

    @Test
    void dropoutTrainEvalAndReproducibility() {
        Tensor x = Tensor.ones(100_000);
        var drop = new Dropout(0.3f, new Generator(11));
        assertThat(drop.isTraining()).isTrue();
        float[] y = drop.forward(x).toFloatArray();
        int zeros = 0, scaled = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else if (Math.abs(v - 1 / 0.7f) < 1e-6f) scaled++;
        }
        assertThat(zeros + scaled).as("every element is dropped or scaled by 1/(1-p)").isEqualTo(100_000);
        assertThat(zeros / 100_000.0).isCloseTo(0.3, within(0.01));
        // Same seed, same mask.
        assertThat(java.util.Arrays.equals(new Dropout(0.3f, new Generator(11)).forward(x).toFloatArray(), y)).isTrue();
        // Eval and p = 0 are the identity.
        drop.eval();
        assertThat(drop.forward(x)).isSameAs(x);
        assertThat(new Dropout(0f, new Generator(0)).forward(x)).isSameAs(x);
        assertThat(drop).hasToString("Dropout(p=0.3)");
    }

    @Test
    void dropoutGradientIsTheMask() {
        Tensor x = Tensor.randn(new Generator(0), 4, 5).requiresGrad(true);
        Tensor y = new Dropout(0.5f, new Generator(2)).forward(x);
        y.sum().backward();
        float[] yv = y.toFloatArray(), xv = x.toFloatArray(), g = x.grad().toFloatArray();
        for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).isIn(0f, 2f);
            assertThat(yv[i]).isCloseTo(xv[i] * g[i], within(1e-6f));
        }
    }

    @Test
    void dropoutRejectsBadProbability() {
        for (float p : new float[] {-0.1f, 1f, Float.NaN})
            assertThatThrownBy(() -> new Dropout(p, new Generator(0))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[0, 1)");
    }

    // ---------------------------------------------------------------- LayerNorm / RMSNorm

    @Test
    void layerNormMatchesFunctional() {
        var ln = new LayerNorm(8);
        assertKeys(ln, "weight", new int[] {8}, "bias", new int[] {8});
        assertThat(ln.weight().toFloatArray()).containsOnly(1f);
        assertThat(ln.bias().toFloatArray()).containsOnly(0f);
        Tensor x = Tensor.randn(new Generator(0), 2, 3, 8);
        assertClose(ln.forward(x), Norms.layerNorm(x, new int[] {8}, null, null, 1e-5f), 1e-6f);
        assertThat(ln).hasToString("LayerNorm((8,), eps=1e-05, elementwise_affine=true)");

        var ln2 = new LayerNorm(new int[] {3, 8}, 1e-6f, false);
        assertThat(ln2.stateDict()).isEmpty();
        assertClose(ln2.forward(x), Norms.layerNorm(x, new int[] {3, 8}, null, null, 1e-6f), 1e-6f);
        assertThat(ln2).hasToString("LayerNorm((3, 8), eps=1e-06, elementwise_affine=false)");
        assertThat(new LayerNorm(new int[] {8}, 1e-5f, true, false).stateDict().keySet()).containsExactly("weight");
        assertThatThrownBy(() -> new LayerNorm()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rmsNormMatchesFunctional() {
        var rms = new RMSNorm(8, 1e-6f);
        assertKeys(rms, "weight", new int[] {8});
        Tensor x = Tensor.randn(new Generator(0), 4, 8);
        assertClose(rms.forward(x), Norms.rmsNorm(x, new int[] {8}, null, 1e-6f), 1e-6f);
        assertThat(rms).hasToString("RMSNorm((8,), eps=1e-06, elementwise_affine=true)");
        assertThat(new RMSNorm(8)).hasToString("RMSNorm((8,), eps=1.1920929e-07, elementwise_affine=true)");
    }

    // ---------------------------------------------------------------- BatchNorm

    @Test
    void batchNormStateDictLayout() {
        var bn = new BatchNorm1d(3);
        assertThat(bn.stateDict().keySet()).containsExactly("weight", "bias", "running_mean", "running_var",
                "num_batches_tracked");
        Tensor nbt = bn.stateDict().get("num_batches_tracked");
        assertThat(nbt.dtype()).isEqualTo(DType.INT64);
        assertThat(nbt.shape()).isEmpty();
        assertThat(bn.namedParameters().keySet()).containsExactly("weight", "bias");
        assertThat(bn.runningVar().toFloatArray()).containsOnly(1f);
        assertThat(bn).hasToString("BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
        var bare = new BatchNorm1d(3, BatchNorm.Options.DEFAULT.affine(false).trackRunningStats(false));
        assertThat(bare.stateDict()).isEmpty();
    }

    @Test
    void batchNormTrainUpdatesRunningStatsLikeTheFunctionalOp() {
        var bn = new BatchNorm1d(4);
        Tensor x = Tensor.randn(new Generator(5), 16, 4).mul(3f).add(1f);
        Tensor rm = Tensor.zeros(4), rv = Tensor.ones(4);
        Tensor want = Norms.batchNorm(x, rm, rv, Tensor.ones(4), Tensor.zeros(4), true, 0.1f, 1e-5f);
        assertClose(bn.forward(x), want, 1e-6f);
        assertClose(bn.runningMean(), rm, 0f);
        assertClose(bn.runningVar(), rv, 0f);
        assertThat(bn.numBatchesTracked()).isEqualTo(1);
        bn.forward(x);
        assertThat(bn.numBatchesTracked()).isEqualTo(2);
        assertThat(bn.stateDict().get("num_batches_tracked").getLong()).isEqualTo(2);

        // Eval: running statistics, which stay as they are.
        bn.eval();
        float[] meanBefore = bn.runningMean().toFloatArray();
        Tensor evalWant = Norms.batchNorm(x, bn.runningMean(), bn.runningVar(), bn.weight(), bn.bias(), false, 0f, 1e-5f);
        assertClose(bn.forward(x), evalWant, 1e-6f);
        assertThat(bn.runningMean().toFloatArray()).containsExactly(meanBefore);
        assertThat(bn.numBatchesTracked()).isEqualTo(2);

        // Gradients reach the affine parameters.
        bn.train();
        bn.forward(x).square().sum().backward();
        assertThat(bn.weight().grad().shape()).containsExactly(4);
        bn.resetRunningStats();
        assertThat(bn.numBatchesTracked()).isZero();
        assertThat(bn.runningMean().toFloatArray()).containsOnly(0f);
    }

    @Test
    void batchNormCumulativeAverageAndUntracked() {
        // momentum null: running_mean after k batches is the plain average of the batch means.
        var bn = new BatchNorm1d(2, 1e-5f, null, true, true);
        Tensor a = Tensor.of(new float[] {0, 10, 2, 20}, 2, 2), b = Tensor.of(new float[] {4, 30, 6, 40}, 2, 2);
        bn.forward(a);
        bn.forward(b);
        assertThat(bn.runningMean().toFloatArray()).containsExactly(3f, 25f);
        assertThat(bn.runningVar().toFloatArray()).containsExactly(2f, 50f);   // unbiased: (2 + 2) / 2, (50 + 50) / 2
        assertThat(bn).hasToString("BatchNorm1d(2, eps=1e-05, momentum=null, affine=true, track_running_stats=true)");

        // Not tracking: batch statistics in eval mode too.
        var untracked = new BatchNorm1d(2, BatchNorm.Options.DEFAULT.trackRunningStats(false));
        Tensor trainOut = untracked.forward(b);
        untracked.eval();
        assertClose(untracked.forward(b), trainOut, 0f);
        assertThat(untracked.numBatchesTracked()).isZero();
    }

    @Test
    void batchNormSequenceInputAndErrors() {
        var bn = new BatchNorm1d(3);
        Tensor x = Tensor.randn(new Generator(0), 2, 3, 5);                      // [N, C, L]
        assertClose(bn.forward(x), Norms.batchNorm(x, null, null, null, null, true, 0f, 1e-5f), 1e-5f);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(2, 3, 4, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchNorm1d").hasMessageContaining("2D or 3D").hasMessageContaining("[2, 3, 4, 4]");
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(2, 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 3 channels");
        var bn2 = new BatchNorm2d(3);
        assertThat(bn2.forward(Tensor.randn(new Generator(0), 2, 3, 4, 4)).shape()).containsExactly(2, 3, 4, 4);
        assertThatThrownBy(() -> bn2.forward(Tensor.zeros(2, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4D");
        assertThat(bn.numBatchesTracked()).isEqualTo(1);   // failed calls do not count
    }

    // ---------------------------------------------------------------- Flatten, activations

    @Test
    void flatten() {
        Tensor x = Tensor.zeros(2, 3, 4, 5);
        assertThat(new Flatten().forward(x).shape()).containsExactly(2, 60);
        assertThat(new Flatten(0, 1).forward(x).shape()).containsExactly(6, 4, 5);
        assertThat(new Flatten(-2, -1).forward(x).shape()).containsExactly(2, 3, 20);
        assertThat(new Flatten()).hasToString("Flatten(start_dim=1, end_dim=-1)");
    }

    @Test
    void activationsMatchFunctionalAndPrintLikePyTorch() {
        Tensor x = Tensor.randn(new Generator(0), 3, 5).mul(3f);
        assertClose(new ReLU().forward(x), Activations.relu(x), 0f);
        assertClose(new LeakyReLU(0.2f).forward(x), Activations.leakyRelu(x, 0.2f), 0f);
        assertClose(new ELU(0.5f).forward(x), Activations.elu(x, 0.5f), 0f);
        assertClose(new Sigmoid().forward(x), Activations.sigmoid(x), 0f);
        assertClose(new Tanh().forward(x), Activations.tanh(x), 0f);
        assertClose(new GELU().forward(x), Activations.gelu(x, "none"), 0f);
        assertClose(new GELU("tanh").forward(x), Activations.gelu(x, "tanh"), 0f);
        assertClose(new SiLU().forward(x), Activations.silu(x), 0f);
        assertClose(new Softplus(2f).forward(x), Activations.softplus(x, 2f), 0f);
        assertClose(new Softmax(1).forward(x), dev.kindling.ops.Softmax.softmax(x, 1), 0f);
        assertClose(new LogSoftmax(-1).forward(x), dev.kindling.ops.Softmax.logSoftmax(x, -1), 0f);
        assertThat(new Identity().forward(x)).isSameAs(x);
        assertThatThrownBy(() -> new GELU("erf")).isInstanceOf(IllegalArgumentException.class);

        List<Module> mods = List.of(new ReLU(), new LeakyReLU(), new ELU(), new Sigmoid(), new Tanh(), new GELU(),
                new GELU("tanh"), new SiLU(), new Softplus(), new Softmax(-1), new LogSoftmax(1), new Identity());
        assertThat(mods.stream().map(Module::toString).toList()).containsExactly("ReLU()",
                "LeakyReLU(negative_slope=0.01)", "ELU(alpha=1.0)", "Sigmoid()", "Tanh()", "GELU(approximate='none')",
                "GELU(approximate='tanh')", "SiLU()", "Softplus(beta=1.0, threshold=20.0)", "Softmax(dim=-1)",
                "LogSoftmax(dim=1)", "Identity()");
        for (Module m : mods) assertThat(m.stateDict()).isEmpty();
    }

    @Test
    void pythonStyleNumbers() {
        assertThat(Repr.num(1e-5f)).isEqualTo("1e-05");
        assertThat(Repr.num(0.1f)).isEqualTo("0.1");
        assertThat(Repr.num(1f)).isEqualTo("1.0");
        assertThat(Repr.num(20f)).isEqualTo("20.0");
        assertThat(Repr.num(0.0001f)).isEqualTo("0.0001");
        assertThat(Repr.num(-2.5e-7f)).isEqualTo("-2.5e-07");
        assertThat(Repr.num(1e20f)).isEqualTo("1e+20");
        assertThat(Repr.num(123456.5f)).isEqualTo("123456.5");
    }
}
