// RecurrentCells: the fused kernels behind Recurrent: one layer-direction of an RNN (tanh/relu), LSTM or GRU,
// forward over all time steps and its backward-through-time. Plain float[] loops for the gate math, Gemm for
// every matrix product (input projections of all steps at once, one h @ W_hh^T per step, weight grads at the end).
package dev.kindling.ops;

import dev.kindling.kernels.Elementwise1D;
import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.UnaryOp;

/**
 * Kernels for one layer and one direction. All sequence buffers are time-major: row {@code r = t * B + b}.
 * Gate layouts are PyTorch's: LSTM {@code [i, f, g, o]}, GRU {@code [r, z, n]}, each block {@code H} wide.
 */
final class RecurrentCells {
    private RecurrentCells() {}

    /** The weights of one layer-direction as flat row-major arrays; biases may be null. */
    record Weights(float[] wIh, float[] wHh, float[] bIh, float[] bHh) {}

    /** What the forward of one layer-direction keeps for its backward. */
    static final class Trace {
        /** [T*B, G]: activated gates per step (RNN: the new hidden state); rows of padded steps are unused. */
        float[] gates;
        /** [T*B, H]: the hidden state entering the step at time t. */
        float[] hIn;
        /** LSTM: [T*B, H] the cell state entering step t, and tanh of the new cell state. */
        float[] cIn, tanhC;
        /** GRU: [T*B, H] W_hn h + b_hn (the recurrent part of the candidate, before the reset gate). */
        float[] hn;
    }

    /**
     * Runs one direction over the sequence.
     *
     * @param x      [T*B, in] time-major layer input
     * @param h0     [B*H] initial hidden state (null: zeros); c0 likewise for LSTM
     * @param len    valid length per sequence (null: all T); steps t >= len[b] leave the state alone, output 0
     * @param y      [T*B, yCols] layer output; this direction writes columns {@code yCol .. yCol+H-1}
     * @param hN     receives the final hidden state [B*H] at {@code hNOff}; cN likewise (LSTM)
     */
    static Trace forward(Recurrent.Cell cell, int T, int B, int in, int H, float[] x, Weights w, float[] h0,
            float[] c0, boolean reverse, int[] len, float[] y, int yCols, int yCol, float[] hN, int hNOff,
            float[] cN, int cNOff) {
        int G = cell.gates * H;
        Trace tr = new Trace();
        float[] xp = new float[T * B * G];                                  // [T*B, G] x @ W_ih^T (+ biases)
        Gemm.sgemm(false, true, T * B, G, in, x, 0, in, w.wIh(), 0, in, xp, 0, G, false);
        boolean foldHh = cell != Recurrent.Cell.GRU;                        // GRU keeps b_hn inside r * (...)
        addBias(xp, T * B, G, w.bIh());
        if (foldHh) addBias(xp, T * B, G, w.bHh());
        tr.gates = xp;                                                       // overwritten step by step
        tr.hIn = new float[T * B * H];
        float[] h = new float[B * H], c = null;                             // [B, H] running state
        if (h0 != null) System.arraycopy(h0, 0, h, 0, B * H);
        if (cell == Recurrent.Cell.LSTM) {
            c = new float[B * H];
            if (c0 != null) System.arraycopy(c0, 0, c, 0, B * H);
            tr.cIn = new float[T * B * H];
            tr.tanhC = new float[T * B * H];
        }
        if (cell == Recurrent.Cell.GRU) tr.hn = new float[T * B * H];
        // W_hh^T [H, G] once: the per-step product then reads B in place instead of packing it every step.
        float[] whhT = transpose(w.wHh(), G, H);
        // RNN/LSTM add h @ W_hh^T straight into the step's rows of xp; GRU needs it apart (r * (W_hn h + b_hn)).
        float[] hp = foldHh ? null : new float[B * G];                       // [B, G] h @ W_hh^T (GRU)
        for (int s = 0; s < T; s++) {
            int t = reverse ? T - 1 - s : s;
            System.arraycopy(h, 0, tr.hIn, t * B * H, B * H);
            if (c != null) System.arraycopy(c, 0, tr.cIn, t * B * H, B * H);
            if (foldHh) {
                Gemm.sgemm(false, false, B, G, H, h, 0, H, whhT, 0, G, xp, t * B * G, G, true);
            } else {
                Gemm.sgemm(false, false, B, G, H, h, 0, H, whhT, 0, G, hp, 0, G, false);
                addBias(hp, B, G, w.bHh());
            }
            for (int b = 0; b < B; b++) {
                if (len != null && t >= len[b]) continue;                    // padding: state kept, output 0
                int r = t * B + b, gx = r * G, hs = b * H, out = r * yCols + yCol;
                // Activations in place over each gate block with the vectorised kernels (the hot part of a step
                // after its GEMM); xp then holds the activated gates the backward reads.
                switch (cell) {
                    case RNN_TANH, RNN_RELU -> {
                        Elementwise1D.unary(cell == Recurrent.Cell.RNN_RELU ? UnaryOp.RELU : UnaryOp.TANH, xp, gx, xp,
                                gx, H, 0f);                                  // W_hh h already added
                        System.arraycopy(xp, gx, h, hs, H);
                        System.arraycopy(xp, gx, y, out, H);
                    }
                    case LSTM -> {
                        Elementwise1D.unary(UnaryOp.SIGMOID, xp, gx, xp, gx, 2 * H, 0f);              // i, f
                        Elementwise1D.unary(UnaryOp.TANH, xp, gx + 2 * H, xp, gx + 2 * H, H, 0f);     // g
                        Elementwise1D.unary(UnaryOp.SIGMOID, xp, gx + 3 * H, xp, gx + 3 * H, H, 0f);  // o
                        int tc = r * H;
                        for (int j = 0; j < H; j++) {
                            float cNew = xp[gx + H + j] * c[hs + j] + xp[gx + j] * xp[gx + 2 * H + j];
                            c[hs + j] = cNew;
                            tr.tanhC[tc + j] = cNew;
                        }
                        Elementwise1D.unary(UnaryOp.TANH, tr.tanhC, tc, tr.tanhC, tc, H, 0f);
                        for (int j = 0; j < H; j++) {
                            float hv = xp[gx + 3 * H + j] * tr.tanhC[tc + j];
                            h[hs + j] = hv;
                            y[out + j] = hv;
                        }
                    }
                    case GRU -> {
                        int gh = b * G;
                        for (int j = 0; j < 2 * H; j++) xp[gx + j] += hp[gh + j];
                        Elementwise1D.unary(UnaryOp.SIGMOID, xp, gx, xp, gx, 2 * H, 0f);              // r, z
                        for (int j = 0; j < H; j++) {
                            float hnv = hp[gh + 2 * H + j];
                            tr.hn[r * H + j] = hnv;
                            xp[gx + 2 * H + j] += xp[gx + j] * hnv;                  // W_in x + b_in + r * hn
                        }
                        Elementwise1D.unary(UnaryOp.TANH, xp, gx + 2 * H, xp, gx + 2 * H, H, 0f);     // n
                        for (int j = 0; j < H; j++) {
                            float zg = xp[gx + H + j];
                            float hv = (1f - zg) * xp[gx + 2 * H + j] + zg * h[hs + j];
                            h[hs + j] = hv;
                            y[out + j] = hv;
                        }
                    }
                }
            }
        }
        System.arraycopy(h, 0, hN, hNOff, B * H);
        if (c != null) System.arraycopy(c, 0, cN, cNOff, B * H);
        return tr;
    }

    /**
     * Gradients of one layer-direction's weights (biases null when the layer has none) and {@code dGates} [T*B, G],
     * the gradient of the input projection, from which the caller forms the layer-input gradient dGates @ W_ih.
     */
    record Grads(float[] wIh, float[] wHh, float[] bIh, float[] bHh, float[] dGates) {}

    /**
     * Backward through time for one direction.
     *
     * @param dy   [T*B, yCols] gradient of the layer output (this direction's columns are read)
     * @param dhN  [B*H] gradient of the final hidden state at {@code dhNOff}; dcN likewise (LSTM)
     * @param dh0  receives the gradient of the initial hidden state [B*H] at {@code dh0Off}; dc0 likewise
     */
    static Grads backward(Recurrent.Cell cell, int T, int B, int in, int H, float[] x, Weights w, Trace tr,
            boolean reverse, int[] len, float[] dy, int yCols, int yCol, float[] dhN, int dhNOff, float[] dcN,
            int dcNOff, float[] dh0, int dh0Off, float[] dc0, int dc0Off) {
        int G = cell.gates * H;
        boolean gru = cell == Recurrent.Cell.GRU, lstm = cell == Recurrent.Cell.LSTM;
        float[] dGx = new float[T * B * G];                                  // [T*B, G] d pre-activation (input side)
        float[] dGh = gru ? new float[T * B * G] : dGx;                      // recurrent side differs only for GRU
        float[] dh = new float[B * H], dc = lstm ? new float[B * H] : null;  // [B, H] running gradients
        System.arraycopy(dhN, dhNOff, dh, 0, B * H);
        if (lstm) System.arraycopy(dcN, dcNOff, dc, 0, B * H);
        float[] dhPrev = new float[B * H];
        float[] gt = tr.gates;
        for (int s = T - 1; s >= 0; s--) {
            int t = reverse ? T - 1 - s : s;
            boolean any = false;
            for (int b = 0; b < B; b++) {
                if (len != null && t >= len[b]) continue;                    // padding: gradients pass through
                any = true;
                int r = t * B + b, gx = r * G, hs = b * H, out = r * yCols + yCol;
                for (int j = 0; j < H; j++) dh[hs + j] += dy[out + j];
                switch (cell) {
                    case RNN_TANH, RNN_RELU -> {
                        boolean relu = cell == Recurrent.Cell.RNN_RELU;
                        for (int j = 0; j < H; j++) {
                            float v = gt[gx + j];
                            dGx[gx + j] = dh[hs + j] * (relu ? (v > 0f ? 1f : 0f) : 1f - v * v);
                            dh[hs + j] = 0f;
                        }
                    }
                    case LSTM -> {
                        for (int j = 0; j < H; j++) {
                            float ig = gt[gx + j], fg = gt[gx + H + j], gg = gt[gx + 2 * H + j], og = gt[gx + 3 * H + j];
                            float tc = tr.tanhC[r * H + j], dhv = dh[hs + j];
                            float dct = dc[hs + j] + dhv * og * (1f - tc * tc);
                            dGx[gx + j] = dct * gg * ig * (1f - ig);
                            dGx[gx + H + j] = dct * tr.cIn[r * H + j] * fg * (1f - fg);
                            dGx[gx + 2 * H + j] = dct * ig * (1f - gg * gg);
                            dGx[gx + 3 * H + j] = dhv * tc * og * (1f - og);
                            dc[hs + j] = dct * fg;
                            dh[hs + j] = 0f;
                        }
                    }
                    case GRU -> {
                        int gh = b * G;
                        for (int j = 0; j < H; j++) {
                            float rg = gt[gx + j], zg = gt[gx + H + j], ng = gt[gx + 2 * H + j];
                            float dhv = dh[hs + j], hPrev = tr.hIn[r * H + j];
                            float dnPre = dhv * (1f - zg) * (1f - ng * ng);
                            float drPre = dnPre * tr.hn[r * H + j] * rg * (1f - rg);
                            float dzPre = dhv * (hPrev - ng) * zg * (1f - zg);
                            dGx[gx + j] = drPre;
                            dGx[gx + H + j] = dzPre;
                            dGx[gx + 2 * H + j] = dnPre;
                            dGh[gx + j] = drPre;
                            dGh[gx + H + j] = dzPre;
                            dGh[gx + 2 * H + j] = dnPre * rg;
                            dh[hs + j] = dhv * zg;                           // the direct path z * h_prev
                        }
                    }
                }
            }
            if (!any) continue;
            // dh_prev += dGh_t @ W_hh; padded rows of dGh_t are zero, so their dh passes through unchanged.
            Gemm.sgemm(false, false, B, H, G, dGh, t * B * G, G, w.wHh(), 0, H, dhPrev, 0, H, false);
            for (int i = 0; i < B * H; i++) dh[i] += dhPrev[i];
        }
        if (dh0 != null) System.arraycopy(dh, 0, dh0, dh0Off, B * H);
        if (dc0 != null && lstm) System.arraycopy(dc, 0, dc0, dc0Off, B * H);
        int rows = T * B;
        float[] dWih = new float[G * in], dWhh = new float[G * H];
        Gemm.sgemm(true, false, G, in, rows, dGx, 0, G, x, 0, in, dWih, 0, in, false);         // dGx^T @ x
        Gemm.sgemm(true, false, G, H, rows, dGh, 0, G, tr.hIn, 0, H, dWhh, 0, H, false);     // dGh^T @ h_in
        float[] dbIh = w.bIh() == null ? null : columnSums(dGx, rows, G);
        float[] dbHh = w.bHh() == null ? null : gru ? columnSums(dGh, rows, G)
                : dbIh != null ? dbIh.clone() : columnSums(dGx, rows, G);
        return new Grads(dWih, dWhh, dbIh, dbHh, dGx);
    }

    private static void addBias(float[] m, int rows, int cols, float[] bias) {
        if (bias == null) return;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) m[o + j] += bias[j];
        }
    }

    /** [rows, cols] -> [cols, rows]. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }

    private static float[] columnSums(float[] m, int rows, int cols) {
        float[] s = new float[cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) s[j] += m[o + j];
        }
        return s;
    }
}
