package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused recurrent op: finite-difference gradients for every cell and structure, an independent step-by-step
 * reference built from plain ops, variable-length batches (padding never leaks) and error messages.
 */
class RecurrentTest {
    /** Flat weights for {@code cell}, U(-0.6, 0.6) so the gates are not saturated. */
    static List<Tensor> weights(Recurrent.Cell cell, int in, int h, int layers, boolean bidir, boolean bias,
            Generator g) {
        List<Tensor> w = new ArrayList<>();
        int gh = cell.gates() * h, dirs = bidir ? 2 : 1;
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < dirs; d++) {
                w.add(uniform(g, gh, l == 0 ? in : dirs * h));
                w.add(uniform(g, gh, h));
                if (bias) {
                    w.add(uniform(g, gh));
                    w.add(uniform(g, gh));
                }
            }
        }
        return w;
    }

    static Tensor uniform(Generator g, int... shape) {
        return Tensor.rand(g, shape).sub(0.5f).mul(1.2f).detach().requiresGrad(true);
    }

    /** All results of a call as one flat tensor, for GradCheck. */
    static Tensor flat(Recurrent.Result r) {
        List<Tensor> parts = new ArrayList<>(List.of(r.output().reshape(-1), r.hN().reshape(-1)));
        if (r.cN() != null) parts.add(r.cN().reshape(-1));
        return ShapeOps.cat(parts, 0);
    }

    /** GradCheck of a call whose inputs are {x, h0, (c0), weights...}. */
    static void gradCheck(String name, Recurrent.Cell cell, Tensor x, Tensor h0, Tensor c0, List<Tensor> w,
            Recurrent.Options o, Tensor lengths) {
        List<Tensor> all = new ArrayList<>();
        all.add(x);
        all.add(h0);
        if (c0 != null) all.add(c0);
        all.addAll(w);
        int skip = c0 != null ? 3 : 2;
        Function<Tensor[], Tensor> f = t -> {
            List<Tensor> ws = List.of(t).subList(skip, t.length);
            // Dropout masks come from a fresh generator each call, so every evaluation sees the same masks.
            Recurrent.Options oo = o.train() ? o.withDropout(o.dropout(), true, new Generator(99)) : o;
            return flat(Recurrent.run(cell, t[0], t[1], c0 != null ? t[2] : null, ws, oo, lengths));
        };
        GradCheck.check(name, f, all.toArray(Tensor[]::new));
    }

    @Test
    void gradientsMatchFiniteDifferencesForEveryCell() {
        Generator g = new Generator(1);
        int T = 3, B = 2, in = 3, H = 2;
        // relu's kink makes central differences unreliable near 0: RNN_RELU is checked against plain ops below.
        for (Recurrent.Cell cell : new Recurrent.Cell[] {Recurrent.Cell.RNN_TANH, Recurrent.Cell.LSTM,
                Recurrent.Cell.GRU}) {
            Tensor x = uniform(g, T, B, in), h0 = uniform(g, 1, B, H);
            Tensor c0 = cell == Recurrent.Cell.LSTM ? uniform(g, 1, B, H) : null;
            gradCheck(cell.name(), cell, x, h0, c0, weights(cell, in, H, 1, false, true, g),
                    Recurrent.Options.of(1, true, false, false), null);
        }
    }

    @Test
    void gradientsOfTwoLayerBidirectionalBatchFirstWithLengthsAndDropout() {
        Generator g = new Generator(2);
        int T = 3, B = 2, in = 2, H = 2;
        Tensor lengths = Tensor.ofLongs(new long[] {3, 2}, B);
        for (Recurrent.Cell cell : new Recurrent.Cell[] {Recurrent.Cell.LSTM, Recurrent.Cell.GRU}) {
            Tensor x = uniform(g, B, T, in), h0 = uniform(g, 4, B, H);
            Tensor c0 = cell == Recurrent.Cell.LSTM ? uniform(g, 4, B, H) : null;
            var o = Recurrent.Options.of(2, true, true, true).withDropout(0.3f, true, new Generator(99));
            gradCheck(cell.name() + " 2-layer bidir", cell, x, h0, c0, weights(cell, in, H, 2, true, true, g), o,
                    lengths);
        }
        // No bias, tanh RNN, time-major.
        Tensor x = uniform(g, T, B, in), h0 = uniform(g, 2, B, H);
        gradCheck("rnn_tanh no bias", Recurrent.Cell.RNN_TANH, x, h0, null,
                weights(Recurrent.Cell.RNN_TANH, in, H, 1, true, false, g), Recurrent.Options.of(1, false, true, false),
                null);
    }

    // ---------------------------------------------------------------- an independent reference from plain ops

    /** One LSTM direction written with plain tensor ops, time-major x [T, B, in], for a single sequence set. */
    static Tensor[] lstmReference(Tensor x, Tensor h, Tensor c, Tensor wih, Tensor whh, Tensor bih, Tensor bhh,
            boolean reverse) {
        int T = x.size(0), H = h.size(1);
        Tensor[] outs = new Tensor[T];
        for (int s = 0; s < T; s++) {
            int t = reverse ? T - 1 - s : s;
            Tensor gates = Linalg.linear(x.select(0, t), wih, bih).add(Linalg.linear(h, whh, bhh));   // [B, 4H]
            Tensor i = gates.narrow(1, 0, H).sigmoid(), f = gates.narrow(1, H, H).sigmoid();
            Tensor gg = gates.narrow(1, 2 * H, H).tanh(), o = gates.narrow(1, 3 * H, H).sigmoid();
            c = f.mul(c).add(i.mul(gg));
            h = o.mul(c.tanh());
            outs[t] = h;
        }
        return new Tensor[] {ShapeOps.stack(outs, 0), h, c};
    }

    @Test
    void reluRnnMatchesPlainOpsInValuesAndGradients() {
        Generator g = new Generator(9);
        int T = 4, B = 3, in = 3, H = 5;
        Tensor x = uniform(g, T, B, in), h0 = uniform(g, 1, B, H);
        List<Tensor> w = weights(Recurrent.Cell.RNN_RELU, in, H, 1, false, true, g);
        var r = Recurrent.rnnRelu(x, h0, w, Recurrent.Options.of(1, true, false, false), null);
        Tensor gOut = Tensor.randn(g, T, B, H), gH = Tensor.randn(g, 1, B, H);
        r.output().mul(gOut).sum().add(r.hN().mul(gH).sum()).backward();
        List<Tensor> fused = new ArrayList<>();
        for (Tensor t : List.of(x, h0, w.get(0), w.get(1), w.get(2), w.get(3))) {
            fused.add(t.grad());
            t.setGrad(null);
        }
        Tensor h = h0.select(0, 0);
        Tensor[] outs = new Tensor[T];
        for (int t = 0; t < T; t++) {
            h = Linalg.linear(x.select(0, t), w.get(0), w.get(2)).add(Linalg.linear(h, w.get(1), w.get(3))).relu();
            outs[t] = h;
        }
        Tensor out = ShapeOps.stack(outs, 0);
        assertClose(r.output(), out, 1e-6f, "output");
        out.mul(gOut).sum().add(h.unsqueeze(0).mul(gH).sum()).backward();
        List<Tensor> plain = List.of(x, h0, w.get(0), w.get(1), w.get(2), w.get(3));
        for (int i = 0; i < plain.size(); i++) assertClose(fused.get(i), plain.get(i).grad(), 1e-5f, "grad " + i);
    }

    @Test
    void bidirectionalLstmMatchesAStepByStepReference() {
        Generator g = new Generator(3);
        int T = 5, B = 2, in = 3, H = 4;
        Tensor x = uniform(g, T, B, in), h0 = uniform(g, 2, B, H), c0 = uniform(g, 2, B, H);
        List<Tensor> w = weights(Recurrent.Cell.LSTM, in, H, 1, true, true, g);
        var r = Recurrent.lstm(x, h0, c0, w, Recurrent.Options.of(1, true, true, false), null);
        Tensor[] fwd = lstmReference(x, h0.select(0, 0), c0.select(0, 0), w.get(0), w.get(1), w.get(2), w.get(3),
                false);
        Tensor[] bwd = lstmReference(x, h0.select(0, 1), c0.select(0, 1), w.get(4), w.get(5), w.get(6), w.get(7),
                true);
        assertClose(r.output(), ShapeOps.cat(List.of(fwd[0], bwd[0]), 2), 1e-5f);
        assertClose(r.hN(), ShapeOps.stack(List.of(fwd[1], bwd[1]), 0), 1e-5f);
        assertClose(r.cN(), ShapeOps.stack(List.of(fwd[2], bwd[2]), 0), 1e-5f);
    }

    // ---------------------------------------------------------------- variable lengths

    @Test
    void paddedBatchGivesTheSameResultsAsEachSequenceAlone() {
        Generator g = new Generator(4);
        int T = 6, B = 3, in = 3, H = 4;
        long[] lens = {6, 2, 4};
        for (Recurrent.Cell cell : Recurrent.Cell.values()) {
            List<Tensor> w = weights(cell, in, H, 2, true, true, g);
            var o = Recurrent.Options.of(2, true, true, true);
            Tensor x = uniform(g, B, T, in).detach();
            Tensor h0 = uniform(g, 4, B, H), c0 = cell == Recurrent.Cell.LSTM ? uniform(g, 4, B, H) : null;
            // Garbage in the padding must not matter.
            for (int b = 0; b < B; b++) for (int t = (int) lens[b]; t < T; t++) for (int k = 0; k < in; k++) {
                x.set(1000f + t, b, t, k);
            }
            x.requiresGrad(true);
            var padded = Recurrent.run(cell, x, h0, c0, w, o, Tensor.ofLongs(lens, B));
            padded.output().mul(Tensor.randn(g, B, T, 2 * H)).sum().backward();
            for (int b = 0; b < B; b++) {
                int len = (int) lens[b];
                Tensor xb = x.detach().narrow(0, b, 1).narrow(1, 0, len).contiguous().requiresGrad(true);
                var alone = Recurrent.run(cell, xb, h0.detach().narrow(1, b, 1).contiguous(),
                        c0 == null ? null : c0.detach().narrow(1, b, 1).contiguous(), w, o, null);
                String what = cell + " sequence " + b;
                assertClose(padded.output().detach().narrow(0, b, 1).narrow(1, 0, len), alone.output(), 1e-5f, what);
                if (len < T) {
                    assertThat(padded.output().detach().narrow(0, b, 1).narrow(1, len, T - len).abs().sum().item())
                            .as(what + " padded output").isZero();
                    assertThat(x.grad().narrow(0, b, 1).narrow(1, len, T - len).abs().sum().item())
                            .as(what + " gradient of padded input").isZero();
                }
                assertClose(padded.hN().detach().narrow(1, b, 1), alone.hN(), 1e-5f, what + " hN");
                if (c0 != null) assertClose(padded.cN().detach().narrow(1, b, 1), alone.cN(), 1e-5f, what + " cN");
            }
        }
    }

    @Test
    void reverseDirectionStartsAtTheLastValidStep() {
        // One sequence of length 2 padded to 4: the reverse direction's output at t=0 and its final state must be
        // those of running the reverse cell over steps 1, 0 only.
        Generator g = new Generator(5);
        int in = 2, H = 3;
        List<Tensor> w = weights(Recurrent.Cell.GRU, in, H, 1, true, true, g);
        Tensor x = uniform(g, 4, 1, in);
        var o = Recurrent.Options.of(1, true, true, false);
        var padded = Recurrent.gru(x, null, w, o, Tensor.ofLongs(new long[] {2}, 1));
        var reverseOnly = Recurrent.gru(ShapeOps.stack(List.of(x.select(0, 1), x.select(0, 0)), 0), null,
                w.subList(4, 8), Recurrent.Options.of(1, true, false, false), null);   // steps 1, 0 in order
        assertClose(padded.output().narrow(0, 0, 1).narrow(2, H, H), reverseOnly.output().narrow(0, 1, 1), 1e-6f,
                "reverse output at t=0");
        assertClose(padded.output().narrow(0, 1, 1).narrow(2, H, H), reverseOnly.output().narrow(0, 0, 1), 1e-6f,
                "reverse output at t=1");
        assertClose(padded.hN().narrow(0, 1, 1), reverseOnly.hN(), 1e-6f, "reverse hN");
    }

    // ---------------------------------------------------------------- layouts and options

    @Test
    void batchFirstAndUnbatchedAgreeWithTimeMajor() {
        Generator g = new Generator(6);
        int T = 4, B = 2, in = 3, H = 2;
        List<Tensor> w = weights(Recurrent.Cell.LSTM, in, H, 2, true, true, g);
        Tensor x = uniform(g, T, B, in);
        var tm = Recurrent.lstm(x, null, null, w, Recurrent.Options.of(2, true, true, false), null);
        var bf = Recurrent.lstm(x.transpose(0, 1), null, null, w, Recurrent.Options.of(2, true, true, true), null);
        assertClose(bf.output().transpose(0, 1), tm.output(), 0f, "batch-first output");
        assertClose(bf.hN(), tm.hN(), 0f, "batch-first hN");
        var one = Recurrent.lstm(x.select(1, 1), null, null, w, Recurrent.Options.of(2, true, true, false), null);
        assertThat(one.output().shape()).containsExactly(T, 2 * H);
        assertThat(one.hN().shape()).containsExactly(4, H);
        assertClose(one.output(), tm.output().select(1, 1), 1e-6f, "unbatched output");
    }

    @Test
    void dropoutBetweenLayersIsSeededAndOffInEval() {
        Generator g = new Generator(7);
        List<Tensor> w = weights(Recurrent.Cell.GRU, 3, 4, 2, false, true, g);
        Tensor x = uniform(g, 5, 2, 3);
        var base = Recurrent.Options.of(2, true, false, false);
        Tensor a = Recurrent.gru(x, null, w, base.withDropout(0.5f, true, new Generator(1)), null).output();
        Tensor b = Recurrent.gru(x, null, w, base.withDropout(0.5f, true, new Generator(1)), null).output();
        Tensor c = Recurrent.gru(x, null, w, base.withDropout(0.5f, true, new Generator(2)), null).output();
        Tensor eval = Recurrent.gru(x, null, w, base.withDropout(0.5f, false, null), null).output();
        Tensor none = Recurrent.gru(x, null, w, base, null).output();
        assertClose(a, b, 0f, "same seed");
        assertThat(maxDiff(a, c)).as("different seed").isGreaterThan(1e-3f);
        assertThat(maxDiff(a, none)).as("dropout active").isGreaterThan(1e-3f);
        assertClose(eval, none, 0f, "eval mode");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void errorsNameTheOpTheShapesAndWhatWasExpected() {
        Generator g = new Generator(8);
        List<Tensor> w = weights(Recurrent.Cell.LSTM, 4, 5, 1, false, true, g);
        var o = Recurrent.Options.of(1, true, false, true);
        assertThatThrownBy(() -> Recurrent.lstm(Tensor.zeros(2, 3, 7), null, null, w, o, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lstm").hasMessageContaining("7 features").hasMessageContaining("[2, 3, 7]")
                .hasMessageContaining("input_size=4");
        // batch-first [2, 3, 4]: B = 2, T = 3.
        assertThatThrownBy(() -> Recurrent.lstm(Tensor.zeros(2, 3, 4), Tensor.zeros(1, 2, 5), null, w, o, null))
                .hasMessageContaining("both h0 and c0");
        assertThatThrownBy(() -> Recurrent.lstm(Tensor.zeros(2, 3, 4), Tensor.zeros(1, 3, 5), Tensor.zeros(1, 3, 5),
                w, o, null)).hasMessageContaining("h0").hasMessageContaining("[1, 2, 5]").hasMessageContaining("[1, 3, 5]");
        assertThatThrownBy(() -> Recurrent.lstm(Tensor.zeros(2, 3, 4), null, null, w.subList(0, 2), o, null))
                .hasMessageContaining("expected 4 weights");
        assertThatThrownBy(() -> Recurrent.lstm(Tensor.zeros(2, 3, 4), null, null, w, o,
                Tensor.ofLongs(new long[] {3, 4}, 2))).hasMessageContaining("lengths[1] = 4").hasMessageContaining("[0, 3]");
        assertThatThrownBy(() -> Recurrent.lstm(Tensor.zeros(2, 3, 4), null, null, w, o, Tensor.zeros(2)))
                .hasMessageContaining("int64");
        assertThatThrownBy(() -> Recurrent.gru(Tensor.zeros(2, 3, 4), null, w, o, null))
                .hasMessageContaining("weight_ih_l0").hasMessageContaining("[15, 4]").hasMessageContaining("[20, 4]");
    }

    // ---------------------------------------------------------------- helpers

    static float maxDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        float m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    static void assertClose(Tensor got, Tensor want, float tol) {
        assertClose(got, want, tol, "");
    }

    static void assertClose(Tensor got, Tensor want, float tol, String what) {
        assertThat(got.shape()).as(what + " shape").containsExactly(want.shape());
        float[] a = got.toFloatArray(), b = want.toFloatArray();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).as(what + " element " + i).isCloseTo(b[i], within(tol));
    }
}
