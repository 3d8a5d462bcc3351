// Tanh: the hyperbolic tangent as a layer (torch.nn.Tanh).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/** {@code tanh(x)}. Shape: any, preserved. */
public class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.tanh(x);
    }
}
