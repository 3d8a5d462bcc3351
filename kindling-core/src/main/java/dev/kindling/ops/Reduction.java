// Reduction: how a loss turns its per-element values into the result (PyTorch's `reduction` argument).
// BATCHMEAN exists only for KL divergence, where it is the mathematically correct mean per sample.
package dev.kindling.ops;

import java.util.Locale;

/** The {@code reduction} of a loss: keep per-element values, average them, sum them, or sum / batch size. */
public enum Reduction {
    /** Per-element losses, no reduction. */
    NONE,
    /** Mean over elements (for weighted class losses: divided by the sum of the weights used). */
    MEAN,
    /** Sum over elements. */
    SUM,
    /** Sum divided by the size of dimension 0 (KL divergence only). */
    BATCHMEAN;

    /**
     * Parses PyTorch's spelling: {@code "none"}, {@code "mean"}, {@code "sum"} or {@code "batchmean"}
     * (case-insensitive).
     */
    public static Reduction parse(String s) {
        if (s != null) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "none": return NONE;
                case "mean": return MEAN;
                case "sum": return SUM;
                case "batchmean": return BATCHMEAN;
                default: break;
            }
        }
        throw new IllegalArgumentException("Reduction.parse: \"" + s
                + "\" is not a valid reduction (expected \"none\", \"mean\", \"sum\" or \"batchmean\")");
    }

    /** PyTorch's spelling, e.g. {@code "mean"}. */
    public String torchName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
