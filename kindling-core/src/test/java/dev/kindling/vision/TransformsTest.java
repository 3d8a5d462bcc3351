package dev.kindling.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Augmentation transforms: known pixel results, per-sample randomness, determinism, shapes and errors. */
class TransformsTest {
    /** [1, 1, 3, 3] with values 1..9. */
    static Tensor grid3() {
        return Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    }

    static Tensor arange(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i + 1;
        return Tensor.of(v, shape);
    }

    @Test
    void shiftMovesContentAndFillsZeros() {
        assertThat(RandomShift.shift(grid3(), 0, 1).toFloatArray()).containsExactly(0, 1, 2, 0, 4, 5, 0, 7, 8);
        assertThat(RandomShift.shift(grid3(), 1, 0).toFloatArray()).containsExactly(0, 0, 0, 1, 2, 3, 4, 5, 6);
        assertThat(RandomShift.shift(grid3(), -1, -1).toFloatArray()).containsExactly(5, 6, 0, 8, 9, 0, 0, 0, 0);
        assertThat(RandomShift.shift(grid3(), 0, 5).toFloatArray()).containsOnly(0f);
        // One image [C, H, W] keeps its rank.
        assertThat(RandomShift.shift(grid3().squeeze(0), 0, 0).shape()).containsExactly(1, 3, 3);
    }

    @Test
    void randomShiftIsPerSampleWithinRangeAndSeeded() {
        Tensor x = Tensor.zeros(64, 2, 5, 5);
        float[] d = new float[64 * 50];
        for (int n = 0; n < 64; n++)
            for (int c = 0; c < 2; c++) d[n * 50 + c * 25 + 12] = c + 1;   // a dot in the centre of each channel
        x = Tensor.of(d, 64, 2, 5, 5);
        float[] out = new RandomShift(1, new Generator(3)).apply(x).toFloatArray();
        java.util.Set<Integer> positions = new java.util.HashSet<>();
        for (int n = 0; n < 64; n++) {
            int pos = -1;
            for (int i = 0; i < 25; i++) if (out[n * 50 + i] == 1) pos = i;
            assertThat(pos).as("sample " + n).isNotNegative();
            assertThat(Math.abs(pos / 5 - 2)).isLessThanOrEqualTo(1);
            assertThat(Math.abs(pos % 5 - 2)).isLessThanOrEqualTo(1);
            assertThat(out[n * 50 + 25 + pos]).as("channels move together").isEqualTo(2);
            positions.add(pos);
        }
        assertThat(positions).hasSize(9);   // all 9 offsets occur over 64 samples
        assertThat(new RandomShift(1, new Generator(3)).apply(x).toFloatArray()).containsExactly(out);
        assertThat(new RandomShift(1, new Generator(4)).apply(x).toFloatArray()).isNotEqualTo(out);
    }

    @Test
    void flipMirrorsRows() {
        assertThat(RandomHorizontalFlip.flip(grid3()).toFloatArray()).containsExactly(3, 2, 1, 6, 5, 4, 9, 8, 7);
        Tensor x = arange(40, 1, 2, 2);
        float[] out = new RandomHorizontalFlip(0.5f, new Generator(1)).apply(x).toFloatArray();
        int flipped = 0;
        for (int n = 0; n < 40; n++) {
            float a = n * 4 + 1;
            boolean f = out[n * 4] == a + 1;
            if (f) flipped++;
            assertThat(out[n * 4]).isEqualTo(f ? a + 1 : a);
            assertThat(out[n * 4 + 3]).isEqualTo(f ? a + 2 : a + 3);
        }
        assertThat(flipped).isBetween(10, 30);
        assertThat(new RandomHorizontalFlip(0.5f, new Generator(1)).apply(x).toFloatArray()).containsExactly(out);
        assertThat(new RandomHorizontalFlip(0f, new Generator(1)).apply(x).toFloatArray()).containsExactly(x.toFloatArray());
    }

    @Test
    void rotationByRightAnglesPermutesPixels() {
        // Counter-clockwise: the top-right pixel goes to the top-left.
        assertThat(RandomRotation.rotate(grid3(), 90).toFloatArray()).containsExactly(3, 6, 9, 2, 5, 8, 1, 4, 7);
        assertThat(RandomRotation.rotate(grid3(), -90).toFloatArray()).containsExactly(7, 4, 1, 8, 5, 2, 9, 6, 3);
        assertThat(RandomRotation.rotate(grid3(), 180).toFloatArray()).containsExactly(9, 8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(RandomRotation.rotate(grid3(), 0).toFloatArray()).containsExactly(grid3().toFloatArray());
        // Even size: the centre lies between pixels, still exact.
        Tensor x = arange(1, 2, 2, 2);   // two channels
        assertThat(RandomRotation.rotate(x, 90).toFloatArray()).containsExactly(2, 4, 1, 3, 6, 8, 5, 7);
    }

    @Test
    void rotationIsBilinearWithZeroFill() {
        // 45 degrees on a constant image: the centre stays, the corners sample outside and fall towards 0.
        Tensor ones = Tensor.ones(1, 1, 5, 5);
        float[] r = RandomRotation.rotate(ones, 45).toFloatArray();
        assertThat(r[12]).isEqualTo(1f);
        // The corner samples (y, x) = (2 - 2*sqrt(2), 2): 0.83 px above the image, so 0.17 of a pixel is inside.
        assertThat(r[0]).isCloseTo((float) (3 - 2 * Math.sqrt(2)), within(1e-5f));
        for (float v : r) assertThat(v).isBetween(0f, 1.000001f);   // a convex combination, up to float rounding
        // Random angles: seeded and within range (a dot off-centre stays at its radius).
        Tensor batch = Tensor.rand(new Generator(0), 8, 1, 12, 12);
        var a = new RandomRotation(15, new Generator(5)).apply(batch);
        assertThat(new RandomRotation(15, new Generator(5)).apply(batch).toFloatArray()).containsExactly(a.toFloatArray());
        assertThat(a.shape()).containsExactly(8, 1, 12, 12);
        assertThat(a.toFloatArray()).isNotEqualTo(batch.toFloatArray());
        assertThat(new RandomRotation(0, new Generator(5)).apply(batch).toFloatArray())
                .containsExactly(batch.toFloatArray());
    }

    @Test
    void randomCropPadsAndCuts() {
        Tensor x = arange(16, 2, 4, 4);
        Tensor y = new RandomCrop(4, 1, new Generator(2)).apply(x);
        assertThat(y.shape()).containsExactly(16, 2, 4, 4);
        float[] in = x.toFloatArray(), out = y.toFloatArray();
        int moved = 0;
        for (int n = 0; n < 16; n++) {
            // Find the offset that explains sample n: out[y][x] = in[y + dy][x + dx] (0 outside).
            boolean found = false;
            for (int dy = -1; dy <= 1 && !found; dy++)
                for (int dx = -1; dx <= 1 && !found; dx++) {
                    boolean ok = true;
                    for (int c = 0; c < 2 && ok; c++)
                        for (int yy = 0; yy < 4 && ok; yy++)
                            for (int xx = 0; xx < 4 && ok; xx++) {
                                int sy = yy + dy, sx = xx + dx;
                                float want = sy < 0 || sy >= 4 || sx < 0 || sx >= 4 ? 0 : in[n * 32 + c * 16 + sy * 4 + sx];
                                ok = out[n * 32 + c * 16 + yy * 4 + xx] == want;
                            }
                    if (ok) {
                        found = true;
                        if (dy != 0 || dx != 0) moved++;
                    }
                }
            assertThat(found).as("sample " + n).isTrue();
        }
        assertThat(moved).isPositive();
        assertThat(new RandomCrop(4, 1, new Generator(2)).apply(x).toFloatArray()).containsExactly(out);
        // A smaller crop without padding is a window of the input.
        Tensor c = new RandomCrop(2, 3, 0, new Generator(0)).apply(arange(1, 1, 4, 4));
        assertThat(c.shape()).containsExactly(1, 1, 2, 3);
        float first = c.toFloatArray()[0];
        assertThat(c.toFloatArray()).containsExactly(first, first + 1, first + 2, first + 4, first + 5, first + 6);
        assertThatThrownBy(() -> new RandomCrop(10, 1, new Generator(0)).apply(x))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RandomCrop").hasMessageContaining("6x6");
    }

    @Test
    void normalizeAndCompose() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 1, 2, 2, 2);
        assertThat(new Normalize(new float[] {1, 5}, new float[] {2, 0.5f}).apply(x).toFloatArray())
                .containsExactly(-0.5f, 0, 0.5f, 1, -2, 0, 2, 4);
        assertThat(new Normalize(1, 2).apply(x).toFloatArray()).containsExactly(-0.5f, 0, 0.5f, 1, 1.5f, 2, 2.5f, 3);
        assertThatThrownBy(() -> new Normalize(new float[] {1, 2, 3}, new float[] {1, 1, 1}).apply(x))
                .hasMessageContaining("Normalize").hasMessageContaining("2 channels");
        assertThatThrownBy(() -> new Normalize(0, 0)).hasMessageContaining("std");
        var composed = new Compose(RandomHorizontalFlip::flip, new Normalize(1, 2));
        assertThat(composed.apply(grid3()).toFloatArray()).containsExactly(1, 0.5f, 0, 2.5f, 2, 1.5f, 4, 3.5f, 3);
        assertThat(grid3().toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);   // input untouched
        // A seeded pipeline is reproducible end to end.
        Tensor batch = Tensor.rand(new Generator(0), 4, 1, 8, 8);
        java.util.function.Supplier<Transform> pipeline = () -> {
            var g = new Generator(11);
            return new Compose(new RandomRotation(10, g), new RandomShift(2, g), new RandomHorizontalFlip(0.5f, g));
        };
        assertThat(pipeline.get().apply(batch).toFloatArray()).containsExactly(pipeline.get().apply(batch).toFloatArray());
    }

    @Test
    void errorsNameTheTransform() {
        assertThatThrownBy(() -> new RandomShift(1, new Generator(0)).apply(Tensor.zeros(4, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RandomShift").hasMessageContaining("[4, 4]");
        assertThatThrownBy(() -> new RandomRotation(200, new Generator(0))).hasMessageContaining("RandomRotation");
        assertThatThrownBy(() -> new RandomHorizontalFlip(1.5f, new Generator(0))).hasMessageContaining("p must be");
    }
}
