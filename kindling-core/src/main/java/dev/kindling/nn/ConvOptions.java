// ConvOptions: the hyper-parameters shared by Conv1d, Conv2d and ConvTranspose2d (stride, padding,
// dilation, output padding, groups, bias), as an immutable record with PyTorch's defaults and withers,
// so a layer reads like its PyTorch twin: ConvOptions.DEFAULT.stride(2).padding(1).bias(false).
package dev.kindling.nn;

/**
 * Convolution options; {@code H}/{@code W} components per spatial dim. Conv1d uses one value per option (set
 * them with the single-argument withers); {@code outputPadding} is for {@link ConvTranspose2d} only.
 *
 * <p>Example: {@code new Conv2d(16, 32, 3, ConvOptions.DEFAULT.stride(2).padding(1).bias(false), g)}
 */
public record ConvOptions(int strideH, int strideW, int paddingH, int paddingW, int dilationH, int dilationW,
        int outputPaddingH, int outputPaddingW, int groups, boolean bias) {
    /** PyTorch's defaults: stride 1, padding 0, dilation 1, output padding 0, groups 1, with bias. */
    public static final ConvOptions DEFAULT = new ConvOptions(1, 1, 0, 0, 1, 1, 0, 0, 1, true);

    public ConvOptions {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("ConvOptions: stride must be >= 1, got ("
                + strideH + ", " + strideW + ")");
        if (paddingH < 0 || paddingW < 0) throw new IllegalArgumentException("ConvOptions: padding must be >= 0, got ("
                + paddingH + ", " + paddingW + ")");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("ConvOptions: dilation must be >= 1, "
                + "got (" + dilationH + ", " + dilationW + ")");
        if (outputPaddingH < 0 || outputPaddingW < 0) throw new IllegalArgumentException("ConvOptions: outputPadding "
                + "must be >= 0, got (" + outputPaddingH + ", " + outputPaddingW + ")");
        if (groups < 1) throw new IllegalArgumentException("ConvOptions: groups must be >= 1, got " + groups);
    }

    public ConvOptions stride(int s) {
        return stride(s, s);
    }

    public ConvOptions stride(int h, int w) {
        return new ConvOptions(h, w, paddingH, paddingW, dilationH, dilationW, outputPaddingH, outputPaddingW, groups,
                bias);
    }

    public ConvOptions padding(int p) {
        return padding(p, p);
    }

    public ConvOptions padding(int h, int w) {
        return new ConvOptions(strideH, strideW, h, w, dilationH, dilationW, outputPaddingH, outputPaddingW, groups,
                bias);
    }

    public ConvOptions dilation(int d) {
        return dilation(d, d);
    }

    public ConvOptions dilation(int h, int w) {
        return new ConvOptions(strideH, strideW, paddingH, paddingW, h, w, outputPaddingH, outputPaddingW, groups, bias);
    }

    public ConvOptions outputPadding(int p) {
        return outputPadding(p, p);
    }

    public ConvOptions outputPadding(int h, int w) {
        return new ConvOptions(strideH, strideW, paddingH, paddingW, dilationH, dilationW, h, w, groups, bias);
    }

    public ConvOptions groups(int g) {
        return new ConvOptions(strideH, strideW, paddingH, paddingW, dilationH, dilationW, outputPaddingH,
                outputPaddingW, g, bias);
    }

    public ConvOptions bias(boolean b) {
        return new ConvOptions(strideH, strideW, paddingH, paddingW, dilationH, dilationW, outputPaddingH,
                outputPaddingW, groups, b);
    }

    int[] stride() {
        return new int[] {strideH, strideW};
    }

    int[] padding() {
        return new int[] {paddingH, paddingW};
    }

    int[] dilation() {
        return new int[] {dilationH, dilationW};
    }

    int[] outputPadding() {
        return new int[] {outputPaddingH, outputPaddingW};
    }
}
