// Rotary: rotary position embeddings (RoPE) as Hugging Face's Llama computes them: cos/sin tables from the
// inverse frequencies theta^(-2i/d) (optionally rescaled: "linear", "llama3"), applied in the rotate_half layout
// (pairs are (x[i], x[i + d/2]), not interleaved). One fused op with its own backward: no cat/neg/mul graph.
package dev.kindling.ops;

import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * Rotary position embeddings (functional API).
 *
 * <p>Example (a Llama attention layer, positions {@code past .. past + T - 1}):
 * <pre>{@code
 * Tensor[] cs = Rotary.cosSin(past, T, headDim, 10000.0, null);   // cos, sin: [T, D]
 * Tensor qr = Rotary.apply(q, cs[0], cs[1]);                       // q [B, H, T, D] -> [B, H, T, D]
 * }</pre>
 */
public final class Rotary {
    /** Rows (of length D) per parallel chunk. */
    private static final int GRAIN_ELEMS = 1 << 15;

    private Rotary() {}

    /**
     * Frequency rescaling from a Hugging Face config's {@code rope_scaling} / {@code rope_parameters}.
     *
     * <p>{@code "linear"}: every inverse frequency divided by {@code factor}. {@code "llama3"}: Llama 3.1's
     * piecewise rule (long wavelengths divided by {@code factor}, short ones kept, a smooth blend between), with
     * {@code lowFreqFactor}, {@code highFreqFactor} and {@code originalMaxPositions} (its
     * {@code original_max_position_embeddings}).
     */
    public record Scaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
        public Scaling {
            if (!type.equals("linear") && !type.equals("llama3")) throw new IllegalArgumentException("Rotary.Scaling: "
                    + "unsupported rope type \"" + type + "\" (supported: default, linear, llama3)");
            if (!(factor > 0)) throw new IllegalArgumentException("Rotary.Scaling: factor must be > 0, got " + factor);
            if (type.equals("llama3") && !(highFreqFactor > lowFreqFactor && lowFreqFactor > 0
                    && originalMaxPositions > 0)) {
                throw new IllegalArgumentException("Rotary.Scaling: llama3 needs 0 < low_freq_factor < high_freq_factor"
                        + " and original_max_position_embeddings > 0, got " + lowFreqFactor + ", " + highFreqFactor
                        + ", " + originalMaxPositions);
            }
        }

        /** Position interpolation: frequencies divided by {@code factor}. */
        public static Scaling linear(double factor) {
            return new Scaling("linear", factor, 0, 0, 0);
        }

        /** Llama 3.1's rule (e.g. factor 8, low 1, high 4, original 8192). */
        public static Scaling llama3(double factor, double lowFreqFactor, double highFreqFactor,
                                     int originalMaxPositions) {
            return new Scaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositions);
        }
    }

    /**
     * Inverse frequencies {@code theta^(-2i / dim)} for {@code i < dim / 2}, rescaled by {@code scaling} (null:
     * none), in double precision.
     */
    public static double[] inverseFrequencies(int dim, double theta, Scaling scaling) {
        if (dim <= 0 || dim % 2 != 0) throw new IllegalArgumentException("Rotary: rotary dim must be positive and "
                + "even, got " + dim);
        if (!(theta > 0)) throw new IllegalArgumentException("Rotary: theta must be > 0, got " + theta);
        double[] inv = new double[dim / 2];
        for (int i = 0; i < inv.length; i++) inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / dim);
        if (scaling == null) return inv;
        if (scaling.type.equals("linear")) {
            for (int i = 0; i < inv.length; i++) inv[i] /= scaling.factor;
            return inv;
        }
        // llama3 (transformers' _compute_llama3_parameters).
        double lowWavelen = scaling.originalMaxPositions / scaling.lowFreqFactor;
        double highWavelen = scaling.originalMaxPositions / scaling.highFreqFactor;
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] /= scaling.factor;                       // low frequency: interpolated
            } else if (wavelen >= highWavelen) {                // medium: blend of interpolated and original
                double smooth = (scaling.originalMaxPositions / wavelen - scaling.lowFreqFactor)
                        / (scaling.highFreqFactor - scaling.lowFreqFactor);
                inv[i] = (1 - smooth) * inv[i] / scaling.factor + smooth * inv[i];
            }                                                   // high frequency: unchanged
        }
        return inv;
    }

    /**
     * cos and sin tables for positions {@code start .. start + length - 1}.
     *
     * <p>Shape: returns {@code {cos, sin}}, each {@code [length, dim]}: column {@code j} uses inverse frequency
     * {@code j mod dim/2} (Hugging Face's {@code cat(freqs, freqs)}). Computed in double, stored as float32.
     */
    public static Tensor[] cosSin(int start, int length, int dim, double theta, Scaling scaling) {
        if (start < 0 || length < 0) throw new IllegalArgumentException("Rotary.cosSin: start and length must be >= 0,"
                + " got " + start + ", " + length);
        long[] pos = new long[length];
        for (int t = 0; t < length; t++) pos[t] = start + t;
        return table(pos, new int[] {length, dim}, dim, theta, scaling);
    }

    /**
     * cos and sin tables for explicit integer positions (e.g. per-sequence offsets of a left-padded batch).
     *
     * <p>Shape: positions int64 {@code [T]} or {@code [B, T]} -> {@code {cos, sin}}, each {@code [..., dim]}.
     */
    public static Tensor[] cosSin(Tensor positions, int dim, double theta, Scaling scaling) {
        positions.requireDType("Rotary.cosSin", DType.INT64);
        if (positions.dim() < 1 || positions.dim() > 2) throw new IllegalArgumentException("Rotary.cosSin: positions"
                + " must be [T] or [B, T], got " + Shape.str(positions.shape()));
        int[] ps = positions.shape();
        int[] shape = java.util.Arrays.copyOf(ps, ps.length + 1);
        shape[ps.length] = dim;
        return table(positions.toLongArray(), shape, dim, theta, scaling);
    }

    private static Tensor[] table(long[] pos, int[] shape, int dim, double theta, Scaling scaling) {
        double[] inv = inverseFrequencies(dim, theta, scaling);
        int half = dim / 2;
        float[] cos = new float[pos.length * dim], sin = new float[pos.length * dim];
        for (int t = 0; t < pos.length; t++) {
            for (int i = 0; i < half; i++) {
                double angle = pos[t] * inv[i];
                float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                cos[t * dim + i] = c;
                cos[t * dim + half + i] = c;
                sin[t * dim + i] = s;
                sin[t * dim + half + i] = s;
            }
        }
        return new Tensor[] {Tensor.of(cos, shape), Tensor.of(sin, shape)};
    }

    /**
     * Applies the rotation: {@code x * cos + rotate_half(x) * sin} with {@code rotate_half(x) = cat(-x2, x1)}
     * (x1, x2 the two halves of the last dim), as Hugging Face's {@code apply_rotary_pos_emb}.
     *
     * <p>Shape: x {@code [..., T, D]} (e.g. {@code [B, H, T, D]}; any strides, such as a permuted projection),
     * cos/sin {@code [T, D]} (shared by every leading index) or {@code [B, T, D]} (per batch row, x
     * {@code [B, H, T, D]}) -> contiguous {@code [..., T, D]}. Gradient flows to x; cos and sin are constants.
     */
    public static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        String op = "rotary";
        Elementwise.requireFloat(op, x);
        Elementwise.requireFloat(op, cos);
        Elementwise.requireFloat(op, sin);
        int[] xs = x.shape();
        int r = xs.length;
        if (r < 2 || xs[r - 1] % 2 != 0) throw new IllegalArgumentException(op + ": expected x [..., T, D] with even"
                + " D, got " + Shape.str(xs));
        int len = xs[r - 2], dim = xs[r - 1];
        boolean perBatch = cos.dim() == 3;
        boolean ok = Shape.same(cos.shape(), sin.shape()) && (cos.dim() == 2 && cos.size(0) == len
                && cos.size(1) == dim || perBatch && r == 4 && cos.size(0) == xs[0] && cos.size(1) == len
                && cos.size(2) == dim);
        if (!ok) throw new IllegalArgumentException(op + ": cos/sin must be [T, D] = [" + len + ", " + dim
                + "] or, for x [B, H, T, D], [B, T, D]; got x " + Shape.str(xs) + ", cos " + Shape.str(cos.shape())
                + ", sin " + Shape.str(sin.shape()));
        Tensor c = cos.detach().contiguous(), s = sin.detach().contiguous();
        int heads = r == 4 ? xs[1] : 1;
        float[] out = rotate(x.detach(), c, s, perBatch, heads, false);
        Tensor y = Tensor.of(out, xs);
        return Autograd.record(op, y, new Tensor[] {x}, g -> new Tensor[] {
                Tensor.of(rotate(g, c, s, perBatch, heads, true), xs)});
    }

    /**
     * Rows of length D: {@code y = x cos + R x sin} (forward) or {@code y = x cos + R^T (x sin)} (backward, x the
     * upstream gradient), where {@code (R x)[i] = -x[i + h]} and {@code (R x)[i + h] = x[i]} for {@code i < h = D/2}.
     */
    private static float[] rotate(Tensor x, Tensor cos, Tensor sin, boolean perBatch, int heads, boolean transpose) {
        int[] xs = x.shape(), st = x.strides();
        int r = xs.length, len = xs[r - 2], dim = xs[r - 1], half = dim / 2;
        int rows = x.numel() / Math.max(1, dim);
        float[] xd = x.storage().floats(), cd = cos.storage().floats(), sd = sin.storage().floats();
        int co = cos.offset(), so = sin.offset();
        int ds = st[r - 1];
        float[] out = new float[x.numel()];
        Parallel.forRange(rows, Math.max(1, GRAIN_ELEMS / Math.max(1, dim)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                // Offset of row (all but the last dim) in x's storage, from its multi-index.
                int base = x.offset(), rest = row;
                for (int d = r - 2; d >= 0; d--) {
                    base += (rest % xs[d]) * st[d];
                    rest /= xs[d];
                }
                int t = row % len;
                int tab = (perBatch ? (row / (heads * len)) * len + t : t) * dim;
                int o = row * dim;
                for (int i = 0; i < half; i++) {
                    float x1 = xd[base + i * ds], x2 = xd[base + (i + half) * ds];
                    float c1 = cd[co + tab + i], c2 = cd[co + tab + half + i];
                    float s1 = sd[so + tab + i], s2 = sd[so + tab + half + i];
                    if (!transpose) {
                        out[o + i] = x1 * c1 - x2 * s1;
                        out[o + half + i] = x2 * c2 + x1 * s2;
                    } else {
                        out[o + i] = x1 * c1 + x2 * s2;
                        out[o + half + i] = x2 * c2 - x1 * s1;
                    }
                }
            }
        });
        return out;
    }
}
