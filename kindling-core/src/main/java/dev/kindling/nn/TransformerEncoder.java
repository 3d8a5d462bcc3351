// TransformerEncoder: a stack of TransformerEncoderLayer (torch.nn.TransformerEncoder): state-dict keys
// "layers.0.self_attn.in_proj_weight", ..., and "norm.weight" / "norm.bias" when a final norm is given.
package dev.kindling.nn;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * {@code numLayers} encoder layers applied in order, then the optional final norm.
 *
 * <p>As in PyTorch, the layers start as copies of one freshly initialised layer (PyTorch deep-copies the layer
 * it is given); re-initialise them if they should differ. Shape: as {@link TransformerEncoderLayer}.
 *
 * <p>Example: {@code var enc = new TransformerEncoder(Config.of(128, 4).withBatchFirst(true), 6, new LayerNorm(128), g);}
 */
public class TransformerEncoder extends Module {
    private final ModuleList<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    /** Args: layer — each layer's options; numLayers >= 1; norm — final LayerNorm or null. */
    public TransformerEncoder(TransformerEncoderLayer.Config layer, int numLayers, LayerNorm norm, Generator g) {
        if (numLayers < 1) throw new IllegalArgumentException("TransformerEncoder: num_layers must be >= 1, got "
                + numLayers);
        layers = registerModule("layers", new ModuleList<>());
        TransformerEncoderLayer first = new TransformerEncoderLayer(layer, g);
        layers.add(first);
        for (int i = 1; i < numLayers; i++) {
            TransformerEncoderLayer copy = new TransformerEncoderLayer(layer, g);
            copy.loadStateDict(first.stateDict());
            layers.add(copy);
        }
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /** The layers, in order. */
    public ModuleList<TransformerEncoderLayer> layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    /** Args as {@link TransformerEncoderLayer#forward(Tensor, Tensor, Tensor, boolean)}, passed to every layer. */
    public Tensor forward(Tensor src, Tensor mask, Tensor srcKeyPaddingMask, boolean isCausal) {
        Tensor x = src;
        for (TransformerEncoderLayer l : layers) x = l.forward(x, mask, srcKeyPaddingMask, isCausal);
        return norm == null ? x : norm.forward(x);
    }
}
