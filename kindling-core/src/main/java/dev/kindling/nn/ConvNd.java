// ConvNd: the shared body of Conv1d, Conv2d and ConvTranspose2d (PyTorch's _ConvNd): channel and kernel
// bookkeeping, the weight/bias parameters with PyTorch's default initialisation, and the printed form.
package dev.kindling.nn;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Base of the convolution layers. Parameters: {@code weight} ({@code [out, in/groups, *kernel]} for a
 * convolution, {@code [in, out/groups, *kernel]} for a transposed one) and {@code bias [out]} (optional).
 *
 * <p>Initialisation as PyTorch: weight {@code kaiming_uniform(a = sqrt(5))}, i.e. U(-1/sqrt(fanIn),
 * 1/sqrt(fanIn)) with {@code fanIn = weight.size(1) * prod(kernel)}, then bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
 * drawn from the generator in that order.
 */
public abstract class ConvNd extends Module {
    private final int inChannels, outChannels;
    private final int[] kernelSize;
    private final ConvOptions options;
    private final boolean transposed;
    private final Tensor weight, bias;

    protected ConvNd(String name, int inChannels, int outChannels, int[] kernelSize, ConvOptions options,
            boolean transposed, Generator g) {
        if (options == null) throw new IllegalArgumentException(name + ": options must not be null");
        if (g == null) throw new IllegalArgumentException(name + ": generator must not be null");
        if (inChannels < 1 || outChannels < 1) throw new IllegalArgumentException(name + ": channel counts must be "
                + ">= 1, got in_channels=" + inChannels + ", out_channels=" + outChannels);
        for (int k : kernelSize)
            if (k < 1) throw new IllegalArgumentException(name + ": kernel size must be >= 1, got "
                    + Repr.tuple(kernelSize));
        int groups = options.groups();
        if (inChannels % groups != 0) throw new IllegalArgumentException(name + ": in_channels (" + inChannels
                + ") must be divisible by groups (" + groups + ")");
        if (outChannels % groups != 0) throw new IllegalArgumentException(name + ": out_channels (" + outChannels
                + ") must be divisible by groups (" + groups + ")");
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize.clone();
        this.options = options;
        this.transposed = transposed;
        int[] wShape = new int[2 + kernelSize.length];
        wShape[0] = transposed ? inChannels : outChannels;
        wShape[1] = transposed ? outChannels / groups : inChannels / groups;
        System.arraycopy(kernelSize, 0, wShape, 2, kernelSize.length);
        this.weight = registerParameter("weight", Tensor.zeros(wShape));                      // [out, in/g, *k]
        this.bias = registerParameter("bias", options.bias() ? Tensor.zeros(outChannels) : null);   // [out]
        resetParameters(g);
    }

    /** Re-draws the parameters with PyTorch's default initialisation. */
    public void resetParameters(Generator g) {
        Init.kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu", g);
        if (bias != null) {
            int fanIn = Init.calculateFans(weight).fanIn();
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            Init.uniform_(bias, -bound, bound, g);
        }
    }

    /** The weight ({@code [out, in/groups, *kernel]}, transposed: {@code [in, out/groups, *kernel]}). */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    /** The kernel size, one value per spatial dim. */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public ConvOptions options() {
        return options;
    }

    /** One value per spatial dim of a (H, W) option pair: (W) in 1-D, (H, W) in 2-D. */
    private int[] perDim(int h, int w) {
        return kernelSize.length == 1 ? new int[] {w} : new int[] {h, w};
    }

    private static boolean all(int[] v, int value) {
        for (int x : v) if (x != value) return false;
        return true;
    }

    @Override
    protected String extraRepr() {
        ConvOptions o = options;
        int[] padding = perDim(o.paddingH(), o.paddingW()), dilation = perDim(o.dilationH(), o.dilationW());
        int[] outPad = perDim(o.outputPaddingH(), o.outputPaddingW());
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(Repr.tuple(kernelSize))
                .append(", stride=").append(Repr.tuple(perDim(o.strideH(), o.strideW())));
        if (!all(padding, 0)) s.append(", padding=").append(Repr.tuple(padding));
        if (!all(dilation, 1)) s.append(", dilation=").append(Repr.tuple(dilation));
        if (transposed && !all(outPad, 0)) s.append(", output_padding=").append(Repr.tuple(outPad));
        if (o.groups() != 1) s.append(", groups=").append(o.groups());
        if (bias == null) s.append(", bias=false");
        return s.toString();
    }
}
