// Conv: 1-D and 2-D convolution and 2-D transposed convolution (PyTorch semantics: stride, padding,
// dilation, groups, output padding) with their gradients. Shapes are checked here; the arithmetic runs in
// ConvKernels (im2col + GEMM), whose specification is ConvReference.
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.ops.ConvKernels.Geometry;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Convolutions (functional API), PyTorch layouts.
 *
 * <p>Example, LeNet's first layer:
 * <pre>{@code
 * Tensor x = Tensor.randn(gen, 64, 1, 28, 28);                       // [N, Cin, H, W]
 * Tensor w = Tensor.randn(gen, 6, 1, 5, 5).requiresGrad(true);       // [Cout, Cin, kH, kW]
 * Tensor y = Conv.conv2d(x, w, null, 1, 2);                          // [64, 6, 28, 28]
 * }</pre>
 */
public final class Conv {
    private Conv() {}

    // ---------------------------------------------------------------- conv2d

    /** {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with stride 1, no padding, no dilation. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with square stride and padding. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * 2-D convolution (cross-correlation, as in PyTorch).
     *
     * <p>Args: {@code stride}, {@code padding} (zeros), {@code dilation}: {@code {h, w}} or a single value for
     * both; {@code groups} splits channels into independent convolutions.
     *
     * <p>Shape: x {@code [N, Cin, H, W]} (or unbatched {@code [Cin, H, W]}), weight
     * {@code [Cout, Cin/groups, kH, kW]}, bias {@code [Cout]} or null -> {@code [N, Cout, outH, outW]} with
     * {@code outH = (H + 2*padH - dilH*(kH-1) - 1) / strideH + 1} (likewise outW).
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        String op = "conv2d";
        Elementwise.requireFloat(op, x);
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException(op + ": expected input [N, Cin, H, W] or "
                + "[Cin, H, W], got shape " + Shape.str(x.shape()));
        boolean unbatched = x.dim() == 3;
        Tensor y = conv2dBatched(op, unbatched ? x.unsqueeze(0) : x, weight, bias, pair(op, "stride", stride, 1),
                pair(op, "padding", padding, 0), pair(op, "dilation", dilation, 1), groups);
        return unbatched ? y.squeeze(0) : y;
    }

    /**
     * 1-D convolution, computed as a 2-D convolution of height 1.
     *
     * <p>Shape: x {@code [N, Cin, L]} (or unbatched {@code [Cin, L]}), weight {@code [Cout, Cin/groups, k]},
     * bias {@code [Cout]} or null -> {@code [N, Cout, (L + 2*padding - dilation*(k-1) - 1) / stride + 1]}.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        String op = "conv1d";
        Elementwise.requireFloat(op, x);
        Elementwise.requireFloat(op, weight);
        if (x.dim() != 2 && x.dim() != 3) throw new IllegalArgumentException(op + ": expected input [N, Cin, L] or "
                + "[Cin, L], got shape " + Shape.str(x.shape()));
        if (weight.dim() != 3) throw new IllegalArgumentException(op + ": expected weight [Cout, Cin/groups, k], got "
                + "shape " + Shape.str(weight.shape()));
        boolean unbatched = x.dim() == 2;
        Tensor x3 = unbatched ? x.unsqueeze(0) : x;
        Tensor y = conv2dBatched(op, x3.unsqueeze(2), weight.unsqueeze(2), bias, pair(op, "stride", new int[] {1, stride}, 1),
                pair(op, "padding", new int[] {0, padding}, 0), pair(op, "dilation", new int[] {1, dilation}, 1), groups);
        y = y.squeeze(2);
        return unbatched ? y.squeeze(0) : y;
    }

    /** {@link #conv1d(Tensor, Tensor, Tensor, int, int, int, int)} with stride 1, no padding, no dilation. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        return conv1d(x, weight, bias, 1, 0, 1, 1);
    }

    private static Tensor conv2dBatched(String op, Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] dilation, int groups) {
        Elementwise.requireFloat(op, weight);
        int[] xs = x.shape(), ws = weight.shape();
        if (weight.dim() != 4) throw new IllegalArgumentException(op + ": expected weight [Cout, Cin/groups, kH, kW], "
                + "got shape " + Shape.str(ws));
        if (groups < 1) throw new IllegalArgumentException(op + ": groups must be >= 1, got " + groups);
        int n = xs[0], inC = xs[1], outC = ws[0];
        if (inC % groups != 0 || outC % groups != 0) throw new IllegalArgumentException(op + ": input channels (" + inC
                + ") and output channels (" + outC + ") must both be divisible by groups=" + groups);
        if (ws[1] * groups != inC) throw new IllegalArgumentException(op + ": weight " + Shape.str(ws) + " expects "
                + ws[1] * groups + " input channels (weight.size(1) * groups = " + ws[1] + " * " + groups
                + "), but the input " + Shape.str(xs) + " has " + inC);
        checkBias(op, bias, outC);
        int outH = outSize(op, "height", xs[2], ws[2], stride[0], padding[0], dilation[0]);
        int outW = outSize(op, "width", xs[3], ws[3], stride[1], padding[1], dilation[1]);
        Geometry g = new Geometry(n, inC, xs[2], xs[3], outC, ws[2], ws[3], outH, outW, stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1], groups);
        float[] xd = ConvKernels.dense(x.detach()), wd = ConvKernels.dense(weight.detach());
        float[] out = new float[n * outC * outH * outW];
        ConvKernels.forward(g, xd, wd, bias == null ? null : ConvKernels.dense(bias.detach()), out);
        Tensor y = Tensor.of(out, n, outC, outH, outW);
        return Autograd.record(op, y, new Tensor[] {x, weight, bias}, grad -> {
            float[] gd = ConvKernels.dense(grad);
            Tensor gx = null, gw = null;
            if (x.requiresGrad()) {
                float[] gxd = new float[x.numel()];
                ConvKernels.backwardInput(g, gd, wd, gxd);
                gx = Tensor.of(gxd, xs);
            }
            if (weight.requiresGrad()) {
                float[] gwd = new float[weight.numel()];
                ConvKernels.backwardWeight(g, xd, gd, gwd);
                gw = Tensor.of(gwd, ws);
            }
            Tensor gb = bias != null && bias.requiresGrad() ? channelSums(gd, n, outC, outH * outW) : null;
            // All three are allocated here and referenced nowhere else: leaves may take them without a copy.
            return new Tensor[] {Autograd.freshGradient(gx), Autograd.freshGradient(gw), Autograd.freshGradient(gb)};
        }, x, weight);
    }

    // ---------------------------------------------------------------- transposed conv

    /**
     * 2-D transposed convolution (the gradient of conv2d with respect to its input), PyTorch semantics.
     *
     * <p>Args: {@code stride}, {@code padding}, {@code outputPadding} (extra rows/columns on the bottom/right,
     * each smaller than its stride or its dilation), {@code dilation}: {@code {h, w}} or a single value.
     *
     * <p>Shape: x {@code [N, Cin, H, W]} (or {@code [Cin, H, W]}), weight {@code [Cin, Cout/groups, kH, kW]},
     * bias {@code [Cout]} or null -> {@code [N, Cout, outH, outW]} with
     * {@code outH = (H-1)*strideH - 2*padH + dilH*(kH-1) + outputPadH + 1} (likewise outW).
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] outputPadding, int groups, int[] dilation) {
        String op = "convTranspose2d";
        Elementwise.requireFloat(op, x);
        Elementwise.requireFloat(op, weight);
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException(op + ": expected input [N, Cin, H, W] or "
                + "[Cin, H, W], got shape " + Shape.str(x.shape()));
        boolean unbatched = x.dim() == 3;
        Tensor y = convTranspose2dBatched(op, unbatched ? x.unsqueeze(0) : x, weight, bias,
                pair(op, "stride", stride, 1), pair(op, "padding", padding, 0),
                pair(op, "outputPadding", outputPadding, 0), groups, pair(op, "dilation", dilation, 1));
        return unbatched ? y.squeeze(0) : y;
    }

    /** {@link #convTranspose2d(Tensor, Tensor, Tensor, int[], int[], int[], int, int[])} with square arguments. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding,
            int outputPadding) {
        return convTranspose2d(x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {outputPadding}, 1,
                new int[] {1});
    }

    private static Tensor convTranspose2dBatched(String op, Tensor x, Tensor weight, Tensor bias, int[] stride,
            int[] padding, int[] outPad, int groups, int[] dilation) {
        int[] xs = x.shape(), ws = weight.shape();
        if (weight.dim() != 4) throw new IllegalArgumentException(op + ": expected weight [Cin, Cout/groups, kH, kW], "
                + "got shape " + Shape.str(ws));
        if (groups < 1) throw new IllegalArgumentException(op + ": groups must be >= 1, got " + groups);
        int n = xs[0], inC = xs[1], outC = ws[1] * groups;
        if (ws[0] != inC || inC % groups != 0) throw new IllegalArgumentException(op + ": weight " + Shape.str(ws)
                + " expects " + ws[0] + " input channels (weight.size(0)), divisible by groups=" + groups
                + ", but the input " + Shape.str(xs) + " has " + inC);
        checkBias(op, bias, outC);
        for (int i = 0; i < 2; i++) {
            if (outPad[i] >= stride[i] && outPad[i] >= dilation[i]) throw new IllegalArgumentException(op
                    + ": outputPadding " + Shape.str(outPad) + " must be smaller than either stride "
                    + Shape.str(stride) + " or dilation " + Shape.str(dilation));
        }
        int outH = (xs[2] - 1) * stride[0] - 2 * padding[0] + dilation[0] * (ws[2] - 1) + outPad[0] + 1;
        int outW = (xs[3] - 1) * stride[1] - 2 * padding[1] + dilation[1] * (ws[3] - 1) + outPad[1] + 1;
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + " with kernel "
                + ws[2] + "x" + ws[3] + ", stride " + Shape.str(stride) + ", padding " + Shape.str(padding)
                + " gives output size " + outH + "x" + outW + ", which is too small");
        // The adjoint convolution maps the output [N, outC, outH, outW] to x [N, inC, H, W] with this weight.
        Geometry g = new Geometry(n, outC, outH, outW, inC, ws[2], ws[3], xs[2], xs[3], stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1], groups);
        float[] xd = ConvKernels.dense(x.detach()), wd = ConvKernels.dense(weight.detach());
        float[] out = new float[n * outC * outH * outW];
        ConvKernels.backwardInput(g, xd, wd, out);
        if (bias != null) {
            float[] bd = ConvKernels.dense(bias.detach());
            int hw = outH * outW;
            for (int i = 0; i < n * outC; i++) {
                float b = bd[i % outC];
                for (int p = i * hw; p < (i + 1) * hw; p++) out[p] += b;
            }
        }
        Tensor y = Tensor.of(out, n, outC, outH, outW);
        return Autograd.record(op, y, new Tensor[] {x, weight, bias}, grad -> {
            float[] gd = ConvKernels.dense(grad);
            Tensor gx = null, gw = null;
            if (x.requiresGrad()) {
                float[] gxd = new float[x.numel()];
                ConvKernels.forward(g, gd, wd, null, gxd);
                gx = Tensor.of(gxd, xs);
            }
            if (weight.requiresGrad()) {
                float[] gwd = new float[weight.numel()];
                ConvKernels.backwardWeight(g, gd, xd, gwd);
                gw = Tensor.of(gwd, ws);
            }
            Tensor gb = bias != null && bias.requiresGrad() ? channelSums(gd, n, outC, outH * outW) : null;
            // All three are allocated here and referenced nowhere else: leaves may take them without a copy.
            return new Tensor[] {Autograd.freshGradient(gx), Autograd.freshGradient(gw), Autograd.freshGradient(gb)};
        }, x, weight);
    }

    // ---------------------------------------------------------------- helpers

    /** {@code {h, w}} from a 1- or 2-element array, each >= {@code min}. */
    static int[] pair(String op, String name, int[] v, int min) {
        if (v == null || (v.length != 1 && v.length != 2)) throw new IllegalArgumentException(op + ": " + name
                + " must have 1 or 2 values, got " + (v == null ? "null" : Shape.str(v)));
        int[] p = v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
        if (p[0] < min || p[1] < min) throw new IllegalArgumentException(op + ": " + name + " must be >= " + min
                + ", got " + Shape.str(v));
        return p;
    }

    private static int outSize(String op, String what, int in, int k, int stride, int pad, int dil) {
        int span = in + 2 * pad - dil * (k - 1) - 1;
        if (span < 0) throw new IllegalArgumentException(op + ": input " + what + " " + in + " with padding " + pad
                + " is smaller than the dilated kernel (" + (dil * (k - 1) + 1) + "); the output would be empty");
        return span / stride + 1;
    }

    private static void checkBias(String op, Tensor bias, int outC) {
        if (bias == null) return;
        Elementwise.requireFloat(op, bias);
        if (bias.dim() != 1 || bias.size(0) != outC) throw new IllegalArgumentException(op + ": expected bias ["
                + outC + "] (one per output channel), got shape " + Shape.str(bias.shape()));
    }

    /** Per-channel sums of a {@code [n, c, hw]} array (the bias gradient), shape {@code [c]}. */
    static Tensor channelSums(float[] g, int n, int c, int hw) {
        float[] s = new float[c];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++) s[ch] += Elementwise1D.sum(g, (i * c + ch) * hw, hw);
        return Tensor.of(s, c);
    }
}
