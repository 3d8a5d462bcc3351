// Dropout2d: channel dropout (torch.nn.Dropout2d). In training each whole feature map is zeroed with
// probability p and the survivors scaled by 1/(1-p), since neighbouring pixels are too correlated for
// element dropout to regularise a conv net; in eval it is the identity. Masks come from the module's Generator.
package dev.kindling.nn;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Randomly zeroes whole channels during training.
 *
 * <p>Shape: {@code [N, C, H, W]} preserved; one draw per {@code (n, c)}. A 3-D input is taken as {@code [N, C, L]}
 * (one draw per {@code (n, c)}, PyTorch's channel-wise 1-D behaviour).
 *
 * <p>Example: {@code var drop = new Dropout2d(0.2f, new Generator(7)); drop.forward(features); // [B, 32, 14, 14]}
 */
public class Dropout2d extends Dropout {
    /** Channel dropout with drop probability {@code p} in [0, 1), masks drawn from {@code g}. */
    public Dropout2d(float p, Generator g) {
        super(p, g, "Dropout2d");
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException("Dropout2d: expected input [N, C, H, W] "
                + "or [N, C, L], got shape " + Shape.str(x.shape()));
        if (!isTraining() || p() == 0) return x;
        int n = x.size(0), c = x.size(1);
        int[] maskShape = x.dim() == 4 ? new int[] {n, c, 1, 1} : new int[] {n, c, 1};
        return x.mul(scaledMask(maskShape));   // broadcast over the spatial dims
    }
}
