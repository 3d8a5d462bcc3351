// Recurrent: the functional RNN (tanh/relu), LSTM and GRU (torch's _VF.rnn_tanh / lstm / gru): multi-layer,
// bidirectional, batch-first, initial states, dropout between layers and per-sequence lengths. The whole call is
// ONE autograd op whose backward runs backprop-through-time with the fused kernels of RecurrentCells.
package dev.kindling.ops;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Recurrent layers, functional API with PyTorch semantics.
 *
 * <p>Weights come as PyTorch's flat list ({@code _flat_weights}): for each layer, for each direction (forward,
 * then reverse): {@code weight_ih [G*H, in], weight_hh [G*H, H]}, then, with bias, {@code bias_ih [G*H],
 * bias_hh [G*H]}; {@code G} is 1 (RNN), 4 (LSTM gates i, f, g, o) or 3 (GRU gates r, z, n). Layer 0 takes
 * {@code input_size} features, later layers {@code D*H} ({@code D} = 2 when bidirectional).
 *
 * <p>Shape: input {@code [T, B, in]} ({@code [B, T, in]} with batchFirst, or unbatched {@code [T, in]});
 * h0/c0 {@code [L*D, B, H]} (unbatched {@code [L*D, H]}) or null for zeros; lengths int64 {@code [B]} or null.
 * Result: output {@code [T, B, D*H]} (batch-first: {@code [B, T, D*H]}), hN and cN {@code [L*D, B, H]}.
 *
 * <p>With {@code lengths}, steps {@code t >= lengths[b]} are padding, as with {@code pack_padded_sequence}: they
 * neither change the state nor produce output (output is 0 there), hN is the state after the last valid step and
 * the reverse direction starts at step {@code lengths[b] - 1}.
 *
 * <p>Example: {@code var r = Recurrent.lstm(x, null, null, weights, Recurrent.Options.of(1, true, false, true),
 * null); Tensor last = r.hN(); // [1, B, H]}
 */
public final class Recurrent {
    /** Per-direction work below which running the two directions on separate threads costs more than it saves. */
    private static final long PARALLEL_MIN_FLOPS = 1L << 22;

    private Recurrent() {}

    /** The recurrent cell; {@code gates} is the number of H-wide blocks in the weight rows. */
    public enum Cell {
        RNN_TANH(1, "rnn_tanh"), RNN_RELU(1, "rnn_relu"), LSTM(4, "lstm"), GRU(3, "gru");

        final int gates;
        final String opName;

        Cell(int gates, String opName) {
            this.gates = gates;
            this.opName = opName;
        }

        /** The number of H-wide gate blocks per weight matrix (1, 4 or 3). */
        public int gates() {
            return gates;
        }
    }

    /**
     * Structure and training options. {@code dropout} is applied to the output of every layer but the last when
     * {@code train} is true, with masks drawn in order from {@code generator} (required then).
     */
    public record Options(int numLayers, boolean bias, boolean bidirectional, boolean batchFirst, float dropout,
            boolean train, Generator generator) {
        public Options {
            if (numLayers < 1) throw new IllegalArgumentException("Recurrent: numLayers must be >= 1, got " + numLayers);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("Recurrent: dropout must be in "
                    + "[0, 1), got " + dropout);
            if (train && dropout > 0 && numLayers > 1 && generator == null) throw new IllegalArgumentException(
                    "Recurrent: dropout " + dropout + " in training needs a Generator for its masks");
        }

        /** No dropout. */
        public static Options of(int numLayers, boolean bias, boolean bidirectional, boolean batchFirst) {
            return new Options(numLayers, bias, bidirectional, batchFirst, 0f, false, null);
        }

        /** These options with dropout {@code p} between layers, active when {@code train}. */
        public Options withDropout(float p, boolean train, Generator g) {
            return new Options(numLayers, bias, bidirectional, batchFirst, p, train, g);
        }

        int directions() {
            return bidirectional ? 2 : 1;
        }
    }

    /** Output of a recurrent call; {@code cN} is null except for LSTM. */
    public record Result(Tensor output, Tensor hN, Tensor cN) {}

    /** Elman RNN with tanh: {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)}. See the class doc for shapes. */
    public static Result rnnTanh(Tensor input, Tensor h0, List<Tensor> weights, Options o, Tensor lengths) {
        return run(Cell.RNN_TANH, input, h0, null, weights, o, lengths);
    }

    /** Elman RNN with relu. See the class doc for shapes. */
    public static Result rnnRelu(Tensor input, Tensor h0, List<Tensor> weights, Options o, Tensor lengths) {
        return run(Cell.RNN_RELU, input, h0, null, weights, o, lengths);
    }

    /**
     * LSTM: {@code i, f, g, o = σ, σ, tanh, σ(W_ih x + b_ih + W_hh h + b_hh)}, {@code c' = f*c + i*g},
     * {@code h' = o * tanh(c')}. h0 and c0 are both given or both null.
     */
    public static Result lstm(Tensor input, Tensor h0, Tensor c0, List<Tensor> weights, Options o, Tensor lengths) {
        return run(Cell.LSTM, input, h0, c0, weights, o, lengths);
    }

    /**
     * GRU: {@code r, z = σ(W_i x + b_i + W_h h + b_h)}, {@code n = tanh(W_in x + b_in + r * (W_hn h + b_hn))},
     * {@code h' = (1 - z) * n + z * h}.
     */
    public static Result gru(Tensor input, Tensor h0, List<Tensor> weights, Options o, Tensor lengths) {
        return run(Cell.GRU, input, h0, null, weights, o, lengths);
    }

    /** The PyTorch parameter name of flat weight {@code k} (0..3: weight_ih, weight_hh, bias_ih, bias_hh). */
    public static String weightName(int layer, int direction, int k) {
        return (k == 0 ? "weight_ih" : k == 1 ? "weight_hh" : k == 2 ? "bias_ih" : "bias_hh") + "_l" + layer
                + (direction == 1 ? "_reverse" : "");
    }

    /** Any cell; {@code c0} only for LSTM. See the class doc. */
    public static Result run(Cell cell, Tensor input, Tensor h0, Tensor c0, List<Tensor> weights, Options o,
            Tensor lengths) {
        String op = cell.opName;
        Elementwise.requireFloat(op, input);
        if (input.dim() != 2 && input.dim() != 3) throw new IllegalArgumentException(op + ": expected input of "
                + "shape [T, B, in], [B, T, in] (batchFirst) or unbatched [T, in], got " + Shape.str(input.shape()));
        boolean unbatched = input.dim() == 2;
        boolean bf = o.batchFirst() && !unbatched;
        int T = input.size(bf ? 1 : 0), B = unbatched ? 1 : input.size(bf ? 0 : 1), in0 = input.size(-1);
        int L = o.numLayers(), D = o.directions(), per = o.bias() ? 4 : 2;
        if (T == 0 || B == 0) throw new IllegalArgumentException(op + ": empty input " + Shape.str(input.shape())
                + " (need at least one time step and one sequence)");
        if (weights == null || weights.size() != L * D * per) throw new IllegalArgumentException(op + ": expected "
                + (L * D * per) + " weights (" + L + " layers x " + D + " directions x " + per + "), got "
                + (weights == null ? "null" : weights.size()));
        int G = cell.gates;
        Tensor whh0 = weights.get(1);                         // [G*H, H] gives the hidden size
        if (whh0 == null || whh0.dim() != 2) throw new IllegalArgumentException(op + ": weight_hh_l0 must be 2-D ["
                + G + "*H, H], got " + (whh0 == null ? "null" : Shape.str(whh0.shape())));
        int H = whh0.size(1);
        for (int l = 0; l < L; l++) {
            int inL = l == 0 ? in0 : D * H;
            for (int d = 0; d < D; d++) {
                int base = (l * D + d) * per;
                checkWeight(op, weights.get(base), weightName(l, d, 0), new int[] {G * H, inL}, l == 0 ? input : null);
                checkWeight(op, weights.get(base + 1), weightName(l, d, 1), new int[] {G * H, H}, null);
                if (o.bias()) {
                    checkWeight(op, weights.get(base + 2), weightName(l, d, 2), new int[] {G * H}, null);
                    checkWeight(op, weights.get(base + 3), weightName(l, d, 3), new int[] {G * H}, null);
                }
            }
        }
        int[] stateShape = unbatched ? new int[] {L * D, H} : new int[] {L * D, B, H};
        checkState(op, "h0", h0, stateShape);
        if (cell == Cell.LSTM) {
            if ((h0 == null) != (c0 == null)) throw new IllegalArgumentException(op + ": pass both h0 and c0 or "
                    + "neither (got " + (h0 == null ? "only c0" : "only h0") + ")");
            checkState(op, "c0", c0, stateShape);
        } else if (c0 != null) {
            throw new IllegalArgumentException(op + ": c0 is only for LSTM");
        }
        int[] len = lengths(op, lengths, B, T);

        Forward f = new Forward(cell, o, T, B, in0, H, len, bf);
        f.run(input, h0, c0, weights);
        int[] outShape = unbatched ? new int[] {T, D * H} : bf ? new int[] {B, T, D * H} : new int[] {T, B, D * H};
        Tensor packed = Tensor.of(f.packed);
        List<Tensor> inputs = new ArrayList<>(List.of(input));
        inputs.add(h0);
        inputs.add(c0);
        inputs.addAll(weights);
        List<Tensor> savedList = new ArrayList<>(weights);
        savedList.add(input);                                 // layer 0 may read input's storage in backward
        Tensor[] saved = savedList.toArray(Tensor[]::new);
        Tensor[] ins = inputs.toArray(Tensor[]::new);
        Autograd.record(op, packed, ins, g -> f.backward(g, input, h0, c0, weights), saved);
        int outN = T * B * D * H, stN = L * D * B * H;
        Tensor output = packed.narrow(0, 0, outN).view(outShape);
        Tensor hN = packed.narrow(0, outN, stN).view(stateShape);
        Tensor cN = cell == Cell.LSTM ? packed.narrow(0, outN + stN, stN).view(stateShape) : null;
        return new Result(output, hN, cN);
    }

    private static void checkWeight(String op, Tensor w, String name, int[] expected, Tensor input) {
        if (w == null) throw new IllegalArgumentException(op + ": " + name + " is null");
        Elementwise.requireFloat(op + " " + name, w);
        if (Shape.same(w.shape(), expected)) return;
        if (input != null && w.dim() == 2 && w.size(0) == expected[0]) throw new IllegalArgumentException(op
                + ": input has " + input.size(-1) + " features (input shape " + Shape.str(input.shape()) + ") but "
                + name + " of shape " + Shape.str(w.shape()) + " expects input_size=" + w.size(1));
        throw new IllegalArgumentException(op + ": expected " + name + " of shape " + Shape.str(expected) + ", got "
                + Shape.str(w.shape()));
    }

    private static void checkState(String op, String name, Tensor s, int[] expected) {
        if (s == null) return;
        Elementwise.requireFloat(op + " " + name, s);
        if (!Shape.same(s.shape(), expected)) throw new IllegalArgumentException(op + ": expected " + name
                + " of shape " + Shape.str(expected) + " [num_layers*num_directions, batch, hidden], got "
                + Shape.str(s.shape()));
    }

    private static int[] lengths(String op, Tensor lengths, int B, int T) {
        if (lengths == null) return null;
        if (lengths.dtype() != DType.INT64 || lengths.dim() != 1 || lengths.size(0) != B) {
            throw new IllegalArgumentException(op + ": lengths must be an int64 tensor of shape [" + B + "] (one per "
                    + "sequence), got " + lengths.dtype() + " " + Shape.str(lengths.shape()));
        }
        long[] l = lengths.toLongArray();
        int[] out = new int[B];
        for (int b = 0; b < B; b++) {
            if (l[b] < 0 || l[b] > T) throw new IllegalArgumentException(op + ": lengths[" + b + "] = " + l[b]
                    + " is outside [0, " + T + "] (the sequence has " + T + " steps)");
            out[b] = (int) l[b];
        }
        return out;
    }

    /** A read-only dense float view of {@code t}'s values (no copy when already dense). */
    static float[] dense(Tensor t) {
        if (t == null) return null;
        return t.isContiguous() && t.offset() == 0 ? t.storage().floats() : t.toFloatArray();
    }

    /** [B, T, C] <-> [T, B, C] copy ({@code toTimeMajor} picks the direction). */
    static float[] transposeBT(float[] src, int B, int T, int C, boolean toTimeMajor) {
        float[] dst = new float[B * T * C];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int bt = (b * T + t) * C, tb = (t * B + b) * C;
                if (toTimeMajor) System.arraycopy(src, bt, dst, tb, C);
                else System.arraycopy(src, tb, dst, bt, C);
            }
        }
        return dst;
    }

    /** One call's forward state: the packed result and everything backward needs. */
    private static final class Forward {
        final Cell cell;
        final Options o;
        final int T, B, in0, H, L, D;
        final int[] len;
        final boolean batchFirst;
        /** Per layer: its time-major input [T*B, in_l], its output before dropout, its dropout mask (or null). */
        final float[][] layerIn, masks;
        final RecurrentCells.Trace[][] traces;
        final RecurrentCells.Weights[][] w;
        /** output (user layout) ++ hN ++ cN, flat. */
        float[] packed;

        Forward(Cell cell, Options o, int T, int B, int in0, int H, int[] len, boolean batchFirst) {
            this.cell = cell;
            this.o = o;
            this.T = T;
            this.B = B;
            this.in0 = in0;
            this.H = H;
            this.L = o.numLayers();
            this.D = o.directions();
            this.len = len;
            this.batchFirst = batchFirst;
            layerIn = new float[L][];
            masks = new float[L][];
            traces = new RecurrentCells.Trace[L][D];
            w = new RecurrentCells.Weights[L][D];
        }

        int inputSize(int l) {
            return l == 0 ? in0 : D * H;
        }

        void run(Tensor input, Tensor h0, Tensor c0, List<Tensor> weights) {
            int per = o.bias() ? 4 : 2, outN = T * B * D * H, stN = L * D * B * H;
            packed = new float[outN + stN * (cell == Cell.LSTM ? 2 : 1)];
            float[] h0d = dense(h0), c0d = dense(c0);
            float[] x = dense(input);
            if (batchFirst) x = transposeBT(x, B, T, in0, true);
            float[] y = null;
            for (int l = 0; l < L; l++) {
                layerIn[l] = x;
                y = new float[T * B * D * H];                               // [T, B, D*H]
                for (int d = 0; d < D; d++) {
                    int base = (l * D + d) * per;
                    w[l][d] = new RecurrentCells.Weights(dense(weights.get(base)), dense(weights.get(base + 1)),
                            o.bias() ? dense(weights.get(base + 2)) : null,
                            o.bias() ? dense(weights.get(base + 3)) : null);
                }
                // The directions are independent (own columns of y, own state slots): one thread each, which
                // beats splitting the small per-step GEMMs across threads.
                int layer = l;
                float[] xl = x, yl = y;
                forDirections(layer, (lo, hi) -> {
                    for (int d = lo; d < hi; d++) {
                        int sd = (layer * D + d) * B * H;
                        traces[layer][d] = RecurrentCells.forward(cell, T, B, inputSize(layer), H, xl, w[layer][d],
                                h0d == null ? null : slice(h0d, sd, B * H), c0d == null ? null : slice(c0d, sd, B * H),
                                d == 1, len, yl, D * H, d * H, packed, outN + sd, packed, outN + stN + sd);
                    }
                });
                x = y;
                if (l < L - 1 && o.train() && o.dropout() > 0) {
                    float[] mask = new float[y.length];
                    float keep = 1f / (1f - o.dropout());
                    float[] dropped = new float[y.length];
                    for (int i = 0; i < y.length; i++) {
                        mask[i] = o.generator().nextFloat() < o.dropout() ? 0f : keep;
                        dropped[i] = y[i] * mask[i];
                    }
                    masks[l] = mask;
                    x = dropped;
                }
            }
            float[] out = batchFirst ? transposeBT(y, B, T, D * H, false) : y;
            System.arraycopy(out, 0, packed, 0, outN);
        }

        /** Runs the directions of layer {@code l} on one thread each, unless the layer is too small to pay the
         *  hand-off (tiny layers, e.g. in gradient checks, then run inline). */
        private void forDirections(int l, Parallel.RangeBody body) {
            long flops = 2L * T * B * cell.gates * H * (inputSize(l) + H);
            if (D > 1 && flops >= PARALLEL_MIN_FLOPS) Parallel.forTasks(D, body);
            else body.run(0, D);
        }

        private static float[] slice(float[] a, int off, int n) {
            return off == 0 && a.length == n ? a : java.util.Arrays.copyOfRange(a, off, off + n);
        }

        Tensor[] backward(Tensor g, Tensor input, Tensor h0, Tensor c0, List<Tensor> weights) {
            int per = o.bias() ? 4 : 2, outN = T * B * D * H, stN = L * D * B * H;
            float[] gp = dense(g.contiguous());
            float[] dy = java.util.Arrays.copyOfRange(gp, 0, outN);
            if (batchFirst) dy = transposeBT(dy, B, T, D * H, true);
            boolean lstm = cell == Cell.LSTM;
            float[] dh0 = new float[stN], dc0 = lstm ? new float[stN] : null;
            Tensor[] grads = new Tensor[3 + weights.size()];
            for (int l = L - 1; l >= 0; l--) {
                int layer = l;
                float[] dyl = dy;
                RecurrentCells.Grads[] dirGrads = new RecurrentCells.Grads[D];
                forDirections(layer, (lo, hi) -> {
                    for (int d = lo; d < hi; d++) {
                        int sd = (layer * D + d) * B * H;
                        dirGrads[d] = RecurrentCells.backward(cell, T, B, inputSize(layer), H, layerIn[layer],
                                w[layer][d], traces[layer][d], d == 1, len, dyl, D * H, d * H, gp, outN + sd, gp,
                                outN + stN + sd, dh0, sd, dc0, sd);
                    }
                });
                boolean needDx = l > 0 || input.requiresGrad();
                int inL = inputSize(l);
                float[] dx = needDx ? new float[T * B * inL] : null;               // [T*B, in_l]
                for (int d = 0; d < D; d++) {
                    int base = (l * D + d) * per;
                    RecurrentCells.Grads wg = dirGrads[d];
                    if (dx != null) Gemm.sgemm(false, false, T * B, inL, cell.gates * H, wg.dGates(), 0,
                            cell.gates * H, w[l][d].wIh(), 0, inL, dx, 0, inL, d > 0);
                    int[] wShape = weights.get(base).shape(), hShape = weights.get(base + 1).shape();
                    grads[3 + base] = Tensor.of(wg.wIh(), wShape);
                    grads[3 + base + 1] = Tensor.of(wg.wHh(), hShape);
                    if (o.bias()) {
                        grads[3 + base + 2] = Tensor.of(wg.bIh(), weights.get(base + 2).shape());
                        grads[3 + base + 3] = Tensor.of(wg.bHh(), weights.get(base + 3).shape());
                    }
                }
                if (l > 0) {
                    float[] mask = masks[l - 1];
                    if (mask != null) for (int i = 0; i < dx.length; i++) dx[i] *= mask[i];
                    dy = dx;
                } else if (dx != null) {
                    grads[0] = Tensor.of(batchFirst ? transposeBT(dx, B, T, in0, false) : dx, input.shape());
                }
            }
            if (h0 != null) grads[1] = Tensor.of(dh0, h0.shape());
            if (c0 != null) grads[2] = Tensor.of(dc0, c0.shape());
            return grads;
        }
    }
}
