// TransformerDecoder: a stack of TransformerDecoderLayer (torch.nn.TransformerDecoder): state-dict keys
// "layers.0.self_attn.in_proj_weight", "layers.0.multihead_attn...", and "norm.*" with a final norm.
package dev.kindling.nn;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * {@code numLayers} decoder layers applied in order (each attending to the same memory), then the optional final
 * norm. As in PyTorch, the layers start as copies of one freshly initialised layer. Shape: as
 * {@link TransformerDecoderLayer}.
 *
 * <p>Example: {@code var dec = new TransformerDecoder(cfg, 6, new LayerNorm(128), g); dec.forward(tgt, memory);}
 */
public class TransformerDecoder extends Module {
    private final ModuleList<TransformerDecoderLayer> layers;
    private final LayerNorm norm;

    /** Args: layer — each layer's options; numLayers >= 1; norm — final LayerNorm or null. */
    public TransformerDecoder(TransformerEncoderLayer.Config layer, int numLayers, LayerNorm norm, Generator g) {
        if (numLayers < 1) throw new IllegalArgumentException("TransformerDecoder: num_layers must be >= 1, got "
                + numLayers);
        layers = registerModule("layers", new ModuleList<>());
        TransformerDecoderLayer first = new TransformerDecoderLayer(layer, g);
        layers.add(first);
        for (int i = 1; i < numLayers; i++) {
            TransformerDecoderLayer copy = new TransformerDecoderLayer(layer, g);
            copy.loadStateDict(first.stateDict());
            layers.add(copy);
        }
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /** The layers, in order. */
    public ModuleList<TransformerDecoderLayer> layers() {
        return layers;
    }

    /** No masks. */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null, false, false);
    }

    /** Args as {@link TransformerDecoderLayer#forward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, boolean, boolean)}. */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask, boolean tgtIsCausal, boolean memoryIsCausal) {
        Tensor x = tgt;
        for (TransformerDecoderLayer l : layers) x = l.forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask,
                memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal);
        return norm == null ? x : norm.forward(x);
    }
}
