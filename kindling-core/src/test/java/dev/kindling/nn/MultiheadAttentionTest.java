package dev.kindling.nn;

import static dev.kindling.nn.LayersTest.assertClose;
import static dev.kindling.nn.LayersTest.assertKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.ops.Attention;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.ShapeOps;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MultiheadAttention: PyTorch's state-dict layout, layouts (batch-first, sequence-first, unbatched), masks with
 * PyTorch's "true = not allowed" meaning, head-averaged weights, causal flag, dropout, gradients and errors.
 * Numerics against PyTorch: the golden case mha_causal (GoldenOpsTransformer).
 */
class MultiheadAttentionTest {
    private static MultiheadAttention.Options.Builder opts() {
        return MultiheadAttention.Options.builder();
    }

    @Test
    void stateDictKeysMatchPyTorch() {
        Generator g = new Generator(1);
        assertKeys(new MultiheadAttention(8, 2, g), "in_proj_weight", new int[] {24, 8}, "in_proj_bias", new int[] {24},
                "out_proj.weight", new int[] {8, 8}, "out_proj.bias", new int[] {8});
        assertKeys(new MultiheadAttention(MultiheadAttention.Config.of(8, 2).withKvDims(5, 3), g),
                "q_proj_weight", new int[] {8, 8}, "k_proj_weight", new int[] {8, 5}, "v_proj_weight", new int[] {8, 3},
                "in_proj_bias", new int[] {24}, "out_proj.weight", new int[] {8, 8}, "out_proj.bias", new int[] {8});
        assertKeys(new MultiheadAttention(MultiheadAttention.Config.of(8, 2).withBias(false), g),
                "in_proj_weight", new int[] {24, 8}, "out_proj.weight", new int[] {8, 8});
        // PyTorch's _reset_parameters: zero biases, xavier-uniform in_proj_weight (bound sqrt(6 / (8 + 24)) = 0.433).
        var m = new MultiheadAttention(8, 2, g);
        for (float b : m.stateDict().get("in_proj_bias").toFloatArray()) assertThat(b).isZero();
        for (float b : m.stateDict().get("out_proj.bias").toFloatArray()) assertThat(b).isZero();
        for (float w : m.stateDict().get("in_proj_weight").toFloatArray()) assertThat(Math.abs(w)).isLessThan(0.4331f);
    }

    /** Per-head attention written out with the functional ops. x: [B, L, E]. */
    private static Tensor manual(MultiheadAttention m, Tensor x, int heads) {
        Map<String, Tensor> p = m.stateDict();
        int b = x.size(0), l = x.size(1), e = x.size(2), d = e / heads;
        Tensor qkv = Linalg.linear(x, p.get("in_proj_weight"), p.get("in_proj_bias"));       // [B, L, 3E]
        Tensor[] parts = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            parts[i] = qkv.narrow(2, i * e, e).contiguous().reshape(b, l, heads, d).transpose(1, 2);
        }
        Tensor att = Attention.attentionWithWeights(parts[0], parts[1], parts[2], null, 0f, false, null, false, null)
                .output().transpose(1, 2).reshape(b, l, e);
        return Linalg.linear(att, p.get("out_proj.weight"), p.get("out_proj.bias"));
    }

    @Test
    void layoutsAgreeAndMatchTheManualComputation() {
        Generator g = new Generator(2);
        var bf = new MultiheadAttention(MultiheadAttention.Config.of(12, 3).withBatchFirst(true), g);
        var sf = new MultiheadAttention(MultiheadAttention.Config.of(12, 3), g);
        sf.loadStateDict(bf.stateDict());
        Tensor x = Tensor.randn(g, 2, 5, 12);                                                   // [B, L, E]
        var out = bf.forward(x, x, x);
        assertClose(out.output(), manual(bf, x, 3), 1e-5f);
        assertThat(out.weights().shape()).containsExactly(2, 5, 5);
        Tensor xs = x.transpose(0, 1).contiguous();                                            // [L, B, E]
        var outS = sf.forward(xs, xs, xs);
        assertClose(outS.output().transpose(0, 1), out.output(), 1e-5f);
        assertClose(outS.weights(), out.weights(), 1e-6f);                                    // weights stay [B, L, S]
        // Unbatched [L, E] is batch 1; weights rows sum to 1.
        var one = bf.forward(x.select(0, 1), x.select(0, 1), x.select(0, 1));
        assertClose(one.output(), out.output().select(0, 1), 1e-5f);
        assertClose(one.weights().sum(-1, false), Tensor.ones(5), 1e-5f);
        // Per-head weights: [B, H, L, S], whose mean over heads is the averaged weights.
        var perHead = bf.forward(x, x, x, opts().averageAttnWeights(false).build());
        assertThat(perHead.weights().shape()).containsExactly(2, 3, 5, 5);
        assertClose(perHead.weights().mean(1, false), out.weights(), 1e-6f);
        // need_weights=false (the sdpa path) gives the same output and no weights.
        var noWeights = bf.forward(x, x, x, opts().needWeights(false).build());
        assertThat(noWeights.weights()).isNull();
        assertClose(noWeights.output(), out.output(), 1e-5f);
    }

    @Test
    void keyPaddingMaskAndAttnMaskUsePyTorchMeaning() {
        Generator g = new Generator(3);
        var m = new MultiheadAttention(MultiheadAttention.Config.of(8, 2).withBatchFirst(true), g);
        Tensor x = Tensor.randn(g, 2, 4, 8);
        // Sequence 0 has 4 tokens, sequence 1 has 2 (keys 2, 3 are padding: true = ignore).
        Tensor pad = Tensor.ofBools(new boolean[] {false, false, false, false, false, false, true, true}, 2, 4);
        var out = m.forward(x, x, x, opts().keyPaddingMask(pad).build());
        for (int i = 0; i < 4; i++) for (int j = 2; j < 4; j++) assertThat(out.weights().get(1, i, j)).isZero();
        // Changing the padded positions' keys/values does not change sequence 1's outputs at real positions.
        Tensor x2 = x.clone();
        for (int c = 0; c < 8; c++) x2.set(x2.get(1, 3, c) + 5f, 1, 3, c);
        var out2 = m.forward(x2, x2, x2, opts().keyPaddingMask(pad).build());
        for (int i = 0; i < 3; i++) for (int c = 0; c < 8; c++) {
            assertThat(out2.output().get(1, i, c)).isCloseTo(out.output().get(1, i, c),
                    org.assertj.core.api.Assertions.within(1e-5f));
        }
        // A float padding mask (-inf) is the same as the bool one.
        Tensor padF = Tensor.zeros(2, 4);
        padF.set(Float.NEGATIVE_INFINITY, 1, 2);
        padF.set(Float.NEGATIVE_INFINITY, 1, 3);
        assertClose(m.forward(x, x, x, opts().keyPaddingMask(padF).build()).output(), out.output(), 1e-6f);
        // attn_mask true = not allowed: the causal triangle equals isCausal, with or without padding, both paths.
        Tensor tri = MultiheadAttention.causalBlocked(4, 4);
        var causal = m.forward(x, x, x, opts().isCausal(true).build());
        assertClose(m.forward(x, x, x, opts().attnMask(tri).build()).output(), causal.output(), 1e-6f);
        for (int i = 0; i < 4; i++) for (int j = i + 1; j < 4; j++) assertThat(causal.weights().get(0, i, j)).isZero();
        assertClose(m.forward(x, x, x, opts().isCausal(true).needWeights(false).build()).output(), causal.output(), 1e-5f);
        Tensor both = m.forward(x, x, x, opts().isCausal(true).keyPaddingMask(pad).build()).output();
        assertClose(m.forward(x, x, x, opts().attnMask(tri).keyPaddingMask(padF).needWeights(false).build()).output(),
                both, 1e-5f);
        // [B * H, L, S] attn_mask: head-specific masks.
        Tensor perHead = tri.unsqueeze(0).expand(4, 4, 4).contiguous();
        assertClose(m.forward(x, x, x, opts().attnMask(perHead).build()).output(), causal.output(), 1e-6f);
        // Unbatched: [L, E] input with an [H, L, S] mask.
        Tensor x0 = x.select(0, 0);
        assertClose(m.forward(x0, x0, x0, opts().attnMask(perHead.narrow(0, 0, 2)).build()).output(),
                causal.output().select(0, 0), 1e-5f);
    }

    @Test
    void fullyMaskedQueryGivesZeros() {
        Generator g = new Generator(4);
        var m = new MultiheadAttention(MultiheadAttention.Config.of(4, 1).withBatchFirst(true), g);
        Tensor x = Tensor.randn(g, 1, 3, 4);
        Tensor mask = Tensor.ofBools(new boolean[] {false, true, true, true, true, true, false, false, false}, 3, 3);
        var out = m.forward(x, x, x, opts().attnMask(mask).build());
        // Row 1 sees no key: its attention is 0, so the output is out_proj's bias (0 at init) — documented.
        for (int j = 0; j < 3; j++) assertThat(out.weights().get(0, 1, j)).isZero();
        for (int c = 0; c < 4; c++) assertThat(out.output().get(0, 1, c)).isZero();
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Generator g = new Generator(5);
        var c = MultiheadAttention.Config.of(6, 2).withBatchFirst(true).withKvDims(4, 3);
        var m = new MultiheadAttention(c, g);
        Map<String, Tensor> p = m.stateDict();
        Tensor q = Tensor.randn(g, 2, 3, 6).requiresGrad(true), k = Tensor.randn(g, 2, 4, 4).requiresGrad(true);
        Tensor v = Tensor.randn(g, 2, 4, 3).requiresGrad(true);
        Tensor pad = Tensor.ofBools(new boolean[] {false, false, false, false, false, false, false, true}, 2, 4);
        Tensor wq = p.get("q_proj_weight").requiresGrad(true), bias = p.get("in_proj_bias").requiresGrad(true);
        GradCheck.check("mha cross-attention", t -> {
            Map<String, Tensor> params = new LinkedHashMap<>(p);
            params.put("q_proj_weight", t[3]);
            params.put("in_proj_bias", t[4]);
            var o = MultiheadAttention.functionalCall(c, params, false, null, t[0], t[1], t[2],
                    opts().keyPaddingMask(pad).build());
            return ShapeOps.cat(new Tensor[] {o.output(), o.weights()}, -1);                 // [B, L, E + S]
        }, q, k, v, wq, bias);
    }

    @Test
    void dropoutIsSeededAndOffInEval() {
        var c = MultiheadAttention.Config.of(8, 2).withBatchFirst(true).withDropout(0.5f);
        var a = new MultiheadAttention(c, new Generator(6));
        var b = new MultiheadAttention(c, new Generator(6));
        Tensor x = Tensor.randn(new Generator(7), 2, 5, 8);
        Tensor ya = a.forward(x, x, x).output(), yb = b.forward(x, x, x).output();
        assertThat(ya.toFloatArray()).containsExactly(yb.toFloatArray());               // same seed, same masks
        a.eval();
        Tensor e1 = a.forward(x, x, x).output(), e2 = a.forward(x, x, x).output();
        assertThat(e1.toFloatArray()).containsExactly(e2.toFloatArray());
        assertThat(e1.toFloatArray()).isNotEqualTo(ya.toFloatArray());
    }

    @Test
    void errorsNameShapesAndExpectations() {
        Generator g = new Generator(8);
        assertThatThrownBy(() -> new MultiheadAttention(10, 3, g)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embed_dim=10").hasMessageContaining("num_heads=3");
        var m = new MultiheadAttention(MultiheadAttention.Config.of(8, 2).withBatchFirst(true), g);
        Tensor x = Tensor.zeros(2, 5, 8);
        assertThatThrownBy(() -> m.forward(Tensor.zeros(2, 5, 7), x, x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MultiheadAttention").hasMessageContaining("[2, 5, 7]").hasMessageContaining("E=8");
        assertThatThrownBy(() -> m.forward(x, x, x, opts().keyPaddingMask(Tensor.ofBools(new boolean[5], 1, 5)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key_padding_mask")
                .hasMessageContaining("[2, 5]").hasMessageContaining("[1, 5]");
        assertThatThrownBy(() -> m.forward(x, x, x, opts().attnMask(Tensor.zeros(5, 4)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attn_mask")
                .hasMessageContaining("[5, 4]");
        assertThatThrownBy(() -> MultiheadAttention.functionalCall(m.config(), Map.of(), false, null, x, x, x,
                MultiheadAttention.Options.DEFAULT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in_proj_weight");
    }
}
