// SiLU: the sigmoid-weighted linear unit x * sigmoid(x), a.k.a. swish (torch.nn.SiLU).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/** {@code x * sigmoid(x)}. Shape: any, preserved. */
public class SiLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.silu(x);
    }
}
