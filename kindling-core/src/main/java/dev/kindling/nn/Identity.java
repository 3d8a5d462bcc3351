// Identity: a layer that returns its input (torch.nn.Identity), a placeholder when a block is switched off.
package dev.kindling.nn;

import dev.kindling.tensor.Tensor;

/** Returns its input unchanged. */
public class Identity extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
