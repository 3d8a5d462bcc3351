// GPT2Attention: causal multi-head self-attention in GPT-2's layout: one c_attn projection to [q | k | v], heads
// split as strided views (no copies; GEMM reads them in place), scaled dot-product attention, c_proj. With a
// KVCache the step's keys/values are appended and the queries attend over every cached position.
package dev.kindling.models.gpt;

import dev.kindling.models.generation.KVCache;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.Module;
import dev.kindling.ops.Attention;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** GPT-2 attention with HF names {@code c_attn} ([C, 3C]) and {@code c_proj} ([C, C]). */
public class GPT2Attention extends Module {
    private final int nHead, headDim, nEmbd;
    private final Conv1D cAttn, cProj;
    private final Dropout residDropout;

    public GPT2Attention(GPT2Config cfg, Generator g) {
        nHead = cfg.nHead();
        headDim = cfg.headDim();
        nEmbd = cfg.nEmbd();
        double projStd = cfg.initializerRange() / Math.sqrt(2.0 * cfg.nLayer());
        cAttn = registerModule("c_attn", new Conv1D(nEmbd, 3 * nEmbd, cfg.initializerRange(), g));
        cProj = registerModule("c_proj", new Conv1D(nEmbd, nEmbd, projStd, g));
        residDropout = cfg.dropout() > 0 ? registerModule("resid_dropout", new Dropout(cfg.dropout(), g)) : null;
    }

    /**
     * Self-attention of x over itself (cache null: causal over positions 0..T-1) or over the cached positions
     * followed by x's (cache given: this layer's k/v are appended; the caller advances the cache).
     *
     * <p>Shape: x {@code [B, T, C]} -> {@code [B, T, C]}.
     */
    public Tensor forward(Tensor x, KVCache cache, int layer) {
        int b = x.size(0), t = x.size(1);
        Tensor qkv = cAttn.forward(x)                                       // [B, T, 3C]
                .view(b, t, 3, nHead, headDim).permute(2, 0, 3, 1, 4);    // [3, B, H, T, D] (strided view)
        Tensor q = qkv.select(0, 0), k = qkv.select(0, 1), v = qkv.select(0, 2);
        Tensor mask = null;
        boolean causal = t > 1;
        if (cache != null) {
            int past = cache.length();
            Tensor[] kv = cache.append(layer, k, v);                        // [B, H, past + T, D]
            k = kv[0];
            v = kv[1];
            if (past > 0 && t > 1) {                                        // query i sees keys j <= past + i
                boolean[] m = new boolean[t * (past + t)];
                for (int i = 0; i < t; i++) java.util.Arrays.fill(m, i * (past + t), i * (past + t) + past + i + 1, true);
                mask = Tensor.ofBools(m, t, past + t);
                causal = false;
            }
        }
        Tensor y = Attention.scaledDotProductAttention(q, k, v, mask, causal, null);   // [B, H, T, D]
        y = y.transpose(1, 2).reshape(b, t, nEmbd);                                 // [B, T, C]
        y = cProj.forward(y);
        return residDropout != null ? residDropout.forward(y) : y;
    }
}
