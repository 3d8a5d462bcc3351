// TinyGpt: the "tiny GPT" of the peer benchmarks built from Kindling's core layers, exactly as the peers define it:
// learned positions, pre-LayerNorm blocks, causal attention (fused SDPA on the packed qkv), 4x GELU MLP, no dropout, an untied head
// with bias. 818,241 parameters at vocab 65, context 64, width 128, 4 layers.
package dev.kindling.bench.peers;

import dev.kindling.nn.Embedding;
import dev.kindling.nn.LayerNorm;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.ops.Activations;
import dev.kindling.ops.FlashAttention;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Decoder-only transformer for the peer benchmark (names follow GPT-2: wte, wpe, h.N.ln_1, attn.c_attn, ...).
 *
 * <p>Shape: ids int64 {@code [B, T]} -> logits {@code [B, T, vocab]}.
 */
public final class TinyGpt extends Module {
    private final Embedding wte, wpe;
    private final Block[] blocks;
    private final LayerNorm lnF;
    private final Linear head;
    private final Tensor positions;

    public TinyGpt(int vocab, int ctx, int dim, int layers, int heads, Generator g) {
        wte = registerModule("wte", new Embedding(vocab, dim, g));
        wpe = registerModule("wpe", new Embedding(ctx, dim, g));
        blocks = new Block[layers];
        Group h = registerModule("h", new Group());
        for (int i = 0; i < layers; i++) blocks[i] = h.add(Integer.toString(i), new Block(dim, heads, g));
        lnF = registerModule("ln_f", new LayerNorm(dim));
        head = registerModule("lm_head", new Linear(dim, vocab, g));
        long[] pos = new long[ctx];
        for (int i = 0; i < ctx; i++) pos[i] = i;
        positions = Tensor.ofLongs(pos, 1, ctx);
    }

    @Override
    public Tensor forward(Tensor ids) {
        int t = ids.size(1);
        Tensor x = wte.forward(ids).add(wpe.forward(positions.narrow(1, 0, t)));   // [B, T, C]
        for (Block b : blocks) x = b.forward(x);
        return head.forward(lnF.forward(x));                                       // [B, T, V]
    }

    /** Pre-LN block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
    static final class Block extends Module {
        private final LayerNorm ln1, ln2;
        private final Linear cAttn, attnProj, fc, mlpProj;
        private final int heads;

        Block(int dim, int heads, Generator g) {
            this.heads = heads;
            ln1 = registerModule("ln_1", new LayerNorm(dim));
            Group attn = registerModule("attn", new Group());
            cAttn = attn.add("c_attn", new Linear(dim, 3 * dim, g));
            attnProj = attn.add("c_proj", new Linear(dim, dim, g));
            ln2 = registerModule("ln_2", new LayerNorm(dim));
            Group mlp = registerModule("mlp", new Group());
            fc = mlp.add("c_fc", new Linear(dim, 4 * dim, g));
            mlpProj = mlp.add("c_proj", new Linear(4 * dim, dim, g));
        }

        @Override
        public Tensor forward(Tensor x) {
            // Causal SDPA over heads read in place from [q | k | v]; heads come back merged (no permute or copy).
            Tensor y = FlashAttention.packedSelfAttention(cAttn.forward(ln1.forward(x)), heads, true);  // [B, T, C]
            x = x.add(attnProj.forward(y));
            return x.add(mlpProj.forward(Activations.gelu(fc.forward(ln2.forward(x)))));            // [B, T, C]
        }
    }

    /** A named container for submodules (gives the dotted GPT-2 state-dict names, e.g. h.0.attn.c_attn.weight). */
    static final class Group extends Module {
        <M extends Module> M add(String name, M m) {
            return registerModule(name, m);
        }
    }
}
