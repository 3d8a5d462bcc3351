// GPT2Model: the GPT-2 trunk ("transformer." in HF checkpoints): token + learned position embeddings, a stack of
// pre-LN blocks and the final LayerNorm. Produces hidden states; GPT2LMHeadModel adds the vocabulary projection.
package dev.kindling.models.gpt;

import dev.kindling.models.generation.KVCache;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.Embedding;
import dev.kindling.nn.Init;
import dev.kindling.nn.LayerNorm;
import dev.kindling.nn.Module;
import dev.kindling.nn.ModuleList;
import dev.kindling.ops.Indexing;
import dev.kindling.ops.Norms;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** GPT-2 trunk with HF names {@code wte}, {@code wpe}, {@code h.N}, {@code ln_f}. Shape: ids {@code [B, T]} -> {@code [B, T, C]}. */
public class GPT2Model extends Module {
    private final GPT2Config cfg;
    private final Tensor wte, wpe, lnfW, lnfB;
    private final ModuleList<GPT2Block> h;
    private final Dropout drop;

    /** A randomly initialised trunk (HF init: N(0, initializer_range) embeddings); g null leaves zeros for loading. */
    public GPT2Model(GPT2Config cfg, Generator g) {
        this.cfg = cfg;
        Generator init = g != null ? g : new Generator(0);   // for dropout when g is null
        // g null: zero tables, allocated only if something touches them (a loader may map them from the file).
        wte = registerModule("wte", table(cfg.vocabSize(), cfg.nEmbd(), g)).weight();    // [V, C]
        wpe = registerModule("wpe", table(cfg.nPositions(), cfg.nEmbd(), g)).weight();   // [P, C]
        if (g != null) {
            Init.normal_(wte, 0, cfg.initializerRange(), g);
            Init.normal_(wpe, 0, cfg.initializerRange(), g);
        }
        drop = cfg.dropout() > 0 ? registerModule("drop", new Dropout(cfg.dropout(), init)) : null;
        h = registerModule("h", new ModuleList<>());
        for (int i = 0; i < cfg.nLayer(); i++) h.add(new GPT2Block(cfg, g));
        LayerNorm lnf = registerModule("ln_f", new LayerNorm(new int[] {cfg.nEmbd()}, cfg.layerNormEps(), true));
        lnfW = lnf.weight();
        lnfB = lnf.bias();
    }

    /** An embedding table: N(0, 1) from g (replaced by HF's init in the constructor), or zeros when g is null. */
    private static Embedding table(int rows, int dim, Generator g) {
        return g != null ? new Embedding(rows, dim, g) : Embedding.fromPretrained(Tensor.zeros(rows, dim), false);
    }

    public GPT2Config config() {
        return cfg;
    }

    /** Token embedding {@code [V, C]} (shared with the LM head when tied). */
    public Tensor wte() {
        return wte;
    }

    /**
     * Hidden states after ln_f. Args: ids int64 {@code [B, T]}; cache null (positions 0..T-1) or the generation cache
     * (positions continue after {@code cache.length()}, which advances by T). Shape: {@code [B, T, C]}.
     */
    public Tensor forward(Tensor ids, KVCache cache) {
        if (ids.dim() != 2) throw new IllegalArgumentException("GPT2Model: expected int64 ids [B, T], got shape "
                + Shape.str(ids.shape()));
        int t = ids.size(1), past = cache == null ? 0 : cache.length();
        if (past + t > cfg.nPositions()) throw new IllegalArgumentException("GPT2Model: " + past + " cached + " + t
                + " new positions exceed n_positions " + cfg.nPositions());
        if (cache != null && cache.layers() != cfg.nLayer()) throw new IllegalArgumentException("GPT2Model: the cache "
                + "has " + cache.layers() + " layers, the model " + cfg.nLayer() + "; create it with newCache");
        Tensor pos = Tensor.arangeLong(past, past + t);                        // [T]
        Tensor x = Indexing.embedding(wte, ids).add(Indexing.embedding(wpe, pos));   // [B, T, C]
        if (drop != null) x = drop.forward(x);
        for (int i = 0; i < h.size(); i++) x = h.get(i).forward(x, cache, i);
        if (cache != null) cache.advance(t);
        return Norms.layerNorm(x, new int[] {cfg.nEmbd()}, lnfW, lnfB, cfg.layerNormEps());
    }
}
