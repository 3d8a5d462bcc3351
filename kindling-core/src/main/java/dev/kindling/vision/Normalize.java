// Normalize: per-channel standardisation (x - mean) / std (torchvision.transforms.Normalize), e.g. MNIST's
// mean 0.1307 and std 0.3081, so inputs are centred for training.
package dev.kindling.vision;

import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code out[n, c] = (x[n, c] - mean[c]) / std[c]}; one value applies to every channel.
 *
 * <p>Example: {@code new Normalize(0.1307f, 0.3081f).apply(batch); // [N, 1, 28, 28]}
 */
public final class Normalize implements Transform {
    private final float[] mean, std;

    /** The same mean and std for every channel. */
    public Normalize(float mean, float std) {
        this(new float[] {mean}, new float[] {std});
    }

    /** Per-channel mean and std (equal lengths; length 1 applies to every channel). */
    public Normalize(float[] mean, float[] std) {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length)
            throw new IllegalArgumentException("Normalize: mean and std must be non-empty and of equal length, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        for (float s : std)
            if (!(s > 0)) throw new IllegalArgumentException("Normalize: std must be positive, got " + Arrays.toString(std));
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public Tensor apply(Tensor batch) {
        ImageBatch b = ImageBatch.of("Normalize", batch);
        if (mean.length != 1 && mean.length != b.c()) throw new IllegalArgumentException("Normalize: " + mean.length
                + " means and stds for an input with " + b.c() + " channels");
        float[] d = b.data();   // our own copy: normalise it in place
        int plane = b.plane();
        Parallel.forRange(b.n() * b.c(), Math.max(1, (1 << 15) / Math.max(1, plane)), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int c = mean.length == 1 ? 0 : p % b.c();
                float m = mean[c], sd = std[c];   // subtract then divide, as torchvision
                for (int i = p * plane; i < (p + 1) * plane; i++) d[i] = (d[i] - m) / sd;
            }
        });
        return b.wrap(d, b.h(), b.w());
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
