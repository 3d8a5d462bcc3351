// RandomShift: translates each image by a random whole number of pixels (zero fill), the standard MNIST
// augmentation; offsets are drawn per sample from the transform's Generator.
package dev.kindling.vision;

import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Shifts each sample by {@code (dy, dx)}, each uniform in {@code [-maxPixels, maxPixels]} (all channels alike);
 * pixels shifted in are 0. Positive {@code dy} moves the content down, positive {@code dx} right.
 *
 * <p>Example: {@code new RandomShift(2, new Generator(0)).apply(batch); // [N, 1, 28, 28], same shape}
 */
public final class RandomShift implements Transform {
    private final int maxPixels;
    private final Generator generator;

    public RandomShift(int maxPixels, Generator g) {
        if (maxPixels < 0) throw new IllegalArgumentException("RandomShift: maxPixels must be >= 0, got " + maxPixels);
        if (g == null) throw new IllegalArgumentException("RandomShift: generator must not be null");
        this.maxPixels = maxPixels;
        this.generator = g;
    }

    @Override
    public Tensor apply(Tensor batch) {
        ImageBatch b = ImageBatch.of("RandomShift", batch);
        int[] dy = new int[b.n()], dx = new int[b.n()];
        for (int i = 0; i < b.n(); i++) {   // drawn up front, in sample order: the result does not depend on threads
            dy[i] = (int) generator.nextLong(2L * maxPixels + 1) - maxPixels;
            dx[i] = (int) generator.nextLong(2L * maxPixels + 1) - maxPixels;
        }
        return b.wrap(shift(b, dy, dx), b.h(), b.w());
    }

    /**
     * Shifts every image of {@code batch} ({@code [N, C, H, W]} or {@code [C, H, W]}) by {@code (dy, dx)} pixels,
     * zero fill. Example: {@code shift(x, 0, 1)} moves the content one pixel to the right.
     */
    public static Tensor shift(Tensor batch, int dy, int dx) {
        ImageBatch b = ImageBatch.of("RandomShift.shift", batch);
        int[] ys = new int[b.n()], xs = new int[b.n()];
        java.util.Arrays.fill(ys, dy);
        java.util.Arrays.fill(xs, dx);
        return b.wrap(shift(b, ys, xs), b.h(), b.w());
    }

    private static float[] shift(ImageBatch b, int[] dy, int[] dx) {
        float[] in = b.data(), out = new float[in.length];
        int h = b.h(), w = b.w(), c = b.c();
        Parallel.forRange(b.n(), Math.max(1, (1 << 14) / Math.max(1, b.sample())), (lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                // Output rows [y0, y1) and columns [x0, x1) come from inside the input; the rest stay 0.
                int y0 = Math.max(0, dy[n]), y1 = Math.min(h, h + dy[n]);
                int x0 = Math.max(0, dx[n]), x1 = Math.min(w, w + dx[n]);
                if (x1 <= x0) continue;
                for (int ch = 0; ch < c; ch++) {
                    int base = (n * c + ch) * h * w;
                    for (int y = y0; y < y1; y++)
                        System.arraycopy(in, base + (y - dy[n]) * w + (x0 - dx[n]), out, base + y * w + x0, x1 - x0);
                }
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "RandomShift(maxPixels=" + maxPixels + ")";
    }
}
