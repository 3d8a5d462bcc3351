// ReLU: the rectified linear unit max(0, x) as a layer (torch.nn.ReLU).
package dev.kindling.nn;

import dev.kindling.ops.Activations;
import dev.kindling.tensor.Tensor;

/** {@code max(0, x)}. Shape: any, preserved. */
public class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.relu(x);
    }
}
