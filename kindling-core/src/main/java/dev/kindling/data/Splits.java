// Splits: seeded train/validation/test partitions of example indices, random (as torch.utils.data.random_split)
// or stratified by label so each part keeps the class proportions. Parts are disjoint and together cover every
// index exactly once; the same seed gives the same parts.
package dev.kindling.data;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * Index partitions for hold-out evaluation.
 *
 * <p>Example: {@code int[][] p = Splits.stratifiedSplit(labels, new double[] {0.8, 0.2}, 42);
 * Subset[] s = Splits.subsets(ds, p); // s[0] train, s[1] validation}
 */
public final class Splits {
    private Splits() {}

    /**
     * A random partition of {@code 0..n-1} into parts of sizes given by {@code fractions} (summing to 1). Sizes are
     * {@code floor(n * f)}, then the remainder is added one by one to parts 0, 1, ... (PyTorch's rule). Each part
     * lists its indices in random order.
     *
     * @throws IllegalArgumentException when a fraction is negative or they do not sum to 1
     */
    public static int[][] randomSplit(int n, double[] fractions, long seed) {
        return randomSplit(n, lengths("randomSplit", n, fractions), seed);
    }

    /**
     * A random partition of {@code 0..n-1} into parts of the given {@code lengths} (summing to {@code n}).
     *
     * @throws IllegalArgumentException when a length is negative or they do not sum to {@code n}
     */
    public static int[][] randomSplit(int n, int[] lengths, long seed) {
        if (n < 0) throw new IllegalArgumentException("Splits.randomSplit: n must be >= 0, got " + n);
        long total = 0;
        for (int l : lengths) {
            if (l < 0) throw new IllegalArgumentException("Splits.randomSplit: negative length in "
                    + Arrays.toString(lengths));
            total += l;
        }
        if (total != n) throw new IllegalArgumentException("Splits.randomSplit: lengths " + Arrays.toString(lengths)
                + " sum to " + total + " but the dataset has " + n + " examples");
        int[] perm = permutation(n, new Generator(seed));
        int[][] parts = new int[lengths.length][];
        int off = 0;
        for (int i = 0; i < lengths.length; i++) {
            parts[i] = Arrays.copyOfRange(perm, off, off + lengths[i]);
            off += lengths[i];
        }
        return parts;
    }

    /** {@link #randomSplit(int, double[], long)} of {@code dataset}'s indices, as Subsets. */
    public static Subset[] randomSplit(Dataset dataset, double[] fractions, long seed) {
        return subsets(dataset, randomSplit(dataset.size(), fractions, seed));
    }

    /**
     * A random partition of the indices of {@code labels} that keeps the class proportions in every part: class c
     * with {@code n_c} examples puts {@code floor} or {@code ceil} of {@code n_c * f} of them in the part of
     * fraction {@code f}; leftovers go to the parts furthest below their overall size, so part sizes match
     * {@link #randomSplit(int, double[], long)}'s when the per-class bounds allow. Each part lists its indices in
     * random order.
     *
     * <p>Example: 100 labels with 60 of class 0 and 40 of class 1 split {0.8, 0.2} give a train part with 48 + 32
     * and a validation part with 12 + 8.
     *
     * @throws IllegalArgumentException when a fraction is negative or they do not sum to 1
     */
    public static int[][] stratifiedSplit(long[] labels, double[] fractions, long seed) {
        int n = labels.length, parts = fractions.length;
        int[] target = lengths("stratifiedSplit", n, fractions);
        // Group indices by class, classes in ascending label order, members in index order.
        Integer[] byLabel = new Integer[n];
        for (int i = 0; i < n; i++) byLabel[i] = i;
        Arrays.sort(byLabel, (a, b) -> labels[a] != labels[b] ? Long.compare(labels[a], labels[b])
                : Integer.compare(a, b));
        int classes = 0;
        int[] classStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            if (i == 0 || labels[byLabel[i]] != labels[byLabel[i - 1]]) classStart[classes++] = i;
        }
        classStart[classes] = n;

        // Allocate per class: floors first, then one leftover unit per part with a fractional share.
        int[][] alloc = new int[classes][parts];
        int[] filled = new int[parts];
        double[][] frac = new double[classes][parts];
        int[] leftover = new int[classes];
        for (int c = 0; c < classes; c++) {
            int size = classStart[c + 1] - classStart[c], used = 0;
            for (int p = 0; p < parts; p++) {
                double ideal = size * fractions[p];
                alloc[c][p] = (int) Math.floor(ideal + 1e-9);
                frac[c][p] = ideal - alloc[c][p];
                used += alloc[c][p];
                filled[p] += alloc[c][p];
            }
            leftover[c] = size - used;
        }
        for (int c = 0; c < classes; c++) {
            boolean[] bumped = new boolean[parts];
            for (int r = 0; r < leftover[c]; r++) {
                int best = -1;
                for (int p = 0; p < parts; p++) {
                    if (bumped[p] || frac[c][p] <= 1e-9) continue;
                    if (best < 0 || better(target[p] - filled[p], frac[c][p], target[best] - filled[best],
                            frac[c][best])) best = p;
                }
                if (best < 0) { // only reachable through rounding noise: give the unit to the emptiest part
                    best = 0;
                    for (int p = 1; p < parts; p++) if (target[p] - filled[p] > target[best] - filled[best]) best = p;
                }
                bumped[best] = true;
                alloc[c][best]++;
                filled[best]++;
            }
        }

        // Deal each class's shuffled members to the parts, then shuffle each part.
        Generator g = new Generator(seed);
        int[][] out = new int[parts][];
        for (int p = 0; p < parts; p++) out[p] = new int[filled[p]];
        int[] pos = new int[parts];
        for (int c = 0; c < classes; c++) {
            int from = classStart[c], size = classStart[c + 1] - from;
            int[] perm = permutation(size, g);
            int k = 0;
            for (int p = 0; p < parts; p++) {
                for (int j = 0; j < alloc[c][p]; j++) out[p][pos[p]++] = byLabel[from + perm[k++]];
            }
        }
        for (int[] part : out) shuffle(part, g);
        return out;
    }

    /** {@link #stratifiedSplit(long[], double[], long)} with int64 labels {@code [N]}. */
    public static int[][] stratifiedSplit(Tensor labels, double[] fractions, long seed) {
        if (labels.dim() != 1) throw new IllegalArgumentException("Splits.stratifiedSplit: labels must be 1-D [N], "
                + "got shape " + Arrays.toString(labels.shape()));
        return stratifiedSplit(labels.toLongArray(), fractions, seed);
    }

    /** One {@link Subset} of {@code dataset} per index part. */
    public static Subset[] subsets(Dataset dataset, int[][] parts) {
        Subset[] out = new Subset[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = new Subset(dataset, parts[i]);
        return out;
    }

    /** Prefer the part with the larger remaining quota, then the larger fractional share, then the lower index. */
    private static boolean better(int quota, double frac, int bestQuota, double bestFrac) {
        if (quota != bestQuota) return quota > bestQuota;
        return frac > bestFrac + 1e-12;
    }

    /** Part sizes for fractions (PyTorch's random_split rule), validating the fractions. */
    static int[] lengths(String op, int n, double[] fractions) {
        if (fractions == null || fractions.length == 0) throw new IllegalArgumentException("Splits." + op
                + ": expected at least one fraction");
        double sum = 0;
        for (double f : fractions) {
            if (!(f >= 0) || Double.isInfinite(f)) throw new IllegalArgumentException("Splits." + op
                    + ": fractions must be finite and >= 0, got " + Arrays.toString(fractions));
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) throw new IllegalArgumentException("Splits." + op + ": fractions "
                + Arrays.toString(fractions) + " sum to " + sum + "; expected 1 (e.g. {0.8, 0.1, 0.1})");
        int[] len = new int[fractions.length];
        int used = 0;
        for (int i = 0; i < len.length; i++) {
            len[i] = (int) Math.floor(n * fractions[i]);
            used += len[i];
        }
        for (int i = 0; used < n; i = (i + 1) % len.length, used++) len[i]++;
        return len;
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates, drawing from {@code g}). */
    static int[] permutation(int n, Generator g) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        shuffle(p, g);
        return p;
    }

    private static void shuffle(int[] a, Generator g) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) g.nextLong(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
