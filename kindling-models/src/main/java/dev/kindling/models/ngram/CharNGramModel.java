// CharNGramModel: a smoothed character n-gram language model, interpolated modified Kneser-Ney (Chen & Goodman
// 1998: three discounts per order, continuation counts below the top order, a uniform base), the classic baseline
// a neural character model must beat. Reports bits per character on held-out text.
package dev.kindling.models.ngram;

/**
 * Interpolated modified Kneser-Ney over integer symbols {@code 0..vocabSize-1}.
 *
 * <p>{@code P(w | h) = max(c(hw) - D(c), 0) / c(h•) + gamma(h) P(w | h')}, where c is the raw count at the top order
 * and the continuation count N1+(•hw) below it, D(c) is D1, D2 or D3+ by the count (estimated from counts-of-counts
 * per order), {@code gamma(h) = (D1 N1(h•) + D2 N2(h•) + D3+ N3+(h•)) / c(h•)}, h' drops the oldest symbol, and the
 * recursion ends in the uniform 1/V. Unseen contexts pass the lower order through unchanged.
 *
 * <p>Example:
 * <pre>{@code
 * var lm = CharNGramModel.fit(trainIds, vocab, 5);
 * double bpc = lm.bitsPerChar(validIds);      // mean -log2 P(c_i | previous 4 chars)
 * }</pre>
 */
public final class CharNGramModel {
    private final int order, vocab;
    /** Per order n (1..order): n-gram -> count (raw at the top order, continuation count below). */
    private final LongIntMap[] grams;
    /** Per order n: context (n-1 symbols) -> slot into the per-context statistics. */
    private final LongIntMap[] contexts;
    /** Per order n, per context slot: {total, N1, N2, N3+}. */
    private final int[][][] ctxStats;
    /** Per order n: discounts {D1, D2, D3+}. */
    private final double[][] discounts;

    private CharNGramModel(int order, int vocab) {
        this.order = order;
        this.vocab = vocab;
        grams = new LongIntMap[order + 1];
        contexts = new LongIntMap[order + 1];
        ctxStats = new int[order + 1][][];
        discounts = new double[order + 1][];
    }

    /**
     * Counts every n-gram of {@code ids} (one continuous stream) up to {@code order} and estimates the discounts.
     *
     * @throws IllegalArgumentException for a symbol outside {@code [0, vocabSize)}, or a vocabulary too large to pack
     *     {@code order} symbols into a long
     */
    public static CharNGramModel fit(int[] ids, int vocabSize, int order) {
        if (order < 1) throw new IllegalArgumentException("CharNGramModel: order must be >= 1, got " + order);
        if (vocabSize < 1 || order * Math.log(vocabSize) / Math.log(2) > 62) throw new IllegalArgumentException(
                "CharNGramModel: vocabulary " + vocabSize + " with order " + order + " does not fit 62 bits");
        for (int i = 0; i < ids.length; i++) if (ids[i] < 0 || ids[i] >= vocabSize) throw new IllegalArgumentException(
                "CharNGramModel: symbol " + ids[i] + " at position " + i + " is outside the vocabulary [0, " + vocabSize + ")");
        CharNGramModel m = new CharNGramModel(order, vocabSize);
        // Raw counts at the top order.
        LongIntMap top = new LongIntMap(Math.min(ids.length, 1 << 20));
        for (int i = order - 1; i < ids.length; i++) top.add(m.pack(ids, i - order + 1, order), 1);
        m.grams[order] = top;
        for (int n = order - 1; n >= 1; n--) {
            // Continuation counts: distinct left extensions of each n-gram = number of (n+1)-grams ending in it.
            LongIntMap upper = m.grams[n + 1], cur = new LongIntMap(Math.max(16, upper.size() / 2));
            long div = pow(vocabSize, n);
            for (int s = 0; s < upper.capacity(); s++) if (upper.has(s)) cur.add(upper.keyAt(s) % div, 1);
            // The stream's first n-gram has no left neighbour; count it once so it is not lost.
            if (ids.length >= n) cur.add(m.pack(ids, 0, n), 1);
            m.grams[n] = cur;
        }
        for (int n = 1; n <= order; n++) m.summarise(n);
        return m;
    }

    private static long pow(int v, int n) {
        long p = 1;
        for (int i = 0; i < n; i++) p *= v;
        return p;
    }

    /** Symbols ids[from..from+len) packed oldest-first in base V (the newest symbol is the lowest digit). */
    private long pack(int[] ids, int from, int len) {
        long k = 0;
        for (int i = 0; i < len; i++) k = k * vocab + ids[from + i];
        return k;
    }

    /** Context totals and N1/N2/N3+ per context, and the discounts of order n from its counts-of-counts. */
    private void summarise(int n) {
        LongIntMap g = grams[n];
        LongIntMap ctx = new LongIntMap(Math.max(16, g.size() / 4));
        long[] coc = new long[5];   // counts of counts 1..4
        for (int s = 0; s < g.capacity(); s++) {
            if (!g.has(s)) continue;
            ctx.add(g.keyAt(s) / vocab, 0);
            int c = g.valueAt(s);
            if (c <= 4) coc[c]++;
        }
        int[][] stats = new int[ctx.capacity()][];
        for (int s = 0; s < g.capacity(); s++) {
            if (!g.has(s)) continue;
            long h = g.keyAt(s) / vocab;
            int slot = ctx.slot(h);
            int[] st = stats[slot];
            if (st == null) st = stats[slot] = new int[4];
            int c = g.valueAt(s);
            st[0] += c;
            st[Math.min(c, 3)]++;
        }
        contexts[n] = ctx;
        ctxStats[n] = stats;
        double y = coc[1] + 2 * coc[2] > 0 ? coc[1] / (double) (coc[1] + 2 * coc[2]) : 0.5;
        double d1 = coc[1] > 0 ? 1 - 2 * y * coc[2] / coc[1] : 0.5;
        double d2 = coc[2] > 0 ? 2 - 3 * y * coc[3] / coc[2] : 1;
        double d3 = coc[3] > 0 ? 3 - 4 * y * coc[4] / coc[3] : 1.5;
        discounts[n] = new double[] {clamp(d1, 0, 1), clamp(d2, 0, 2), clamp(d3, 0, 3)};
    }

    private static double clamp(double v, double lo, double hi) {
        return Double.isNaN(v) ? lo : Math.max(lo, Math.min(hi, v));
    }

    /** The model's order (5 for a 5-gram). */
    public int order() {
        return order;
    }

    /** The discounts {D1, D2, D3+} of order n (1..order). */
    public double[] discounts(int n) {
        return discounts[n].clone();
    }

    /**
     * P(w | ids[end-order+1 .. end-1]): the probability of symbol {@code w} after the (up to order-1) symbols that
     * end just before index {@code end} of {@code ids}, at most {@code available} of which may be used.
     */
    public double probability(int[] ids, int end, int available, int w) {
        double p = 1.0 / vocab;
        int maxN = Math.min(order, available + 1);
        for (int n = 1; n <= maxN; n++) {
            long h = pack(ids, end - (n - 1), n - 1);
            int slot = contexts[n].slot(h);
            if (slot < 0) break;                       // unseen context: higher orders are unseen too
            int[] st = ctxStats[n][slot];
            double[] d = discounts[n];
            int c = grams[n].get(h * vocab + w, 0);
            double num = c == 0 ? 0 : Math.max(c - d[Math.min(c, 3) - 1], 0);
            double gamma = (d[0] * st[1] + d[1] * st[2] + d[2] * st[3]) / st[0];
            p = num / st[0] + gamma * p;
        }
        return p;
    }

    /** Mean -log2 P(ids[i] | the previous up to order-1 symbols) over the stream (bits per character). */
    public double bitsPerChar(int[] ids) {
        for (int i = 0; i < ids.length; i++) if (ids[i] < 0 || ids[i] >= vocab) throw new IllegalArgumentException(
                "CharNGramModel.bitsPerChar: symbol " + ids[i] + " at position " + i + " is outside the vocabulary");
        if (ids.length == 0) return 0;
        double bits = 0;
        for (int i = 0; i < ids.length; i++) bits -= Math.log(probability(ids, i, Math.min(i, order - 1), ids[i]));
        return bits / ids.length / Math.log(2);
    }
}
