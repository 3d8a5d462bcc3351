package dev.kindling.nn;

import static dev.kindling.nn.LayersTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.Norms;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Transformer encoder/decoder layers and stacks (PyTorch state-dict keys, pre/post norm against a hand-written
 * composition, masks, gradients), sinusoidal positions and SwiGLU. Numerics against PyTorch: the golden case
 * transformer_layer (pre-norm, gelu).
 */
class TransformerLayersTest {
    private static final TransformerEncoderLayer.Config SMALL = TransformerEncoderLayer.Config.of(8, 2)
            .withDimFeedforward(12).withDropout(0f).withBatchFirst(true);

    @Test
    void stateDictKeysMatchPyTorch() {
        Generator g = new Generator(1);
        List<String> attn = List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias");
        List<String> ff = List.of("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias");
        List<String> enc = new java.util.ArrayList<>();
        for (String a : attn) enc.add("self_attn." + a);
        enc.addAll(ff);
        enc.addAll(List.of("norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"));
        assertThat(new TransformerEncoderLayer(SMALL, g).stateDict().keySet()).containsExactlyElementsOf(enc);
        List<String> dec = new java.util.ArrayList<>();
        for (String a : attn) dec.add("self_attn." + a);
        for (String a : attn) dec.add("multihead_attn." + a);
        dec.addAll(ff);
        dec.addAll(List.of("norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "norm3.weight", "norm3.bias"));
        assertThat(new TransformerDecoderLayer(SMALL, g).stateDict().keySet()).containsExactlyElementsOf(dec);
        var stack = new TransformerEncoder(SMALL, 2, new LayerNorm(8), g);
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) for (String k : enc) keys.add("layers." + i + "." + k);
        keys.addAll(List.of("norm.weight", "norm.bias"));
        assertThat(stack.stateDict().keySet()).containsExactlyElementsOf(keys);
        // PyTorch deep-copies the layer: both layers start equal.
        assertThat(stack.stateDict().get("layers.1.linear1.weight").toFloatArray())
                .containsExactly(stack.stateDict().get("layers.0.linear1.weight").toFloatArray());
        assertThat(new TransformerDecoder(SMALL, 3, null, g).stateDict()).containsKey("layers.2.multihead_attn.in_proj_bias")
                .doesNotContainKey("norm.weight");
        assertThat(new TransformerEncoderLayer(SMALL.withBias(false), g).stateDict().keySet())
                .containsExactly("self_attn.in_proj_weight", "self_attn.out_proj.weight", "linear1.weight",
                        "linear2.weight", "norm1.weight", "norm2.weight");
    }

    /** The encoder layer written out from its parts. */
    private static Tensor manualEncoder(TransformerEncoderLayer layer, Tensor x, boolean normFirst, boolean gelu) {
        Map<String, Tensor> p = layer.stateDict();
        var mha = (MultiheadAttention) layer.namedChildren().get("self_attn");
        var sa = (java.util.function.Function<Tensor, Tensor>) h -> mha.forward(h, h, h).output();
        var ff = (java.util.function.Function<Tensor, Tensor>) h -> {
            Tensor a = Linalg.linear(h, p.get("linear1.weight"), p.get("linear1.bias"));
            a = gelu ? Activations.gelu(a) : Activations.relu(a);
            return Linalg.linear(a, p.get("linear2.weight"), p.get("linear2.bias"));
        };
        var n1 = (java.util.function.Function<Tensor, Tensor>) h -> Norms.layerNorm(h, new int[] {8},
                p.get("norm1.weight"), p.get("norm1.bias"), 1e-5f);
        var n2 = (java.util.function.Function<Tensor, Tensor>) h -> Norms.layerNorm(h, new int[] {8},
                p.get("norm2.weight"), p.get("norm2.bias"), 1e-5f);
        if (normFirst) {
            Tensor y = x.add(sa.apply(n1.apply(x)));
            return y.add(ff.apply(n2.apply(y)));
        }
        Tensor y = n1.apply(x.add(sa.apply(x)));
        return n2.apply(y.add(ff.apply(y)));
    }

    @Test
    void preAndPostNormMatchTheirDefinitions() {
        Generator g = new Generator(2);
        Tensor x = Tensor.randn(g, 2, 5, 8);
        for (boolean normFirst : new boolean[] {false, true}) {
            for (String act : new String[] {"relu", "gelu"}) {
                var layer = new TransformerEncoderLayer(SMALL.withNormFirst(normFirst).withActivation(act), g);
                // Non-trivial norm parameters, so that norm1/norm2 mix-ups show.
                for (var e : layer.namedParameters().entrySet()) {
                    if (e.getKey().startsWith("norm")) e.getValue().detach().copy_(Tensor.rand(g, 8).add(0.5f));
                }
                assertClose(layer.forward(x), manualEncoder(layer, x, normFirst, act.equals("gelu")), 1e-5f);
            }
        }
    }

    @Test
    void sequenceFirstLayoutAndCausalMask() {
        Generator g = new Generator(3);
        var bf = new TransformerEncoderLayer(SMALL, g);
        var sf = new TransformerEncoderLayer(SMALL.withBatchFirst(false), g);
        sf.loadStateDict(bf.stateDict());
        Tensor x = Tensor.randn(g, 2, 5, 8);
        assertClose(sf.forward(x.transpose(0, 1).contiguous()).transpose(0, 1), bf.forward(x), 1e-5f);
        // Causal: position i's output depends on positions <= i only.
        Tensor y = bf.forward(x, null, null, true);
        Tensor x2 = x.clone();
        x2.set(x2.get(0, 4, 0) + 3f, 0, 4, 0);
        Tensor y2 = bf.forward(x2, null, null, true);
        for (int i = 0; i < 4; i++) for (int c = 0; c < 8; c++) assertThat(y2.get(0, i, c)).isCloseTo(y.get(0, i, c), within(1e-5f));
        assertThat(y2.get(0, 4, 0)).isNotCloseTo(y.get(0, 4, 0), within(1e-3f));
        assertClose(bf.forward(x, MultiheadAttention.causalBlocked(5, 5), null, false), y, 1e-5f);
    }

    @Test
    void decoderLayerPaddingAndGradients() {
        Generator g = new Generator(4);
        var cfg = SMALL.withDimFeedforward(6);
        var dec = new TransformerDecoderLayer(cfg, g);
        Tensor tgt = Tensor.randn(g, 2, 3, 8), mem = Tensor.randn(g, 2, 4, 8);
        Tensor memPad = Tensor.ofBools(new boolean[] {false, false, false, false, false, false, true, true}, 2, 4);
        Tensor y = dec.forward(tgt, mem, null, null, null, memPad, true, false);
        assertThat(y.shape()).containsExactly(2, 3, 8);
        // Padded memory positions do not matter.
        Tensor mem2 = mem.clone();
        for (int c = 0; c < 8; c++) mem2.set(9f, 1, 3, c);
        assertClose(dec.forward(tgt, mem2, null, null, null, memPad, true, false), y, 1e-5f);
        // Finite differences through the functional call, for the input, the memory and two parameters.
        Map<String, Tensor> p = dec.stateDict();
        for (boolean normFirst : new boolean[] {false, true}) {
            var c = cfg.withNormFirst(normFirst);
            GradCheck.check("decoder layer normFirst=" + normFirst, t -> {
                Map<String, Tensor> params = new LinkedHashMap<>(p);
                params.put("multihead_attn.out_proj.weight", t[2]);
                params.put("norm2.weight", t[3]);
                return TransformerDecoderLayer.functionalCall(c, params, false, null, t[0], t[1], null, null, null,
                        memPad, true, false);
            }, tgt.requiresGrad(true), mem.requiresGrad(true), p.get("multihead_attn.out_proj.weight").requiresGrad(true),
                    p.get("norm2.weight").requiresGrad(true));
        }
    }

    @Test
    void encoderLayerGradientsAndStackForward() {
        Generator g = new Generator(5);
        var layer = new TransformerEncoderLayer(SMALL.withNormFirst(true).withActivation("gelu"), g);
        Map<String, Tensor> p = layer.stateDict();
        Tensor x = Tensor.randn(g, 2, 4, 8).requiresGrad(true);
        Tensor pad = Tensor.ofBools(new boolean[] {false, false, false, false, false, false, false, true}, 2, 4);
        GradCheck.check("encoder layer", t -> {
            Map<String, Tensor> params = new LinkedHashMap<>(p);
            params.put("self_attn.in_proj_weight", t[1]);
            params.put("linear1.weight", t[2]);
            return TransformerEncoderLayer.functionalCall(layer.config(), params, false, null, t[0], null, pad, false);
        }, x, p.get("self_attn.in_proj_weight").requiresGrad(true), p.get("linear1.weight").requiresGrad(true));
        var stack = new TransformerEncoder(SMALL, 2, new LayerNorm(8), g);
        Tensor h = stack.layers().get(1).forward(stack.layers().get(0).forward(x.detach()));
        assertClose(stack.forward(x.detach()), Norms.layerNorm(h, new int[] {8}, null, null, 1e-5f), 1e-5f);
        var decStack = new TransformerDecoder(SMALL, 2, null, g);
        Tensor mem = Tensor.randn(g, 2, 3, 8);
        assertClose(decStack.forward(x.detach(), mem), decStack.layers().get(1).forward(
                decStack.layers().get(0).forward(x.detach(), mem), mem), 1e-6f);
    }

    @Test
    void dropoutInTrainingOnly() {
        var cfg = SMALL.withDropout(0.3f);
        var a = new TransformerEncoderLayer(cfg, new Generator(6));
        var b = new TransformerEncoderLayer(cfg, new Generator(6));
        Tensor x = Tensor.randn(new Generator(7), 2, 4, 8);
        assertThat(a.forward(x).toFloatArray()).containsExactly(b.forward(x).toFloatArray());
        Tensor train = a.forward(x);
        a.eval();
        assertThat(a.forward(x).toFloatArray()).containsExactly(a.forward(x).toFloatArray())
                .isNotEqualTo(train.toFloatArray());
    }

    @Test
    void configErrors() {
        assertThatThrownBy(() -> TransformerEncoderLayer.Config.of(8, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embed_dim=8").hasMessageContaining("num_heads=3");
        assertThatThrownBy(() -> SMALL.withActivation("tanh")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tanh");
        assertThatThrownBy(() -> new TransformerEncoder(SMALL, 0, null, new Generator(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_layers");
        var layer = new TransformerEncoderLayer(SMALL, new Generator(1));
        Map<String, Tensor> p = new LinkedHashMap<>(layer.stateDict());
        p.remove("linear2.weight");
        assertThatThrownBy(() -> TransformerEncoderLayer.functionalCall(SMALL, p, false, null, Tensor.zeros(1, 2, 8),
                null, null, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear2.weight");
    }

    @Test
    void sinusoidalPositions() {
        Tensor pe = PositionalEncoding.table(50, 6);
        for (int pos : new int[] {0, 1, 17, 49}) {
            for (int i = 0; i < 3; i++) {
                double w = Math.pow(10000, -2.0 * i / 6);
                assertThat(pe.get(pos, 2 * i)).isCloseTo((float) Math.sin(pos * w), within(1e-6f));
                assertThat(pe.get(pos, 2 * i + 1)).isCloseTo((float) Math.cos(pos * w), within(1e-6f));
            }
        }
        assertThat(PositionalEncoding.table(3, 5).get(2, 4)).isCloseTo((float) Math.sin(2 * Math.pow(10000, -0.8)),
                within(1e-6f));
        var bf = new PositionalEncoding(6, 50, 0f, true, null);
        assertThat(bf.stateDict()).isEmpty();                                        // non-persistent buffer
        Tensor x = Tensor.randn(new Generator(8), 2, 4, 6);
        assertClose(bf.forward(x, 3), x.add(pe.narrow(0, 3, 4)), 0f);
        var sf = new PositionalEncoding(6, 50, 0f, false, null);
        assertClose(sf.forward(x.transpose(0, 1)).transpose(0, 1), bf.forward(x), 0f);
        assertThatThrownBy(() -> bf.forward(x, 47)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_len 50");
    }

    @Test
    void swiGluMatchesLlamaMlp() {
        Generator g = new Generator(9);
        var mlp = new SwiGLU(6, 10, false, g);
        assertThat(mlp.stateDict().keySet()).containsExactly("gate_proj.weight", "up_proj.weight", "down_proj.weight");
        Map<String, Tensor> p = mlp.stateDict();
        Tensor x = Tensor.randn(g, 3, 6).requiresGrad(true);
        Tensor want = Linalg.linear(Activations.silu(Linalg.linear(x, p.get("gate_proj.weight"), null))
                .mul(Linalg.linear(x, p.get("up_proj.weight"), null)), p.get("down_proj.weight"), null);
        assertClose(mlp.forward(x), want, 1e-6f);
        GradCheck.check("swiglu", t -> mlp.forward(t[0]), x);
    }
}
