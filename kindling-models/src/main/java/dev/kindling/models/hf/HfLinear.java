// HfLinear: a torch.nn.Linear-shaped layer (weight [out, in], optional bias) whose parameters are allocated for a
// checkpoint to fill: zeros by default (no wasted random init for billions of values), or Hugging Face's
// normal(0, std) init when a Generator is given. Forward is one fused GEMM op over all rows, or, for the few rows of
// a decoding step without autograd, a matrix-vector product that reads the weight in place (no GEMM packing).
package dev.kindling.models.hf;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Parallel;
import dev.kindling.models.gpt.FusedLinear;
import dev.kindling.nn.Init;
import dev.kindling.nn.Module;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Affine map {@code y = x W^T + b} with Hugging Face parameter names ({@code weight [out, in]}, {@code bias [out]}).
 *
 * <p>Shape: {@code [..., in] -> [..., out]}. Example: {@code new HfLinear(32, 64, false, null, 0)} (to be loaded).
 */
public final class HfLinear extends Module {
    private final Tensor weight, bias;

    /**
     * Args: bias — whether the layer has one; g — null leaves zeros (for loading), else weight ~ N(0, std) and
     * bias 0, as Hugging Face's {@code _init_weights}.
     */
    public HfLinear(int in, int out, boolean bias, Generator g, double std) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("HfLinear: in and out must be positive, got " + in
                + ", " + out);
        weight = registerParameter("weight", Tensor.zeros(out, in));   // [out, in]
        this.bias = registerParameter("bias", bias ? Tensor.zeros(out) : null);
        if (g != null) Init.normal_(weight, 0, std, g);
    }

    /** The weight {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return apply(x, weight, bias);   // [..., in] -> [..., out]
    }

    /** Rows up to which a product without autograd goes through the in-place matrix-vector path. */
    private static final int GEMV_MAX_ROWS = 4;

    /**
     * {@code x @ weight^T + bias} (torch Linear layout). A decoding step (at most a few rows, nothing to record for
     * autograd) reads each weight row once, in place, with a vectorised dot product per output; GEMM would first
     * pack the whole weight, which dominates when there is one row. Otherwise one fused GEMM op with gradient.
     *
     * <p>Shape: x {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} or null -> {@code [..., out]}.
     */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        int in = weight.size(1), out = weight.size(0);
        boolean recording = Autograd.isGradEnabled() && (x.requiresGrad() || weight.requiresGrad()
                || bias != null && bias.requiresGrad());
        if (recording || x.dim() < 1 || x.size(-1) != in || x.numel() / Math.max(1, in) > GEMV_MAX_ROWS) {
            return FusedLinear.linear(x, weight, bias);   // also reports shape errors
        }
        int rows = x.numel() / Math.max(1, in);
        Tensor xc = x.detach().contiguous(), wc = weight.detach().contiguous();
        float[] xd = xc.storage().floats(), wd = wc.storage().floats(), y = new float[rows * out];
        float[] bd = bias == null ? null : bias.detach().contiguous().toFloatArray();
        int xo = xc.offset(), wo = wc.offset();
        Parallel.forRange(out, Math.max(1, 32768 / Math.max(1, in)), (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                for (int r = 0; r < rows; r++) {
                    float v = Elementwise1D.dot(xd, xo + r * in, wd, wo + o * in, in);
                    y[r * out + o] = bd == null ? v : v + bd[o];
                }
            }
        });
        int[] ys = x.shape().clone();
        ys[ys.length - 1] = out;
        return Tensor.of(y, ys);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + weight.size(1) + ", out_features=" + weight.size(0) + ", bias=" + (bias != null);
    }
}
