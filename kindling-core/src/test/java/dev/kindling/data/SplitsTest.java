package dev.kindling.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** randomSplit and stratifiedSplit: disjoint, complete, seeded, sizes and per-class proportions. */
class SplitsTest {
    private static void assertPartition(int n, int[][] parts) {
        int[] all = Arrays.stream(parts).flatMapToInt(Arrays::stream).sorted().toArray();
        int[] want = new int[n];
        for (int i = 0; i < n; i++) want[i] = i;
        assertThat(all).as("disjoint and complete").containsExactly(want);
    }

    @Test
    void randomSplitSizesFollowPyTorchsRule() {
        int[][] p = Splits.randomSplit(10, new double[] {0.5, 0.3, 0.2}, 1);
        assertThat(Arrays.stream(p).mapToInt(a -> a.length).toArray()).containsExactly(5, 3, 2);
        assertPartition(10, p);
        double third = 1.0 / 3;
        int[][] q = Splits.randomSplit(10, new double[] {third, third, third}, 1);
        assertThat(Arrays.stream(q).mapToInt(a -> a.length).toArray()).containsExactly(4, 3, 3);
        assertPartition(10, q);
        assertPartition(7, Splits.randomSplit(7, new int[] {0, 7}, 3));
    }

    @Test
    void randomSplitIsSeeded() {
        double[] f = {0.8, 0.2};
        assertThat(Splits.randomSplit(100, f, 42)).isDeepEqualTo(Splits.randomSplit(100, f, 42));
        assertThat(Splits.randomSplit(100, f, 42)[1]).isNotEqualTo(Splits.randomSplit(100, f, 43)[1]);
        Subset[] s = Splits.randomSplit(new TensorDataset(Tensor.zeros(20, 3)), f, 42);
        assertThat(s[0].size()).isEqualTo(16);
        assertThat(s[1].indices()).containsExactly(Splits.randomSplit(20, f, 42)[1]);
    }

    @Test
    void badFractionsAreRejected() {
        assertThatThrownBy(() -> Splits.randomSplit(10, new double[] {0.5, 0.3}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to 0.8");
        assertThatThrownBy(() -> Splits.randomSplit(10, new double[] {1.2, -0.2}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Splits.randomSplit(10, new int[] {3, 3}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to 6");
    }

    private static TreeMap<Long, Integer> classCounts(long[] labels, int[] part) {
        TreeMap<Long, Integer> m = new TreeMap<>();
        for (int i : part) m.merge(labels[i], 1, Integer::sum);
        return m;
    }

    @Test
    void stratifiedSplitKeepsClassProportions() {
        // 60 / 30 / 10 examples of classes 0 / 1 / 2, interleaved.
        long[] labels = new long[100];
        for (int i = 0; i < 100; i++) labels[i] = i % 10 == 0 ? 2 : i % 10 < 4 ? 1 : 0;
        int[][] p = Splits.stratifiedSplit(labels, new double[] {0.8, 0.2}, 42);
        assertPartition(100, p);
        TreeMap<Long, Integer> train = classCounts(labels, p[0]), val = classCounts(labels, p[1]);
        System.out.println("stratifiedSplit 60/30/10 by {0.8, 0.2}: train " + train + ", validation " + val);
        assertThat(train).containsExactlyEntriesOf(new TreeMap<>(java.util.Map.of(0L, 48, 1L, 24, 2L, 8)));
        assertThat(val).containsExactlyEntriesOf(new TreeMap<>(java.util.Map.of(0L, 12, 1L, 6, 2L, 2)));
        assertThat(Splits.stratifiedSplit(labels, new double[] {0.8, 0.2}, 42)).isDeepEqualTo(p);
        assertThat(Splits.stratifiedSplit(Tensor.ofLongs(labels, 100), new double[] {0.8, 0.2}, 42)).isDeepEqualTo(p);
    }

    @Test
    void stratifiedSplitBoundsOnRandomLabels() {
        Generator g = new Generator(5);
        double[][] fractionSets = {{0.7, 0.3}, {0.6, 0.2, 0.2}, {0.5, 0.25, 0.25}, {0.9, 0.1}};
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + (int) g.nextLong(300), k = 1 + (int) g.nextLong(6);
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) labels[i] = g.nextLong(k) * 7 - 3; // arbitrary, possibly negative values
            double[] f = fractionSets[trial % fractionSets.length];
            int[][] p = Splits.stratifiedSplit(labels, f, trial);
            assertPartition(n, p);
            TreeMap<Long, Integer> total = classCounts(labels, Arrays.stream(p).flatMapToInt(Arrays::stream).toArray());
            for (int part = 0; part < f.length; part++) {
                TreeMap<Long, Integer> c = classCounts(labels, p[part]);
                for (var e : total.entrySet()) {
                    double ideal = e.getValue() * f[part];
                    int got = c.getOrDefault(e.getKey(), 0);
                    assertThat((double) got).as("class %d in part %d", e.getKey(), part)
                            .isBetween(Math.floor(ideal - 1e-9), Math.ceil(ideal + 1e-9));
                }
                // Part sizes stay within one example per part of n * f.
                assertThat((double) p[part].length).isCloseTo(n * f[part], org.assertj.core.data.Offset.offset(
                        (double) f.length));
            }
            if (f.length == 2) { // with two parts the sizes are exactly randomSplit's
                assertThat(p[0].length).isEqualTo(Splits.lengths("test", n, f)[0]);
            }
        }
    }
}
