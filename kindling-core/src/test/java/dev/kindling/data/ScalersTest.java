package dev.kindling.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** StandardScaler and MinMaxScaler: sklearn's values, train-only fitting, inverse, errors. */
class ScalersTest {
    // Feature 0: 1, 3, 5 (mean 3, population std sqrt(8/3)); feature 1 constant 2.
    private static final Tensor TRAIN = Tensor.of(new float[] {1, 2, 3, 2, 5, 2}, 3, 2);

    @Test
    void standardScalerMatchesSklearn() {
        StandardScaler s = new StandardScaler().fit(TRAIN);
        assertThat(s.mean().toFloatArray()).containsExactly(3f, 2f);
        assertThat(s.scale().toFloatArray()[0]).isCloseTo((float) Math.sqrt(8.0 / 3), within(1e-6f));
        assertThat(s.scale().toFloatArray()[1]).isEqualTo(1f); // zero variance keeps scale 1
        float[] z = s.transform(TRAIN).toFloatArray();
        // sklearn: StandardScaler().fit_transform([[1,2],[3,2],[5,2]]) -> [[-1.2247449, 0], [0, 0], [1.2247449, 0]]
        assertThat(z).containsExactly(new float[] {-1.2247449f, 0, 0, 0, 1.2247449f, 0}, within(1e-6f));
        assertThat(s.inverseTransform(s.transform(TRAIN)).toFloatArray())
                .containsExactly(TRAIN.toFloatArray(), within(1e-6f));
        StandardScaler noMean = new StandardScaler(false, true).fit(TRAIN);
        assertThat(noMean.transform(TRAIN).toFloatArray()[0]).isCloseTo(1 / (float) Math.sqrt(8.0 / 3), within(1e-6f));
    }

    @Test
    void standardScalerUsesTrainStatisticsOnTest() {
        Tensor train = Tensor.randn(new Generator(1), 200, 4).mul(3f).add(5f);
        Tensor test = Tensor.of(new float[] {5, 5, 5, 5}, 1, 4);
        StandardScaler s = new StandardScaler();
        Tensor zTrain = s.fitTransform(train);
        float[] m = new float[4], v = new float[4];
        float[] zt = zTrain.toFloatArray();
        for (int i = 0; i < 200; i++) for (int j = 0; j < 4; j++) m[j] += zt[i * 4 + j] / 200;
        for (int i = 0; i < 200; i++) for (int j = 0; j < 4; j++) v[j] += (zt[i * 4 + j] - m[j]) * (zt[i * 4 + j] - m[j]) / 200;
        assertThat(m).containsExactly(new float[] {0, 0, 0, 0}, within(1e-5f));
        assertThat(v).containsExactly(new float[] {1, 1, 1, 1}, within(1e-4f));
        float[] zTest = s.transform(test).toFloatArray(); // uses the training mean/scale, not the test row's own
        float[] mean = s.mean().toFloatArray(), scale = s.scale().toFloatArray();
        for (int j = 0; j < 4; j++) assertThat(zTest[j]).isCloseTo((5 - mean[j]) / scale[j], within(1e-5f));
        StandardScaler restored = StandardScaler.of(s.mean(), s.scale());
        assertThat(restored.transform(test).toFloatArray()).containsExactly(zTest, within(1e-6f));
    }

    @Test
    void minMaxScalerMatchesSklearn() {
        MinMaxScaler s = new MinMaxScaler().fit(TRAIN);
        assertThat(s.dataMin().toFloatArray()).containsExactly(1f, 2f);
        assertThat(s.dataMax().toFloatArray()).containsExactly(5f, 2f);
        // sklearn: MinMaxScaler().fit_transform(...) -> [[0, 0], [0.5, 0], [1, 0]]
        assertThat(s.transform(TRAIN).toFloatArray()).containsExactly(0, 0, 0.5f, 0, 1, 0);
        // Test data outside the training range maps outside [0, 1] (no clipping, as sklearn).
        assertThat(s.transform(Tensor.of(new float[] {7, 2}, 1, 2)).toFloatArray()).containsExactly(1.5f, 0f);
        MinMaxScaler r = new MinMaxScaler(-1, 1).fit(TRAIN);
        assertThat(r.transform(TRAIN).toFloatArray()).containsExactly(-1, -1, 0, -1, 1, -1);
        assertThat(r.scale().toFloatArray()).containsExactly(0.5f, 2f);
        assertThat(r.offset().toFloatArray()).containsExactly(-1.5f, -5f);
        assertThat(r.inverseTransform(r.transform(TRAIN)).toFloatArray()).containsExactly(TRAIN.toFloatArray());
        assertThatThrownBy(() -> new MinMaxScaler(1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min < max");
    }

    @Test
    void nanIsIgnoredWhenFitting() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3}, 3, 1);
        assertThat(new StandardScaler().fit(x).mean().toFloatArray()).containsExactly(2f);
        MinMaxScaler m = new MinMaxScaler().fit(x);
        assertThat(m.dataMin().toFloatArray()).containsExactly(1f);
        assertThat(m.transform(x).toFloatArray()[1]).isNaN();
    }

    @Test
    void transformBeforeFitAndFeatureMismatchAreClearErrors() {
        assertThatThrownBy(() -> new StandardScaler().transform(TRAIN)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("StandardScaler.transform").hasMessageContaining("not fitted")
                .hasMessageContaining("fit(");
        assertThatThrownBy(() -> new MinMaxScaler().inverseTransform(TRAIN)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MinMaxScaler.inverseTransform");
        StandardScaler s = new StandardScaler().fit(TRAIN);
        assertThatThrownBy(() -> s.transform(Tensor.zeros(4, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, 3]").hasMessageContaining("features [2]").hasMessageContaining("[N, 2]");
        MinMaxScaler m = new MinMaxScaler().fit(TRAIN);
        assertThatThrownBy(() -> m.transform(Tensor.zeros(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MinMaxScaler.transform");
        assertThatThrownBy(() -> new StandardScaler().fit(Tensor.zeros(0, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rows");
    }
}
