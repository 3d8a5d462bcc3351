// GenerateCommand: `kindling generate --model DIR --prompt TEXT`, text generation with any Hugging Face causal LM
// folder (GPT-2 or Llama: config.json + safetensors + tokenizer.json). Tokens stream to the console as they are
// produced; --ids feeds token ids directly (for checkpoints without a tokenizer, e.g. the golden tiny models).
package dev.kindling.app;

import dev.kindling.models.generation.CausalLM;
import dev.kindling.models.generation.SamplingConfig;
import dev.kindling.models.generation.TextGenerator;
import dev.kindling.models.hf.HfConfig;
import dev.kindling.models.hf.HfModels;
import dev.kindling.models.tokenizers.HfTokenizer;
import dev.kindling.models.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling generate --model DIR (--prompt TEXT | --ids 1,2,3) [sampling options]}. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate text with a Hugging Face checkpoint folder (GPT-2 or Llama: config.json, model.safetensors or a",
            "sharded model.safetensors.index.json, and tokenizer.json). Output streams as it is produced, then a",
            "RESULT line. Greedy unless --temperature, --top-k or --top-p is given. Stops at the model's EOS token.",
            "Example: ./kindling generate --model models/TinyLlama --prompt \"Once upon a time\" --max-new-tokens 40"
        })
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder.")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (needs DIR/tokenizer.json).")
    String prompt;

    @Option(names = "--ids", paramLabel = "IDS", split = ",", description = "Prompt as token ids, e.g. 1,2,3 "
            + "(instead of --prompt; generated ids are printed, and decoded too when a tokenizer.json is present).")
    List<Integer> ids;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens to generate (default: "
            + "${DEFAULT-VALUE}).")
    int maxNewTokens = 50;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (> 0; 0 means greedy).")
    Float temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most likely tokens (0 = off).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling: the smallest set reaching "
            + "probability P (1 = off).")
    Float topP;

    @Option(names = "--repetition-penalty", paramLabel = "R", description = "Penalty >= 1 for tokens already in the "
            + "context (default: ${DEFAULT-VALUE}, off).")
    float repetitionPenalty = 1f;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop sequence (repeatable; needs a tokenizer).")
    List<String> stop = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", description = "Seed for sampling (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--ignore-eos", description = "Keep generating past the EOS token.")
    boolean ignoreEos;

    @Option(names = "--repeat", paramLabel = "N", description = "Generate N times (only the first is printed) and "
            + "report the median tokens/s of runs 2..N, after JIT warm-up (default: ${DEFAULT-VALUE}).")
    int repeat = 1;

    /** What a run produced. */
    public record Outcome(String modelType, int[] promptIds, TextGenerator.Result result, double loadSeconds) {}

    @Override
    public Integer call() {
        if ((prompt == null) == (ids == null || ids.isEmpty())) {
            System.err.println("kindling generate: give exactly one of --prompt TEXT or --ids 1,2,3");
            return CommandLine.ExitCode.USAGE;
        }
        if (repeat < 1) {
            System.err.println("kindling generate: --repeat must be >= 1, got " + repeat);
            return CommandLine.ExitCode.USAGE;
        }
        if (maxNewTokens < 0) {
            System.err.println("kindling generate: --max-new-tokens must be >= 0, got " + maxNewTokens);
            return CommandLine.ExitCode.USAGE;
        }
        try {
            run(System.out);
            return CommandLine.ExitCode.OK;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("kindling generate: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** Loads the model (and tokenizer), streams the continuation to {@code out} and prints the RESULT line. */
    public Outcome run(PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        HfConfig config = HfConfig.read(model);
        Path tokenizerFile = model.resolve("tokenizer.json");
        Tokenizer tokenizer = Files.isRegularFile(tokenizerFile) ? HfTokenizer.fromFile(tokenizerFile) : null;
        if (prompt != null && tokenizer == null) throw new IOException(model + " has no tokenizer.json: pass the "
                + "prompt as token ids with --ids 1,2,3");
        CausalLM lm = HfModels.loadCausalLM(model);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        SamplingConfig cfg = sampling(config);
        out.printf(Locale.ROOT, "Loaded %s (%s) from %s in %.2f s%n", lm.getClass().getSimpleName(),
                config.modelType(), model, loadSeconds);
        TextGenerator gen = new TextGenerator(lm, tokenizer);
        TextGenerator.Result r;
        int[] promptIds;
        if (prompt != null) {
            out.print(prompt);
            r = gen.generate(prompt, cfg, piece -> {
                out.print(piece);
                out.flush();
            });
            promptIds = r.promptIds();
            out.println();
        } else {
            promptIds = ids.stream().mapToInt(Integer::intValue).toArray();
            out.print("ids:");
            for (int id : promptIds) out.print(" " + id);
            out.print(" |");
            r = gen.generateIds(promptIds, cfg, id -> {
                out.print(" " + id);
                out.flush();
            });
            out.println();
            if (tokenizer != null) out.println("text: " + r.text());
        }
        double tokensPerSecond = r.tokensPerSecond();
        if (repeat > 1) {
            double[] warm = new double[repeat - 1];
            for (int i = 0; i < warm.length; i++) warm[i] = gen.generateIds(promptIds, cfg, null).tokensPerSecond();
            java.util.Arrays.sort(warm);
            tokensPerSecond = warm[warm.length / 2];
        }
        out.printf(Locale.ROOT, "RESULT hf-generate model=%s prompt_tokens=%d new_tokens=%d tokens_per_s=%.1f "
                        + "runs=%d load_s=%.2f stop=%s%n", config.modelType(), promptIds.length, r.ids().length,
                tokensPerSecond, repeat, loadSeconds, r.stopReason().name().toLowerCase(Locale.ROOT));
        return new Outcome(config.modelType(), promptIds, r, loadSeconds);
    }

    /** Greedy unless a sampling option is given; EOS ids from config.json / generation_config.json stop. */
    private SamplingConfig sampling(HfConfig config) throws IOException {
        boolean sample = (temperature != null && temperature > 0) || topK != null || topP != null;
        SamplingConfig.Builder b = SamplingConfig.builder().greedy(!sample).maxNewTokens(maxNewTokens)
                .repetitionPenalty(repetitionPenalty).stopSequences(stop).seed(seed);
        if (temperature != null && temperature > 0) b.temperature(temperature);
        if (topK != null) b.topK(topK);
        if (topP != null) b.topP(topP);
        if (!ignoreEos) b.stopTokenIds(eosIds(config));
        return b.build();
    }

    private Set<Integer> eosIds(HfConfig config) throws IOException {
        Set<Integer> eos = new LinkedHashSet<>();
        addIds(config.map().get("eos_token_id"), eos);
        Path gen = model.resolve("generation_config.json");
        if (Files.isRegularFile(gen)) addIds(HfConfig.read(gen).map().get("eos_token_id"), eos);
        return eos;
    }

    private static void addIds(Object v, Set<Integer> into) {
        if (v instanceof Long l) into.add((int) (long) l);
        if (v instanceof List<?> list) for (Object o : list) addIds(o, into);
    }
}
