// Minilm: the pretrained sentence encoder all-MiniLM-L6-v2, fetched from Maven Central as an ONNX file, read by
// Kindling's own ONNX reader into Kindling's BERT. Embeds the three reference sentences one by one and as a padded
// batch, compares with ONNX Runtime's embeddings (minilm_reference.json), and measures the int8 variant's drift.
package dev.kindling.app.examples;

import dev.kindling.app.MinilmPackage;
import dev.kindling.io.Json;
import dev.kindling.models.embeddings.SemanticIndex;
import dev.kindling.models.embeddings.SentenceEncoder;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling example minilm}. */
@Command(
        name = "minilm",
        mixinStandardHelpOptions = true,
        description = "Pretrained MiniLM (ONNX from Maven Central) in Kindling's BERT vs ONNX Runtime's embeddings.")
public final class Minilm implements Callable<Integer> {
    /** The bound on |Kindling - ONNX Runtime| per embedding component. */
    static final double TOLERANCE = 1e-4;
    static final String REFERENCE = "/dev/kindling/app/examples/minilm_reference.json";

    @Option(names = "--dir", paramLabel = "DIR", description = "MiniLM files (default: data/minilm; fetched when missing).")
    Path dir;

    @Option(names = "--no-quantized", description = "Skip the int8 model comparison.")
    boolean noQuantized;

    @Override
    public Integer call() throws IOException {
        Result r = run(System.out, dir != null ? dir : MinilmPackage.defaultDir(), !noQuantized);
        return r.maxAbsDiff() <= TOLERANCE && r.batchMaxAbsDiff() <= TOLERANCE ? 0 : 1;
    }

    /** Max |diff| vs ONNX Runtime (single, padded batch); the int8 model's max / mean |diff| and min cosine. */
    public record Result(double maxAbsDiff, double batchMaxAbsDiff, double quantizedMaxAbsDiff,
            double quantizedMeanAbsDiff, double quantizedMinCosine) {}

    /** A reference sentence: text, token ids and ONNX Runtime's embedding. */
    record Reference(String text, long[] ids, float[] embedding) {}

    public static Result run(PrintStream out, Path dir, boolean quantized) throws IOException {
        Path onnx = MinilmPackage.ensure(dir, MinilmPackage.Variant.FLOAT, out);
        List<Reference> refs = references();
        Map<String, Object> meta = Json.parseObject(referenceJson());
        long t0 = System.nanoTime();
        SentenceEncoder enc = SentenceEncoder.fromOnnx(onnx, MinilmPackage.tokenizerFile(dir));
        var cfg = enc.model().config();
        out.printf(Locale.ROOT, "Loaded %s (%,d bytes) with Kindling's ONNX reader in %.2f s: BERT %d layers, hidden %d, "
                + "%d heads, FFN %d, vocab %,d, %,d parameters; max %d tokens%n", onnx.getFileName(),
                java.nio.file.Files.size(onnx), (System.nanoTime() - t0) / 1e9, cfg.numHiddenLayers(), cfg.hiddenSize(),
                cfg.numAttentionHeads(), cfg.intermediateSize(), cfg.vocabSize(), enc.model().numParameters(),
                enc.maxLength());
        out.println("Reference: " + meta.get("runtime") + "; pooling: " + meta.get("pooling"));

        double maxDiff = 0;
        List<String> texts = new ArrayList<>();
        float[][] single = new float[refs.size()][];
        for (int i = 0; i < refs.size(); i++) {
            Reference ref = refs.get(i);
            texts.add(ref.text());
            long[] ids = enc.tokenize(List.of(ref.text())).inputIds().toLongArray();
            boolean idsOk = java.util.Arrays.equals(ids, ref.ids());
            single[i] = enc.encode(ref.text());
            double d = maxAbsDiff(single[i], ref.embedding());
            maxDiff = Math.max(maxDiff, d);
            out.printf(Locale.ROOT, "  [%d] %-70s %2d tokens (ids %s)  max|diff| %.2e  e[0:4] = %s%n", i,
                    '"' + ref.text() + '"', ids.length, idsOk ? "match" : "DIFFER", d, head(single[i]));
        }
        // One batch: the two shorter sentences are padded to the longest (23 tokens) and masked.
        Tensor batch = enc.encode(texts, texts.size());
        double batchDiff = 0;
        for (int i = 0; i < refs.size(); i++) {
            batchDiff = Math.max(batchDiff, maxAbsDiff(batch.select(0, i).toFloatArray(), refs.get(i).embedding()));
        }
        out.printf(Locale.ROOT, "Padded batch of %d: max|diff| %.2e vs ONNX Runtime (tolerance %.0e)%n", texts.size(),
                batchDiff, TOLERANCE);
        out.println("Cosine similarities (Kindling / ONNX Runtime):");
        for (int i = 0; i < refs.size(); i++) {
            for (int j = i + 1; j < refs.size(); j++) {
                Object ref = meta.get("cosine_" + i + "_" + j);
                out.printf(Locale.ROOT, "  (%d,%d) %.6f / %s%n", i, j, SemanticIndex.cosine(single[i], single[j]), ref);
            }
        }

        double qMax = Double.NaN, qMean = Double.NaN, qCos = Double.NaN;
        if (quantized) {
            Path qFile = MinilmPackage.ensure(dir, MinilmPackage.Variant.QUANTIZED, out);
            long t1 = System.nanoTime();
            SentenceEncoder q = SentenceEncoder.fromOnnx(qFile, MinilmPackage.tokenizerFile(dir));
            double loadQ = (System.nanoTime() - t1) / 1e9;
            Tensor qe = q.encode(texts);
            qMax = 0;
            qMean = 0;
            qCos = 1;
            for (int i = 0; i < refs.size(); i++) {
                float[] a = qe.select(0, i).toFloatArray();
                qMax = Math.max(qMax, maxAbsDiff(a, single[i]));
                for (int k = 0; k < a.length; k++) qMean += Math.abs(a[k] - single[i][k]);
                qCos = Math.min(qCos, SemanticIndex.cosine(a, single[i]));
            }
            qMean /= (double) refs.size() * single[0].length;
            out.printf(Locale.ROOT, "Int8 model %s (dequantized to float on load, %.2f s): vs the float model max|diff| "
                    + "%.4f, mean|diff| %.5f, min cosine %.5f%n", qFile.getFileName(), loadQ, qMax, qMean, qCos);
        }
        boolean pass = maxDiff <= TOLERANCE && batchDiff <= TOLERANCE;
        out.println(pass ? "PASS: every component within 1e-4 of ONNX Runtime, single and batched."
                : "FAIL: differences above 1e-4.");
        out.printf(Locale.ROOT, "RESULT minilm max_abs_diff=%.3e batch_max_abs_diff=%.3e q_max_abs_diff=%.4f "
                + "q_mean_abs_diff=%.5f q_min_cosine=%.5f%n", maxDiff, batchDiff, qMax, qMean, qCos);
        return new Result(maxDiff, batchDiff, qMax, qMean, qCos);
    }

    static String referenceJson() throws IOException {
        try (InputStream in = Minilm.class.getResourceAsStream(REFERENCE)) {
            if (in == null) throw new IOException("resource " + REFERENCE + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Reference> references() throws IOException {
        List<Reference> refs = new ArrayList<>();
        for (Object o : (List<Object>) Json.parseObject(referenceJson()).get("sentences")) {
            Map<String, Object> s = (Map<String, Object>) o;
            long[] ids = ((List<Object>) s.get("input_ids")).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
            List<Object> e = (List<Object>) s.get("embedding_full");
            float[] f = new float[e.size()];
            for (int i = 0; i < f.length; i++) f[i] = ((Number) e.get(i)).floatValue();
            refs.add(new Reference((String) s.get("text"), ids, f));
        }
        return refs;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static String head(float[] v) {
        return String.format(Locale.ROOT, "[%.5f, %.5f, %.5f, %.5f]", v[0], v[1], v[2], v[3]);
    }
}
