// RandomHorizontalFlip: mirrors each image left-right with probability p (torchvision's transform), for
// data whose classes are mirror-symmetric (clothing, natural images; not digits).
package dev.kindling.vision;

import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Flips each sample horizontally with probability {@code p} (one draw per sample, all channels alike).
 *
 * <p>Example: {@code new RandomHorizontalFlip(0.5f, new Generator(0)).apply(batch); // same shape}
 */
public final class RandomHorizontalFlip implements Transform {
    private final float p;
    private final Generator generator;

    public RandomHorizontalFlip(float p, Generator g) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("RandomHorizontalFlip: p must be in [0, 1], got " + p);
        if (g == null) throw new IllegalArgumentException("RandomHorizontalFlip: generator must not be null");
        this.p = p;
        this.generator = g;
    }

    @Override
    public Tensor apply(Tensor batch) {
        ImageBatch b = ImageBatch.of("RandomHorizontalFlip", batch);
        boolean[] flip = new boolean[b.n()];
        for (int i = 0; i < flip.length; i++) flip[i] = generator.nextFloat() < p;
        return b.wrap(flip(b, flip), b.h(), b.w());
    }

    /** Mirrors every image of {@code batch} ({@code [N, C, H, W]} or {@code [C, H, W]}) left-right. */
    public static Tensor flip(Tensor batch) {
        ImageBatch b = ImageBatch.of("RandomHorizontalFlip.flip", batch);
        boolean[] all = new boolean[b.n()];
        java.util.Arrays.fill(all, true);
        return b.wrap(flip(b, all), b.h(), b.w());
    }

    private static float[] flip(ImageBatch b, boolean[] flip) {
        float[] in = b.data(), out = new float[in.length];
        int w = b.w(), rowsPerSample = b.c() * b.h();
        Parallel.forRange(b.n(), Math.max(1, (1 << 14) / Math.max(1, b.sample())), (lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                int from = n * rowsPerSample * w, to = from + rowsPerSample * w;
                if (!flip[n]) {
                    System.arraycopy(in, from, out, from, to - from);
                    continue;
                }
                for (int row = from; row < to; row += w)
                    for (int x = 0; x < w; x++) out[row + x] = in[row + w - 1 - x];
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(p=" + p + ")";
    }
}
