// Sigmoid: the logistic function 1 / (1 + exp(-x)) as a layer (torch.nn.Sigmoid).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/** {@code 1 / (1 + exp(-x))}. Shape: any, preserved. */
public class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.sigmoid(x);
    }
}
