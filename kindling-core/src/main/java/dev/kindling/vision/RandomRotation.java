// RandomRotation: rotates each image by a random angle in [-maxDegrees, maxDegrees] about its centre,
// bilinear sampling with zero fill (torchvision.transforms.RandomRotation with bilinear interpolation).
package dev.kindling.vision;

import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Rotates each sample counter-clockwise by an angle uniform in {@code [-maxDegrees, maxDegrees]} (one draw per
 * sample, all channels alike) about the image centre {@code ((W-1)/2, (H-1)/2)}; pixels from outside are 0.
 *
 * <p>Example: {@code new RandomRotation(10, new Generator(0)).apply(batch); // [N, 1, 28, 28], same shape}
 */
public final class RandomRotation implements Transform {
    private final double maxDegrees;
    private final Generator generator;

    public RandomRotation(double maxDegrees, Generator g) {
        if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new IllegalArgumentException("RandomRotation: maxDegrees "
                + "must be in [0, 180], got " + maxDegrees);
        if (g == null) throw new IllegalArgumentException("RandomRotation: generator must not be null");
        this.maxDegrees = maxDegrees;
        this.generator = g;
    }

    @Override
    public Tensor apply(Tensor batch) {
        ImageBatch b = ImageBatch.of("RandomRotation", batch);
        double[] angle = new double[b.n()];
        for (int i = 0; i < angle.length; i++) angle[i] = (2 * generator.nextDouble() - 1) * maxDegrees;
        return b.wrap(rotate(b, angle), b.h(), b.w());
    }

    /**
     * Rotates every image of {@code batch} ({@code [N, C, H, W]} or {@code [C, H, W]}) counter-clockwise by
     * {@code degrees}, bilinear, zero fill. Multiples of 90 degrees on a square image permute pixels exactly.
     */
    public static Tensor rotate(Tensor batch, double degrees) {
        ImageBatch b = ImageBatch.of("RandomRotation.rotate", batch);
        double[] angle = new double[b.n()];
        java.util.Arrays.fill(angle, degrees);
        return b.wrap(rotate(b, angle), b.h(), b.w());
    }

    /** Snaps a coordinate that is an integer up to rounding noise (cos 90 degrees is 6e-17, not 0). */
    private static double snap(double v) {
        double r = Math.rint(v);
        return Math.abs(v - r) < 1e-9 ? r : v;
    }

    private static float[] rotate(ImageBatch b, double[] degrees) {
        float[] in = b.data(), out = new float[in.length];
        int h = b.h(), w = b.w(), c = b.c(), plane = h * w;
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        Parallel.forRange(b.n(), Math.max(1, (1 << 13) / Math.max(1, b.sample())), (lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                double rad = Math.toRadians(degrees[n]), cos = Math.cos(rad), sin = Math.sin(rad);
                for (int y = 0; y < h; y++) {
                    double v = y - cy;
                    for (int x = 0; x < w; x++) {
                        // Inverse map (y down): a counter-clockwise turn on screen samples the source at R(-angle).
                        double u = x - cx;
                        double sx = snap(cx + u * cos - v * sin), sy = snap(cy + u * sin + v * cos);
                        int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                        if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue;   // all four neighbours outside
                        float fx = (float) (sx - x0), fy = (float) (sy - y0);
                        float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
                        boolean inY0 = y0 >= 0, inY1 = y0 + 1 < h, inX0 = x0 >= 0, inX1 = x0 + 1 < w;
                        for (int ch = 0; ch < c; ch++) {
                            int base = (n * c + ch) * plane, row0 = base + y0 * w, row1 = row0 + w;
                            float s = 0;
                            if (inY0 && inX0) s += w00 * in[row0 + x0];
                            if (inY0 && inX1 && w01 != 0) s += w01 * in[row0 + x0 + 1];
                            if (inY1 && inX0 && w10 != 0) s += w10 * in[row1 + x0];
                            if (inY1 && inX1 && w11 != 0) s += w11 * in[row1 + x0 + 1];
                            out[base + y * w + x] = s;
                        }
                    }
                }
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "RandomRotation(maxDegrees=" + maxDegrees + ")";
    }
}
