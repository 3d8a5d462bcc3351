// Upsample: nearest-neighbour upsampling layer (torch.nn.Upsample, mode 'nearest') by an integer scale
// factor or to a fixed size, wrapping Pooling.upsampleNearest2d / interpolateNearest.
package dev.kindling.nn;

import dev.kindling.ops.Pooling;
import dev.kindling.tensor.Tensor;

/**
 * Nearest-neighbour upsampling of {@code [N, C, H, W]} (or {@code [C, H, W]}). No parameters.
 *
 * <p>Shape: {@code [N, C, H, W] -> [N, C, H*scale, W*scale]}, or {@code [N, C, outH, outW]} with a size.
 *
 * <p>Example: {@code new Upsample(2).forward(x); // [B, 8, 7, 7] -> [B, 8, 14, 14]}
 */
public class Upsample extends Module {
    private final int scaleFactor;   // 0 when a size is given
    private final int outH, outW;

    /** Upsampling by an integer {@code scaleFactor >= 1}. */
    public Upsample(int scaleFactor) {
        this(scaleFactor, 0, 0);
        if (scaleFactor < 1) throw new IllegalArgumentException("Upsample: scale factor must be >= 1, got " + scaleFactor);
    }

    private Upsample(int scaleFactor, int outH, int outW) {
        this.scaleFactor = scaleFactor;
        this.outH = outH;
        this.outW = outW;
    }

    /** Resizing to {@code outH x outW} (PyTorch's {@code size=(outH, outW)}, nearest source index). */
    public static Upsample ofSize(int outH, int outW) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("Upsample: size must be >= 1, got (" + outH + ", "
                + outW + ")");
        return new Upsample(0, outH, outW);
    }

    @Override
    public Tensor forward(Tensor x) {
        return scaleFactor > 0 ? Pooling.upsampleNearest2d(x, scaleFactor) : Pooling.interpolateNearest(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return (scaleFactor > 0 ? "scale_factor=" + Repr.num(scaleFactor) : "size=" + Repr.tuple(new int[] {outH, outW}))
                + ", mode='nearest'";
    }
}
