// HfModels: one call from a Hugging Face model folder to a ready Kindling model. Reads config.json, builds the
// architecture named by model_type (gpt2, llama, bert) with unfilled parameters, then fills them from the
// memory-mapped safetensors (single or sharded; large F32 weights stay mapped) and switches the model to eval mode.
package dev.kindling.models.hf;

import dev.kindling.models.bert.BertConfig;
import dev.kindling.models.bert.BertModel;
import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.gpt.GPT2Config;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.models.llama.LlamaConfig;
import dev.kindling.models.llama.LlamaForCausalLM;
import dev.kindling.nn.Module;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loaders for Hugging Face checkpoints.
 *
 * <p>Example:
 * <pre>{@code
 * CausalLM lm = HfModels.loadCausalLM(Path.of("models/TinyLlama"));   // GPT2LMHeadModel or LlamaForCausalLM
 * BertModel bert = HfModels.loadBert(Path.of("models/bert-base-uncased"));
 * CausalLM tunable = HfModels.loadCausalLM(dir, HfCheckpoint.LoadOptions.heap());   // every weight on the heap
 * }</pre>
 *
 * <p>By default large F32 weights are read in place from the memory-mapped files (see {@link HfCheckpoint}), so a
 * checkpoint bigger than the heap loads and generates.
 */
public final class HfModels {
    private HfModels() {}

    /**
     * A decoder-only language model: model_type "gpt2" gives {@link GPT2LMHeadModel}, "llama" gives
     * {@link LlamaForCausalLM}. The returned model is a {@link Module} in eval mode.
     *
     * @throws IOException when the folder or its files cannot be read
     * @throws IllegalArgumentException for an unsupported model_type, or naming every missing or mis-shaped tensor
     */
    public static CausalLM loadCausalLM(Path dir) throws IOException {
        return loadCausalLM(dir, HfCheckpoint.LoadOptions.mapped());
    }

    /** {@link #loadCausalLM(Path)} with explicit weight placement (mapped or heap). */
    public static CausalLM loadCausalLM(Path dir, HfCheckpoint.LoadOptions options) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            HfConfig cfg = ckpt.config();
            CausalLM model = switch (cfg.modelType()) {
                case "gpt2" -> gpt2(cfg);
                case "llama" -> new LlamaForCausalLM(LlamaConfig.from(cfg), null);
                case "bert" -> throw cfg.error("model_type 'bert' is an encoder, not a causal language model: use "
                        + "HfModels.loadBert");
                default -> throw cfg.error("model_type '" + cfg.modelType() + "' is not supported by loadCausalLM "
                        + "(supported: gpt2, llama)");
            };
            ckpt.loadInto((Module) model, options);
            ((Module) model).eval();
            return model;
        }
    }

    /** A Llama checkpoint (model_type "llama"). */
    public static LlamaForCausalLM loadLlama(Path dir) throws IOException {
        return loadLlama(dir, HfCheckpoint.LoadOptions.mapped());
    }

    /** {@link #loadLlama(Path)} with explicit weight placement (mapped or heap). */
    public static LlamaForCausalLM loadLlama(Path dir, HfCheckpoint.LoadOptions options) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            var model = new LlamaForCausalLM(LlamaConfig.from(ckpt.config()), null);
            ckpt.loadInto(model, options);
            model.eval();
            return model;
        }
    }

    /**
     * A BERT encoder (model_type "bert"). The pooler is built when the checkpoint has {@code pooler.dense.weight}
     * (sentence-embedding exports often drop it); task-head checkpoints ({@code bert.} prefix) load their encoder.
     */
    public static BertModel loadBert(Path dir) throws IOException {
        return loadBert(dir, HfCheckpoint.LoadOptions.mapped());
    }

    /** {@link #loadBert(Path)} with explicit weight placement (mapped or heap). */
    public static BertModel loadBert(Path dir, HfCheckpoint.LoadOptions options) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            BertConfig cfg = BertConfig.from(ckpt.config());
            boolean pooler = ckpt.tensorNames().contains("pooler.dense.weight")
                    || ckpt.tensorNames().contains("bert.pooler.dense.weight");
            BertModel model = new BertModel(cfg.withPoolingLayer(pooler), null);
            ckpt.loadInto(model, options);
            model.eval();
            return model;
        }
    }

    private static GPT2LMHeadModel gpt2(HfConfig cfg) {
        try {
            return new GPT2LMHeadModel(GPT2Config.fromMap(cfg.map()), null);
        } catch (IllegalArgumentException e) {
            throw cfg.error(e.getMessage());
        }
    }
}
