// ImageData: what the MNIST and Fashion-MNIST examples share on the data side: IDX splits as [N, 1, 28, 28]
// tensors, seeded subsets and train/validation splits, training-set statistics, and a dataset that applies a
// seeded augmentation to every example it serves (so each epoch sees freshly shifted/rotated/flipped images).
package dev.kindling.app.examples;

import dev.kindling.data.Dataset;
import dev.kindling.data.Splits;
import dev.kindling.data.TensorDataset;
import dev.kindling.io.Idx;
import dev.kindling.ops.Indexing;
import dev.kindling.tensor.Tensor;
import dev.kindling.vision.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Data helpers of the vision examples. */
public final class ImageData {
    private ImageData() {}

    /** Images {@code x [N, 1, H, W]} in [0, 1] and labels {@code y [N]} (int64). */
    public record Split(Tensor x, Tensor y) {
        public int size() {
            return y.size(0);
        }

        /** The examples at {@code indices}, in that order. */
        public Split select(int[] indices) {
            long[] idx = new long[indices.length];
            for (int i = 0; i < idx.length; i++) idx[i] = indices[i];
            Tensor index = Tensor.ofLongs(idx, idx.length);
            return new Split(Indexing.indexSelect(x, 0, index), Indexing.indexSelect(y, 0, index));
        }

        /** A seeded random sample of {@code n} examples (all of them, in order, when {@code n <= 0 or >= size}). */
        public Split limit(int n, long seed) {
            if (n <= 0 || n >= size()) return this;
            return select(Splits.randomSplit(size(), new int[] {n, size() - n}, seed)[0]);
        }

        public long[] labels() {
            return y.toLongArray();
        }
    }

    /**
     * Reads {@code <prefix>-images-idx3-ubyte.gz} and {@code <prefix>-labels-idx1-ubyte.gz} from {@code dir}
     * ({@code prefix} is {@code train} or {@code t10k}); the {@code .gz} may be absent.
     */
    public static Split readIdx(Path dir, String prefix) throws IOException {
        Path images = existing(dir, prefix + "-images-idx3-ubyte"), labels = existing(dir, prefix + "-labels-idx1-ubyte");
        Tensor x = Idx.readImages(images);   // [N, H, W]
        Tensor y = Idx.readLabels(labels);   // [N]
        if (x.dim() != 3 || x.size(0) != y.size(0)) throw new IOException(images + " holds " + x.size(0) + " images of "
                + "shape " + java.util.Arrays.toString(x.shape()) + " but " + labels + " holds " + y.size(0) + " labels");
        return new Split(x.unsqueeze(1), y);   // [N, 1, H, W]
    }

    private static Path existing(Path dir, String name) throws IOException {
        for (String n : new String[] {name + ".gz", name}) if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        throw new IOException("missing " + dir.resolve(name + ".gz") + " (or " + name + " without .gz)");
    }

    /** Mean and standard deviation (population) of all pixels of {@code x}: {mean, std}. */
    public static float[] meanStd(Tensor x) {
        float[] v = x.detach().contiguous().toFloatArray();
        double sum = 0, sq = 0;
        for (float f : v) {
            sum += f;
            sq += (double) f * f;
        }
        double mean = sum / v.length;
        return new float[] {(float) mean, (float) Math.sqrt(Math.max(0, sq / v.length - mean * mean))};
    }

    /** A plain (not augmented) dataset of {@code transform(x)} and y: validation and test data. */
    public static TensorDataset transformed(Split s, Transform transform) {
        return new TensorDataset(transform.apply(s.x()), s.y());
    }

    /**
     * Serves {@code {transform(x[i]) [C, H, W], y[i] []}}: a random transform draws fresh parameters for every
     * example it serves. The draws come from the transform's own generator in the order the examples are read
     * (the loader's seeded order, one reader thread), so a run is reproducible from its seeds.
     */
    public static final class Augmented implements Dataset {
        private final float[] images;   // shared with the split's contiguous image tensor, read only
        private final int imagesOffset;
        private final long[] labels;
        private final int[] imageShape;
        private final int imageSize;
        private final Transform transform;

        public Augmented(Split split, Transform transform) {
            Tensor x = split.x().detach().contiguous();   // [N, C, H, W]
            this.images = x.storage().floats();
            this.imagesOffset = x.offset();
            this.labels = split.labels();
            int[] s = split.x().shape();
            this.imageShape = new int[] {s[1], s[2], s[3]};
            this.imageSize = s[1] * s[2] * s[3];
            this.transform = transform;
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public Tensor[] get(int index) {
            if (index < 0 || index >= labels.length) throw new IndexOutOfBoundsException("ImageData.Augmented.get: index "
                    + index + " out of range for size " + labels.length);
            float[] img = new float[imageSize];
            System.arraycopy(images, imagesOffset + index * imageSize, img, 0, imageSize);
            return new Tensor[] {transform.apply(Tensor.of(img, imageShape)), Tensor.scalarLong(labels[index])};
        }

        @Override
        public String describe() {
            return "Augmented(size=" + labels.length + ", " + transform + ")";
        }
    }
}
