// Generate: content generation with a character-level GPT trained on the State of the Union corpus. Speeches
// before a cut year train, later ones validate; a Kneser-Ney character 5-gram fitted on the same split is the
// baseline to beat (bits per character). Checkpoints and resumes, then streams a sampled continuation.
package dev.kindling.app.examples;

import dev.kindling.app.DataCommand;
import dev.kindling.app.Home;
import dev.kindling.io.AtomicFiles;
import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.models.generation.SamplingConfig;
import dev.kindling.models.generation.TextGenerator;
import dev.kindling.models.gpt.GPT2Config;
import dev.kindling.models.gpt.GPT2LMHeadModel;
import dev.kindling.models.ngram.CharNGramModel;
import dev.kindling.models.tokenizers.CharTokenizer;
import dev.kindling.optim.AdamW;
import dev.kindling.optim.GradClip;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.train.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling example generate}. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {"Character GPT on the State of the Union corpus: trains (time budget), checkpoints, resumes,",
            "reports validation bits per character against a Kneser-Ney 5-gram, then streams a sample."})
public final class Generate implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.safetensors";

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with sotu.txt and index.tsv (default: data/sotu "
            + "of the checkout, else ../shared/data/sotu, else fetched with `kindling data fetch sotu`).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("runs", "generate");

    @Option(names = "--cut-year", paramLabel = "YEAR", description = "Speeches from this year on are the validation "
            + "split, earlier ones train (default: ${DEFAULT-VALUE}).")
    int cutYear = 2010;

    @Option(names = "--layers", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers = 4;

    @Option(names = "--heads", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads = 4;

    @Option(names = "--dim", description = "Model width d_model (default: ${DEFAULT-VALUE}).")
    int dim = 128;

    @Option(names = "--context", description = "Context length in characters (default: ${DEFAULT-VALUE}).")
    int context = 128;

    @Option(names = "--batch-size", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch = 32;

    @Option(names = "--lr", description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 2e-3;

    @Option(names = "--min-lr", description = "Learning rate at the end of the cosine decay (default: ${DEFAULT-VALUE}).")
    double minLr = 1e-4;

    @Option(names = "--warmup", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup = 100;

    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = 0.01;

    @Option(names = "--dropout", description = "Embedding/residual dropout (default: ${DEFAULT-VALUE}).")
    float dropout = 0f;

    @Option(names = "--recent-share", description = "Share of each batch drawn from the most recent --recent-chars of "
            + "the training split (the validation speeches are the future, so recent style weighs more; 0 = uniform) "
            + "(default: ${DEFAULT-VALUE}).")
    double recentShare = 0.5;

    @Option(names = "--recent-chars", description = "Size of that recent tail of the training split, in chars (default: "
            + "${DEFAULT-VALUE}, about the speeches since 1948).")
    int recentChars = 2_000_000;

    @Option(names = "--max-steps", description = "Most training steps (default: ${DEFAULT-VALUE}).")
    int maxSteps = 20_000;

    @Option(names = "--minutes", description = "Training time budget in minutes, summed over resumed runs; the learning "
            + "rate schedule follows whichever of steps and time runs out first (default: ${DEFAULT-VALUE}).")
    double minutes = 12;

    @Option(names = "--eval-every", description = "Steps between validation estimates and checkpoints (default: ${DEFAULT-VALUE}).")
    int evalEvery = 250;

    @Option(names = "--eval-windows", description = "Validation windows for the estimates during training (default: "
            + "${DEFAULT-VALUE}); the final score uses the whole validation split.")
    int evalWindows = 48;

    @Option(names = "--log-every", description = "Steps between training log lines (default: ${DEFAULT-VALUE}).")
    int logEvery = 50;

    @Option(names = "--resume", description = "Continue from OUT/checkpoint.safetensors (same model options).")
    boolean resume;

    @Option(names = "--ngram-order", description = "Order of the Kneser-Ney baseline (default: ${DEFAULT-VALUE}).")
    int ngramOrder = 5;

    @Option(names = "--prompt", description = "Start of the sample (default: ${DEFAULT-VALUE}).")
    String prompt = "Mr. Speaker, Mr. President, Members of Congress, my fellow Americans: ";

    @Option(names = "--sample-chars", description = "Characters to sample at the end (default: ${DEFAULT-VALUE}).")
    int sampleChars = 600;

    @Option(names = "--temperature", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    float temperature = 0.8f;

    @Option(names = "--top-k", description = "Top-k filter, 0 = off (default: ${DEFAULT-VALUE}).")
    int topK = 0;

    @Option(names = "--top-p", description = "Nucleus filter (default: ${DEFAULT-VALUE}).")
    float topP = 0.95f;

    @Option(names = "--seed", description = "Seed of initialisation, batches and sampling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    /** The corpus cut into training and validation text by year. */
    record Split(String train, String valid, int trainSpeeches, int validSpeeches, String vocab) {}

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        Path dir = locateData();
        Split split = split(dir, cutYear);
        String vocab = split.vocab();
        System.out.printf(Locale.ROOT, "SOTU corpus %s: train = %d speeches before %d (%,d chars), validation = %d "
                        + "speeches %d-2021 (%,d chars); vocabulary %d chars%n", dir, split.trainSpeeches(), cutYear,
                split.train().length(), split.validSpeeches(), cutYear, split.valid().length(), vocab.length());
        int[] train = encode(split.train(), vocab), valid = encode(split.valid(), vocab);

        // ---- baseline: Kneser-Ney character n-gram on the same split
        long t0 = System.nanoTime();
        CharNGramModel ngram = CharNGramModel.fit(train, vocab.length(), ngramOrder);
        double ngramBpc = ngram.bitsPerChar(valid);
        ngram = null;   // frees ~1 GB of counts before training
        System.out.printf(Locale.ROOT, "Kneser-Ney %d-gram: validation %.4f bits/char (fitted in %.1f s)%n", ngramOrder,
                ngramBpc, (System.nanoTime() - t0) / 1e9);

        // ---- model, optimiser, resume
        GPT2Config cfg = new GPT2Config(vocab.length(), context, dim, layers, heads, 4 * dim, "gelu_new", 1e-5f, dropout,
                true, 0.02f);
        Generator init = new Generator(seed), batches = new Generator(seed + 1);
        GPT2LMHeadModel model = new GPT2LMHeadModel(cfg, init);
        AdamW opt = new AdamW(model.parameters(), AdamW.Options.builder().lr(lr).betas(0.9, 0.99)
                .weightDecay(weightDecay).build());
        Files.createDirectories(out);
        Path ckpt = out.resolve(CHECKPOINT);
        String cfgJson = Json.write(cfg.toMap());
        int step = 0;
        double trainSeconds = 0;
        if (resume) {
            if (!Files.isRegularFile(ckpt)) throw new IllegalArgumentException("generate --resume: no checkpoint at " + ckpt
                    + "; run without --resume first (or pass the same --out)");
            Map<String, String> meta = Checkpoint.metadata(ckpt);
            if (!cfgJson.equals(meta.get("gpt_config")) || !vocab.equals(meta.get("vocab")))
                throw new IllegalArgumentException("generate --resume: " + ckpt + " was trained with another model or "
                        + "vocabulary (" + meta.get("gpt_config") + "); pass the same options or a new --out");
            step = Checkpoint.load(ckpt, model, opt, null, null, batches);
            trainSeconds = Double.parseDouble(meta.getOrDefault("train_seconds", "0"));
            System.out.printf(Locale.ROOT, "Resumed %s at step %d (%.0f s trained)%n", ckpt, step, trainSeconds);
        }
        System.out.printf(Locale.ROOT, "GPT: %d layers, %d heads, d_model %d, context %d, %,d parameters; batch %d, "
                        + "AdamW lr %.1e -> %.1e (warm-up %d, cosine), budget %d steps / %.1f min; %.0f%% of each batch "
                        + "from the last %,d training chars%n", layers, heads, dim, context, model.numParameters(), batch, lr,
                minLr, warmup, maxSteps, minutes, 100 * recentShare, Math.min(recentChars, train.length));

        // ---- training
        double budget = minutes * 60;
        long segment = System.nanoTime();
        double lossSum = 0;
        int lossCount = 0;
        long tokensSinceLog = 0, logTime = System.nanoTime();
        while (true) {
            double elapsed = trainSeconds + (System.nanoTime() - segment) / 1e9;
            double progress = Math.max((double) step / maxSteps, elapsed / budget);
            if (progress >= 1) break;
            double rate = step < warmup ? lr * (step + 1) / warmup
                    : minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
            opt.setLr(rate);
            Tensor[] xy = batch(train, batches);
            opt.zeroGrad();
            Tensor loss = model.loss(xy[0], xy[1]);
            loss.backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            step++;
            lossSum += loss.item();
            lossCount++;
            tokensSinceLog += (long) batch * context;
            if (step % logEvery == 0) {
                double dt = (System.nanoTime() - logTime) / 1e9;
                System.out.printf(Locale.ROOT, "step %5d  loss %.4f (%.3f bpc)  lr %.2e  %,.0f tokens/s  %.0f s%n", step,
                        lossSum / lossCount, lossSum / lossCount / Math.log(2), rate, tokensSinceLog / dt, elapsed);
                lossSum = 0;
                lossCount = 0;
                tokensSinceLog = 0;
                logTime = System.nanoTime();
            }
            if (step % evalEvery == 0) {
                double est = bitsPerChar(model, valid, context, evalWindows);
                double now = trainSeconds + (System.nanoTime() - segment) / 1e9;
                save(ckpt, model, opt, step, now, cfgJson, vocab, batches);
                System.out.printf(Locale.ROOT, "step %5d  validation ~%.3f bpc (%d windows)  checkpoint %s%n", step, est,
                        evalWindows, ckpt);
                logTime = System.nanoTime();
            }
        }
        trainSeconds += (System.nanoTime() - segment) / 1e9;
        save(ckpt, model, opt, step, trainSeconds, cfgJson, vocab, batches);
        saveModel(model, cfg, vocab);

        // ---- final validation on the whole held-out split
        t0 = System.nanoTime();
        double valBpc = bitsPerChar(model, valid, context, Integer.MAX_VALUE);
        System.out.printf(Locale.ROOT, "Validation (%,d chars, %d speeches %d-2021): loss %.4f nats, %.4f bits/char "
                        + "(evaluated in %.0f s); %d-gram %.4f bits/char -> %s%n", valid.length, split.validSpeeches(),
                cutYear, valBpc * Math.log(2), valBpc, (System.nanoTime() - t0) / 1e9, ngramOrder, ngramBpc,
                valBpc < ngramBpc ? "the GPT wins" : "the n-gram wins");

        // ---- a streamed sample
        CharTokenizer tok = CharTokenizer.fromText(vocab);
        var sampling = SamplingConfig.builder().temperature(temperature).topK(topK).topP(topP).maxNewTokens(sampleChars)
                .seed(seed).build();
        System.out.println("Sample (temperature " + temperature + ", top-p " + topP + ", seed " + seed + "):");
        System.out.print(prompt);
        var result = new TextGenerator(model, tok).generate(keepKnown(prompt, vocab), sampling, piece -> {
            System.out.print(piece);
            System.out.flush();
        });
        System.out.printf(Locale.ROOT, "%n[%d chars at %.0f chars/s]%n", result.ids().length, result.tokensPerSecond());
        System.out.printf(Locale.ROOT, "RESULT generate val_bpc=%.4f ngram_bpc=%.4f train_seconds=%.0f steps=%d "
                        + "val_loss=%.4f cut_year=%d total_seconds=%.0f%n", valBpc, ngramBpc, trainSeconds, step,
                valBpc * Math.log(2), cutYear, (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** data/sotu, else ../shared/data/sotu, else fetched into data/sotu. */
    private Path locateData() {
        if (data != null) return data;
        Path local = Home.resolve("data").resolve("sotu");
        if (Files.isRegularFile(local.resolve("sotu.txt"))) return local;
        Path shared = Home.resolve("..").resolve("shared").resolve("data").resolve("sotu").normalize();
        if (Files.isRegularFile(shared.resolve("sotu.txt"))) return shared;
        return DataCommand.ensureSotu(local, System.out);
    }

    /** Splits the corpus by year using index.tsv (offsets and lengths in chars). */
    static Split split(Path dir, int cutYear) throws IOException {
        String text = Files.readString(dir.resolve("sotu.txt"), StandardCharsets.UTF_8);
        List<String> rows = Files.readAllLines(dir.resolve("index.tsv"), StandardCharsets.UTF_8);
        StringBuilder train = new StringBuilder(), valid = new StringBuilder();
        int nt = 0, nv = 0;
        for (int i = 1; i < rows.size(); i++) {
            String[] f = rows.get(i).split("\t");
            if (f.length != 5) throw new IOException(dir.resolve("index.tsv") + " line " + (i + 1) + ": expected 5 "
                    + "tab-separated fields (year, president, party, offset, length), got " + f.length);
            int year = Integer.parseInt(f[0]), off = Integer.parseInt(f[3]), len = Integer.parseInt(f[4]);
            if (off < 0 || off + len > text.length()) throw new IOException(dir.resolve("index.tsv") + " line " + (i + 1)
                    + ": offset " + off + " + length " + len + " is beyond sotu.txt (" + text.length() + " chars)");
            StringBuilder to = year < cutYear ? train : valid;
            if (!to.isEmpty()) to.append("\n\n");
            to.append(text, off, off + len);
            if (year < cutYear) nt++;
            else nv++;
        }
        if (nt == 0 || nv == 0) throw new IllegalArgumentException("generate: --cut-year " + cutYear + " leaves "
                + nt + " training and " + nv + " validation speeches; pick a year between 1791 and 2021");
        TreeSet<Character> chars = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) chars.add(text.charAt(i));
        StringBuilder vocab = new StringBuilder();
        chars.forEach(vocab::append);
        return new Split(train.toString(), valid.toString(), nt, nv, vocab.toString());
    }

    static int[] encode(String s, String vocab) {
        int[] map = new int[65536];
        java.util.Arrays.fill(map, -1);
        for (int i = 0; i < vocab.length(); i++) map[vocab.charAt(i)] = i;
        int[] ids = new int[s.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = map[s.charAt(i)];
            if (ids[i] < 0) throw new IllegalArgumentException("generate: character U+" + Integer.toHexString(s.charAt(i))
                    + " at " + i + " is not in the vocabulary");
        }
        return ids;
    }

    private static String keepKnown(String s, String vocab) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) if (vocab.indexOf(c) >= 0) sb.append(c);
        return sb.isEmpty() ? "T" : sb.toString();
    }

    /** Random windows; the first {@code recentShare} of the batch start in the last {@code recentChars} chars. */
    private Tensor[] batch(int[] ids, Generator g) {
        long[] x = new long[batch * context], y = new long[batch * context];
        int recent = (int) Math.round(batch * Math.max(0, Math.min(1, recentShare)));
        int span = ids.length - context - 1, tail = Math.max(1, Math.min(span, recentChars));
        for (int b = 0; b < batch; b++) {
            int start = b < recent ? span - tail + (int) g.nextLong(tail) : (int) g.nextLong(span);
            for (int t = 0; t < context; t++) {
                x[b * context + t] = ids[start + t];
                y[b * context + t] = ids[start + t + 1];
            }
        }
        return new Tensor[] {Tensor.ofLongs(x, batch, context), Tensor.ofLongs(y, batch, context)};
    }

    /**
     * Mean -log2 P(char) over the validation stream with windows of {@code ctx} chars advanced by 3/4 ctx: each char
     * after the first window is scored once, with at least ctx/4 chars of context (the n-gram sees 4).
     * {@code maxWindows} evenly spaced windows give a quicker estimate.
     */
    static double bitsPerChar(GPT2LMHeadModel model, int[] ids, int ctx, int maxWindows) {
        List<int[]> windows = scoringWindows(ids.length, ctx, maxWindows);
        boolean wasTraining = model.isTraining();
        model.eval();
        double nats = 0;
        long count = 0;
        int bs = 32, v = model.vocabSize();
        try (var ng = Autograd.noGrad()) {
            for (int i = 0; i < windows.size(); i += bs) {
                int nb = Math.min(bs, windows.size() - i);
                long[] x = new long[nb * ctx];
                for (int b = 0; b < nb; b++)
                    for (int t = 0; t < ctx; t++) x[b * ctx + t] = ids[windows.get(i + b)[0] + t];
                float[] logits = model.forward(Tensor.ofLongs(x, nb, ctx), null).contiguous().toFloatArray();
                for (int b = 0; b < nb; b++) {
                    int st = windows.get(i + b)[0];
                    for (int t = windows.get(i + b)[1]; t < ctx; t++) {
                        int o = (b * ctx + t) * v, target = ids[st + t + 1];
                        float max = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < v; j++) max = Math.max(max, logits[o + j]);
                        double sum = 0;
                        for (int j = 0; j < v; j++) sum += Math.exp(logits[o + j] - max);
                        nats += Math.log(sum) + max - logits[o + target];
                        count++;
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return nats / count / Math.log(2);
    }

    /**
     * The evaluation windows over a stream of {@code n} ids as {start, first scored position}: window w covers inputs
     * start..start+ctx-1 and scores their next ids. With every window (maxWindows >= their count) each id from index
     * 1 on is scored exactly once; otherwise {@code maxWindows} evenly spaced windows score their last 3/4.
     */
    static List<int[]> scoringWindows(int n, int ctx, int maxWindows) {
        if (n < ctx + 1) throw new IllegalArgumentException("generate: the validation text (" + n + " chars) is shorter "
                + "than the context + 1 (" + (ctx + 1) + ")");
        int stride = Math.max(1, ctx - ctx / 4);
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; ; s += stride) {
            int st = Math.min(s, n - ctx - 1);
            starts.add(st);
            if (st + ctx + 1 >= n) break;
        }
        List<int[]> windows = new ArrayList<>();
        int total = starts.size(), take = Math.min(total, maxWindows);
        for (int i = 0; i < take; i++) {
            int w = take == total ? i : (int) ((long) i * total / take);
            int st = starts.get(w);
            // Score the targets the previous window did not (all of them), or in subset mode the last 3/4.
            int from = w == 0 ? 0 : take == total ? starts.get(w - 1) + ctx - st : ctx - stride;
            windows.add(new int[] {st, Math.max(0, Math.min(from, ctx))});
        }
        return windows;
    }

    private void save(Path ckpt, GPT2LMHeadModel model, AdamW opt, int step, double seconds, String cfgJson, String vocab,
                      Generator batches) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("step", Integer.toString(step));
        extra.put("train_seconds", String.format(Locale.ROOT, "%.1f", seconds));
        extra.put("gpt_config", cfgJson);
        extra.put("vocab", vocab);
        Checkpoint.save(ckpt, model, opt, null, step, null, extra, batches);
    }

    /** The trained model in Hugging Face layout (config.json + model.safetensors) plus its vocabulary. */
    private void saveModel(GPT2LMHeadModel model, GPT2Config cfg, String vocab) throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>(model.stateDict());
        sd.remove("lm_head.weight");   // tied: HF files leave it out
        Safetensors.save(out.resolve("model.safetensors"), sd, Map.of("format", "pt"));
        AtomicFiles.writeString(out.resolve("config.json"), Json.write(cfg.toMap()) + "\n");
        AtomicFiles.writeString(out.resolve("vocab.txt"), vocab);
    }
}
