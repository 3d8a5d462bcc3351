// RandomCrop: CIFAR-style augmentation (torchvision.transforms.RandomCrop with padding): zero-pads each
// image, then cuts a window of the target size at a random position drawn per sample.
package dev.kindling.vision;

import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Pads each sample with {@code padding} zeros on every side, then crops {@code height x width} at a uniformly
 * drawn top-left corner (one draw per sample, all channels alike).
 *
 * <p>Shape: {@code [N, C, H, W] -> [N, C, height, width]}, requires {@code H + 2*padding >= height} (likewise W).
 *
 * <p>Example: {@code new RandomCrop(32, 4, g).apply(cifarBatch); // [N, 3, 32, 32], shifted by up to 4 px}
 */
public final class RandomCrop implements Transform {
    private final int height, width, padding;
    private final Generator generator;

    /** A square {@code size x size} crop after {@code padding} zeros. */
    public RandomCrop(int size, int padding, Generator g) {
        this(size, size, padding, g);
    }

    public RandomCrop(int height, int width, int padding, Generator g) {
        if (height < 1 || width < 1 || padding < 0) throw new IllegalArgumentException("RandomCrop: size must be >= 1 "
                + "and padding >= 0, got size (" + height + ", " + width + "), padding " + padding);
        if (g == null) throw new IllegalArgumentException("RandomCrop: generator must not be null");
        this.height = height;
        this.width = width;
        this.padding = padding;
        this.generator = g;
    }

    @Override
    public Tensor apply(Tensor batch) {
        ImageBatch b = ImageBatch.of("RandomCrop", batch);
        int ph = b.h() + 2 * padding, pw = b.w() + 2 * padding;
        if (ph < height || pw < width) throw new IllegalArgumentException("RandomCrop: crop " + height + "x" + width
                + " is larger than the padded input " + ph + "x" + pw + " (input " + Shape.str(batch.shape())
                + ", padding " + padding + ")");
        int[] top = new int[b.n()], left = new int[b.n()];
        for (int i = 0; i < b.n(); i++) {
            top[i] = (int) generator.nextLong(ph - height + 1) - padding;    // in input coordinates
            left[i] = (int) generator.nextLong(pw - width + 1) - padding;
        }
        float[] in = b.data(), out = new float[b.n() * b.c() * height * width];
        int h = b.h(), w = b.w(), c = b.c();
        Parallel.forRange(b.n(), Math.max(1, (1 << 14) / Math.max(1, b.sample())), (lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                int x0 = Math.max(0, -left[n]), x1 = Math.min(width, w - left[n]);   // output columns inside the input
                if (x1 <= x0) continue;
                for (int ch = 0; ch < c; ch++) {
                    int src = (n * c + ch) * h * w, dst = (n * c + ch) * height * width;
                    for (int y = 0; y < height; y++) {
                        int sy = y + top[n];
                        if (sy < 0 || sy >= h) continue;
                        System.arraycopy(in, src + sy * w + x0 + left[n], out, dst + y * width + x0, x1 - x0);
                    }
                }
            }
        });
        return b.wrap(out, height, width);
    }

    @Override
    public String toString() {
        return "RandomCrop(size=(" + height + ", " + width + "), padding=" + padding + ")";
    }
}
