// FusedLinear: y = x W + b (optionally followed by tanh GELU) as ONE autograd op over flattened rows (one GEMM
// forward, two GEMMs and a column sum backward) for Hugging Face's Conv1D layout W [in, out]. (torch Linear's
// [out, in] layout is core's Linalg.linear.) Avoids a separate bias add and the scalar GELU backward; a
// memory-mapped weight streams through core's MappedGemm instead of being copied to the heap.
package dev.kindling.models.gpt;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.Parallel;
import dev.kindling.kernels.UnaryOp;
import dev.kindling.ops.MappedGemm;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** Fused affine maps over the last dim (functional, with gradient). */
public final class FusedLinear {
    private FusedLinear() {}

    /**
     * Hugging Face Conv1D: {@code y = x @ weight + bias}.
     *
     * <p>Shape: x {@code [..., in]}, weight {@code [in, out]}, bias {@code [out]} or null -> {@code [..., out]}.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        return affine("conv1d", x, weight, bias, false);
    }

    /**
     * {@code gelu_tanh(x @ weight + bias)} (GPT-2's MLP up-projection and "gelu_new" activation) in one op: the
     * backward reuses the forward's tanh instead of recomputing it per element.
     *
     * <p>Shape: x {@code [..., in]}, weight {@code [in, out]}, bias {@code [out]} or null -> {@code [..., out]}.
     */
    public static Tensor conv1dGeluTanh(Tensor x, Tensor weight, Tensor bias) {
        return affine("conv1d_gelu_tanh", x, weight, bias, true);
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI), GELU_C = 0.044715f;
    private static final int GRAIN = 16384;

    private static Tensor affine(String op, Tensor x, Tensor weight, Tensor bias, boolean gelu) {
        if (weight.dim() != 2) throw new IllegalArgumentException(op + ": weight must be 2-D, got "
                + Shape.str(weight.shape()));
        int in = weight.size(0), out = weight.size(1);   // Conv1D layout [in, out]
        if (x.dim() < 1 || x.size(-1) != in) throw new IllegalArgumentException(op + ": input " + Shape.str(x.shape())
                + " does not match weight " + Shape.str(weight.shape()) + " (expected input [..., " + in + "] and weight "
                + "[in, out]" + ")");
        if (bias != null && (bias.dim() != 1 || bias.size(0) != out)) throw new IllegalArgumentException(op
                + ": bias shape " + Shape.str(bias.shape()) + " does not match weight " + Shape.str(weight.shape())
                + " (expected [" + out + "])");
        int[] xs = x.shape(), ys = xs.clone();
        ys[ys.length - 1] = out;
        int rows = in == 0 ? Shape.numel(xs) : x.numel() / Math.max(1, in);
        if (in == 0) rows = Shape.numel(ys) / Math.max(1, out);
        Tensor xc = x.detach().contiguous(), wc = weight.detach().contiguous();
        float[] xd = xc.storage().floats();   // W goes to GEMM as its Storage: a mapped one is streamed, not copied
        int xo = xc.offset(), wo = wc.offset();
        float[] yd = new float[rows * out];
        if (bias != null) {
            Tensor bc = bias.detach().contiguous();
            float[] bd = bc.storage().floats();
            int bo = bc.offset();
            for (int r = 0; r < rows; r++) System.arraycopy(bd, bo, yd, r * out, out);
        }
        int n = rows;
        // [N, in] x W[in, out] -> [N, out]
        MappedGemm.times(false, n, out, in, xd, xo, in, wc.storage(), wo, out, yd, 0, out, bias != null);
        // With GELU: yd becomes the activation, pre keeps x W + b and th its tanh(sqrt(2/pi) (h + 0.044715 h^3)).
        float[] pre = gelu ? yd.clone() : null, th = gelu ? new float[yd.length] : null;
        if (gelu) {
            int total = yd.length;
            Parallel.forRange(total, GRAIN, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    float h = pre[i];
                    th[i] = SQRT_2_OVER_PI * (h + GELU_C * h * h * h);
                }
                Elementwise1D.unary(UnaryOp.TANH, th, lo, th, lo, hi - lo, 0f);
                for (int i = lo; i < hi; i++) yd[i] = 0.5f * pre[i] * (1f + th[i]);
            });
        }
        Tensor y = Tensor.of(yd, ys);
        return Autograd.record(op, y, new Tensor[] {x, weight, bias}, g -> {
            Tensor gc = g.contiguous();
            float[] gd;
            int go;
            if (gelu) {                          // d gelu / dh from the saved tanh, into a fresh buffer
                float[] src = gc.storage().floats(), gh = new float[pre.length];
                int so = gc.offset();
                Parallel.forRange(gh.length, GRAIN, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) {
                        float h = pre[i], t = th[i];
                        float d = 0.5f * (1f + t) + 0.5f * h * (1f - t * t) * SQRT_2_OVER_PI * (1f + 3f * GELU_C * h * h);
                        gh[i] = src[so + i] * d;
                    }
                });
                gd = gh;
                go = 0;
            } else {
                gd = gc.storage().floats();
                go = gc.offset();
            }
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                float[] gxd = new float[n * in];
                // dx[N, in] = g[N, out] x W^T
                MappedGemm.timesTransposed(false, n, in, out, gd, go, out, wc.storage(), wo, out, gxd, 0, in, false);
                gx = Tensor.of(gxd, xs);
            }
            if (weight.requiresGrad()) {
                float[] gwd = new float[in * out];
                Gemm.sgemm(true, false, in, out, n, xd, xo, in, gd, go, out, gwd, 0, out, false);   // x^T g
                gw = Tensor.of(gwd, weight.shape());
            }
            if (bias != null && bias.requiresGrad()) {
                float[] gbd = new float[out];
                Parallel.forRange(out, Math.max(1, 16384 / Math.max(1, n)), (lo, hi) -> {
                    for (int r = 0; r < n; r++) {
                        int o = go + r * out;
                        for (int j = lo; j < hi; j++) gbd[j] += gd[o + j];
                    }
                });
                gb = Tensor.of(gbd, out);
            }
            return new Tensor[] {gx, gw, gb};
        }, xc, wc);
    }
}
