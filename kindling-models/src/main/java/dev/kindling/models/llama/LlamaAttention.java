// LlamaAttention: grouped-query self-attention with rotary positions (HF LlamaAttention: q_proj/k_proj/v_proj/
// o_proj). Query heads are grouped under their shared key/value head by a reshape, so keys and values are never
// repeated in memory; causality is a mask over (query row, key) that accounts for cached positions.
package dev.kindling.models.llama;

import dev.kindling.models.generation.KVCache;
import dev.kindling.models.hf.HfLinear;
import dev.kindling.nn.Module;
import dev.kindling.ops.Attention;
import dev.kindling.ops.Rotary;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Self-attention of one Llama layer.
 *
 * <p>Shape: x {@code [B, T, C]}, cos/sin {@code [T, D]} for positions {@code past .. past + T - 1} ->
 * {@code [B, T, C]}.
 */
public final class LlamaAttention extends Module {
    private final int layerIndex, heads, kvHeads, headDim;
    private final HfLinear qProj, kProj, vProj, oProj;

    /** Layer {@code layerIndex} (its slot in a KV cache); g null leaves zeros for loading. */
    public LlamaAttention(LlamaConfig cfg, int layerIndex, Generator g) {
        this.layerIndex = layerIndex;
        heads = cfg.numAttentionHeads();
        kvHeads = cfg.numKeyValueHeads();
        headDim = cfg.headDim();
        int c = cfg.hiddenSize();
        boolean bias = cfg.attentionBias();
        qProj = registerModule("q_proj", new HfLinear(c, heads * headDim, bias, g, 0.02));
        kProj = registerModule("k_proj", new HfLinear(c, kvHeads * headDim, bias, g, 0.02));
        vProj = registerModule("v_proj", new HfLinear(c, kvHeads * headDim, bias, g, 0.02));
        oProj = registerModule("o_proj", new HfLinear(heads * headDim, c, bias, g, 0.02));
    }

    /** Attention output; with a cache, this step's keys/values are appended to layer {@code layerIndex}'s slot. */
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KVCache cache) {
        int b = x.size(0), t = x.size(1), groups = heads / kvHeads;
        Tensor q = Rotary.apply(qProj.forward(x).view(b, t, heads, headDim).permute(0, 2, 1, 3), cos, sin);    // [B, H, T, D]
        Tensor k = Rotary.apply(kProj.forward(x).view(b, t, kvHeads, headDim).permute(0, 2, 1, 3), cos, sin);  // [B, Hkv, T, D]
        Tensor v = vProj.forward(x).view(b, t, kvHeads, headDim).permute(0, 2, 1, 3);                         // [B, Hkv, T, D]
        int past = 0;
        if (cache != null) {
            past = cache.length();
            Tensor[] kv = cache.append(layerIndex, k, v);   // [B, Hkv, past + T, D] views
            k = kv[0];
            v = kv[1];
        }
        // Query head h uses kv head h / groups (HF repeat_kv): [B, H, T, D] -> [B, Hkv, groups * T, D].
        Tensor qg = q.reshape(b, kvHeads, groups * t, headDim);
        Tensor out;
        if (t == 1) {
            out = Attention.scaledDotProductAttention(qg, k, v, null, false, null);   // one new token sees everything
        } else if (past == 0 && groups == 1) {
            out = Attention.scaledDotProductAttention(qg, k, v, null, true, null);
        } else {
            out = Attention.scaledDotProductAttention(qg, k, v, causalMask(groups, t, past), false, null);
        }
        Tensor merged = out.reshape(b, heads, t, headDim).permute(0, 2, 1, 3).reshape(b, t, heads * headDim);  // [B, T, H*D]
        return oProj.forward(merged);                                                                         // [B, T, C]
    }

    /** Row {@code r} of the grouped queries is position {@code past + r % t}: it sees keys {@code 0 .. past + r % t}. */
    private static Tensor causalMask(int groups, int t, int past) {
        int s = past + t;
        boolean[] m = new boolean[groups * t * s];
        for (int r = 0; r < groups * t; r++) java.util.Arrays.fill(m, r * s, r * s + past + r % t + 1, true);
        return Tensor.ofBools(m, groups * t, s);   // [groups * T, S], broadcast over [B, Hkv]
    }
}
