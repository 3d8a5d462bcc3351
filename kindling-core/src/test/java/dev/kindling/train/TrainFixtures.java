package dev.kindling.train;

import dev.kindling.data.DataLoader;
import dev.kindling.data.TensorDataset;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** Tiny synthetic data and models shared by the training tests. */
final class TrainFixtures {
    private TrainFixtures() {
    }

    /** Three Gaussian blobs in 4-D: {x [n, 4], y [n] int64}. */
    static Tensor[] blobs(int n, long seed) {
        Generator g = new Generator(seed);
        float[] x = new float[n * 4];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            for (int d = 0; d < 4; d++) x[i * 4 + d] = (d == c ? 2.5f : 0f) + 0.5f * (float) g.nextGaussian();
        }
        return new Tensor[] {Tensor.of(x, n, 4), Tensor.ofLongs(y, n)};
    }

    static DataLoader loader(Tensor[] data, int batchSize, boolean shuffle, long seed) {
        return new DataLoader(new TensorDataset(data[0], data[1]), batchSize, shuffle, seed);
    }

    /** 4 -> 16 -> ReLU -> Dropout -> 3 classifier; dropout masks come from {@code dropout}. */
    static Module mlp(long initSeed, Generator dropout) {
        Generator g = new Generator(initSeed);
        return new Sequential(new Linear(4, 16, g), new ReLU(), new Dropout(0.25f, dropout), new Linear(16, 3, g));
    }
}
