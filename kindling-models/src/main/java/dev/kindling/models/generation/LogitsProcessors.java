// LogitsProcessors: the next-token distribution shaping of Hugging Face's generate(), on one row of logits in
// place: repetition penalty, temperature, top-k and top-p (nucleus) filtering, then greedy or seeded sampling.
// Removed tokens get -inf, as HF does, so the softmax of what is left is the sampling distribution.
package dev.kindling.models.generation;

import dev.kindling.tensor.Generator;
import java.util.Arrays;

/** Logits processors and token pickers over a {@code float[vocab]} row (functional, in place). */
public final class LogitsProcessors {
    private LogitsProcessors() {}

    /**
     * HF's RepetitionPenaltyLogitsProcessor: every token id that occurs in {@code context} has its logit divided by
     * {@code penalty} when positive, multiplied when negative (each id once, however often it occurs).
     */
    public static void repetitionPenalty(float[] logits, int[] context, int contextLength, float penalty) {
        if (penalty == 1f) return;
        boolean[] seen = new boolean[logits.length];
        for (int i = 0; i < contextLength; i++) {
            int id = context[i];
            if (id < 0 || id >= logits.length || seen[id]) continue;
            seen[id] = true;
            logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty;
        }
    }

    /** Divides the logits by {@code temperature} (> 0): below 1 sharpens, above 1 flattens. */
    public static void temperature(float[] logits, float temperature) {
        if (temperature == 1f) return;
        float inv = 1f / temperature;
        for (int i = 0; i < logits.length; i++) logits[i] *= inv;
    }

    /** Keeps the {@code k} largest logits (ties with the k-th are kept, as HF), sets the rest to -inf; 0 = off. */
    public static void topK(float[] logits, int k) {
        if (k <= 0 || k >= logits.length) return;
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        float kth = sorted[sorted.length - k];
        for (int i = 0; i < logits.length; i++) if (logits[i] < kth) logits[i] = Float.NEGATIVE_INFINITY;
    }

    /**
     * Nucleus filtering as HF's TopPLogitsWarper: sorting ascending, a token is removed when the probability mass
     * of it and every less likely token is at most {@code 1 - p}; the most likely token is always kept. 1 = off.
     */
    public static void topP(float[] logits, float p) {
        if (p >= 1f) return;
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[a], logits[b]));   // ascending
        double[] probs = softmax(logits);
        double cum = 0;
        for (int r = 0; r < n - 1; r++) {                                        // the last (largest) is kept
            int id = order[r];
            cum += probs[id];
            if (cum <= 1 - p) logits[id] = Float.NEGATIVE_INFINITY;
            else break;
        }
    }

    /** Softmax in double precision; -inf logits get probability 0. */
    public static double[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[logits.length];
        if (max == Float.NEGATIVE_INFINITY) throw new IllegalArgumentException("softmax: every logit is -inf");
        double sum = 0;
        for (int i = 0; i < logits.length; i++) sum += p[i] = Math.exp((double) logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** Index of the largest logit (the first on ties, as torch.argmax). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Draws an index from softmax(logits) with one uniform draw of {@code g} (inverse CDF). */
    public static int sample(float[] logits, Generator g) {
        double[] p = softmax(logits);
        double u = g.nextDouble(), cum = 0;
        int last = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) continue;
            last = i;
            cum += p[i];
            if (u < cum) return i;
        }
        return last;   // u within rounding of 1
    }

    /**
     * Applies the config's processors in HF's order (repetition penalty, temperature, top-k, top-p) and picks the
     * next token: argmax when greedy, else a draw from {@code g}. {@code logits} is modified.
     */
    public static int next(float[] logits, int[] context, int contextLength, SamplingConfig cfg, Generator g) {
        repetitionPenalty(logits, context, contextLength, cfg.repetitionPenalty());
        if (cfg.greedy()) return argmax(logits);
        temperature(logits, cfg.temperature());
        topK(logits, cfg.topK());
        topP(logits, cfg.topP());
        return sample(logits, g);
    }
}
