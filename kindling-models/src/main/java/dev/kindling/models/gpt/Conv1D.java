// Conv1D: Hugging Face's GPT-2 "Conv1D", which is a linear layer whose weight is stored transposed ([in, out]).
// Kept as its own layer so GPT-2 checkpoints load without transposing and state_dict names match HF exactly.
package dev.kindling.models.gpt;

import dev.kindling.nn.Init;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * {@code y = x @ weight + bias} with {@code weight [in, out]}, {@code bias [out]} (HF {@code Conv1D(nf=out, nx=in)}).
 * Initialised as HF: weight ~ N(0, std), bias 0.
 *
 * <p>Shape: {@code [..., in] -> [..., out]}. Example: {@code new Conv1D(128, 384, 0.02, g).forward(x); // [B, T, 384]}
 */
public class Conv1D extends Module {
    private final Tensor weight, bias;

    /** A Conv1D layer with weights drawn from N(0, std^2) (g may be null: weights stay zero, for loading). */
    public Conv1D(int in, int out, double std, Generator g) {
        weight = registerParameter("weight", Tensor.zeros(in, out));   // [in, out]
        bias = registerParameter("bias", Tensor.zeros(out));           // [out]
        if (g != null) Init.normal_(weight, 0, std, g);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return FusedLinear.conv1d(x, weight, bias);   // [..., in] -> [..., out]
    }

    @Override
    protected String extraRepr() {
        return "nx=" + weight.size(0) + ", nf=" + weight.size(1);
    }
}
