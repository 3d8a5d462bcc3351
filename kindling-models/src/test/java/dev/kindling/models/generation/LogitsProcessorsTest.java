// Each logits processor on a known distribution, and the sampler's frequencies against softmax.
package dev.kindling.models.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.kindling.tensor.Generator;
import org.junit.jupiter.api.Test;

class LogitsProcessorsTest {
    /** Logits whose softmax is exactly {@code probs}. */
    static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < l.length; i++) l[i] = (float) Math.log(probs[i]);
        return l;
    }

    @Test
    void temperatureRaisesProbabilitiesToThePowerOneOverT() {
        float[] l = logitsOf(0.5, 0.3, 0.2);
        LogitsProcessors.temperature(l, 0.5f);
        double[] p = LogitsProcessors.softmax(l);
        double z = 0.25 + 0.09 + 0.04;   // p^2, renormalised
        assertThat(p[0]).isCloseTo(0.25 / z, offset(1e-6));
        assertThat(p[1]).isCloseTo(0.09 / z, offset(1e-6));
        assertThat(p[2]).isCloseTo(0.04 / z, offset(1e-6));
    }

    @Test
    void topKKeepsTheKLargestAndTies() {
        float[] l = {1f, 4f, 3f, 2f, 3f};
        LogitsProcessors.topK(l, 2);
        assertThat(l).containsExactly(Float.NEGATIVE_INFINITY, 4f, 3f, Float.NEGATIVE_INFINITY, 3f);   // 3 is tied
        float[] m = {1f, 2f};
        LogitsProcessors.topK(m, 0);
        assertThat(m).containsExactly(1f, 2f);
    }

    @Test
    void topPKeepsTheSmallestNucleusReachingP() {
        float[] l = logitsOf(0.05, 0.5, 0.15, 0.3);
        LogitsProcessors.topP(l, 0.75f);                // ascending mass 0.05, 0.20 <= 0.25 removed; 0.5 kept
        assertThat(l[0]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(l[2]).isEqualTo(Float.NEGATIVE_INFINITY);
        double[] p = LogitsProcessors.softmax(l);
        assertThat(p[1]).isCloseTo(0.5 / 0.8, offset(1e-6));
        assertThat(p[3]).isCloseTo(0.3 / 0.8, offset(1e-6));
        float[] k = logitsOf(0.05, 0.5, 0.15, 0.3);
        LogitsProcessors.topP(k, 0.9f);                 // only the 0.05 tail (<= 0.1) goes
        assertThat(k[0]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(k[2]).isFinite();
        float[] one = logitsOf(0.4, 0.6);
        LogitsProcessors.topP(one, 0.01f);              // the most likely token always survives
        assertThat(one[1]).isFinite();
        assertThat(one[0]).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce() {
        float[] l = {2f, -2f, 1f, 3f};
        LogitsProcessors.repetitionPenalty(l, new int[] {0, 1, 0, 9}, 3, 2f);   // 9 is beyond the given length
        assertThat(l).containsExactly(1f, -4f, 1f, 3f);
    }

    @Test
    void samplingFrequenciesFollowTheSoftmax() {
        float[] l = logitsOf(0.1, 0.2, 0.3, 0.4);
        Generator g = new Generator(42);
        int[] counts = new int[4];
        int n = 40_000;
        for (int i = 0; i < n; i++) counts[LogitsProcessors.sample(l, g)]++;
        for (int i = 0; i < 4; i++) assertThat(counts[i] / (double) n).isCloseTo(0.1 * (i + 1), offset(0.01));
        float[] masked = {0f, Float.NEGATIVE_INFINITY, 0f};
        for (int i = 0; i < 1000; i++) assertThat(LogitsProcessors.sample(masked, g)).isNotEqualTo(1);
    }

    @Test
    void greedyTakesTheFirstArgmaxAndConfigIsValidated() {
        assertThat(LogitsProcessors.argmax(new float[] {1f, 5f, 5f, 2f})).isEqualTo(1);
        assertThatThrownBy(() -> SamplingConfig.builder().temperature(0f).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingConfig.builder().topP(1.5f).build()).hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplingConfig.builder().stopSequences(java.util.List.of("")).build())
                .hasMessageContaining("stop sequence");
    }
}
