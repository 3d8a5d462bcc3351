// SemanticIndex: an in-memory vector index of texts for cosine top-k search (exact: one GEMM over all vectors),
// saved to and loaded from one checksummed binary file written atomically.
package dev.kindling.models.embeddings;

import dev.kindling.io.AtomicFiles;
import dev.kindling.kernels.Gemm;
import dev.kindling.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.zip.CRC32;

/**
 * Texts with their embeddings; queries return the {@code k} most similar by cosine. Vectors are L2-normalised when
 * added, so a score is a dot product in [-1, 1].
 *
 * <p>Example:
 * <pre>{@code
 * var index = new SemanticIndex(encoder.dimension(), "all-minilm-l6-v2");
 * index.addAll(lines, encoder.encode(lines));
 * index.save(Path.of("idx.bin"));
 * for (var hit : SemanticIndex.load(Path.of("idx.bin")).query(encoder.encode("a query"), 5))
 *     System.out.println(hit.score() + "  " + hit.text());
 * }</pre>
 *
 * <p>File layout (big-endian): magic {@code KNDLSIX1}, int dimension, int count, UTF-8 model id (int length +
 * bytes), per text (int length + UTF-8 bytes), count x dimension float32, then the CRC-32 of all preceding bytes
 * as a long.
 */
public final class SemanticIndex {
    /** One search result: position in the index, its text, cosine similarity to the query. */
    public record Hit(int index, String text, float score) {}

    static final byte[] MAGIC = "KNDLSIX1".getBytes(StandardCharsets.US_ASCII);

    private final int dimension;
    private final String modelId;
    private final List<String> texts = new ArrayList<>();
    private float[] vectors;   // [size, dimension], unit rows

    /**
     * @param modelId names the encoder that made the vectors (stored in the file so a query with another model
     *                can be refused); may be empty
     */
    public SemanticIndex(int dimension, String modelId) {
        if (dimension <= 0) throw new IllegalArgumentException("SemanticIndex: dimension must be > 0, got " + dimension);
        this.dimension = dimension;
        this.modelId = modelId == null ? "" : modelId;
        this.vectors = new float[16 * dimension];
    }

    public int dimension() {
        return dimension;
    }

    public String modelId() {
        return modelId;
    }

    public int size() {
        return texts.size();
    }

    public String text(int i) {
        return texts.get(i);
    }

    /** The stored (unit) vector of entry {@code i}. */
    public float[] vector(int i) {
        java.util.Objects.checkIndex(i, size());
        return Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension);
    }

    /** Adds one text with its embedding (normalised here); returns its index. */
    public int add(String text, float[] vector) {
        if (vector.length != dimension) throw new IllegalArgumentException("SemanticIndex.add: vector has "
                + vector.length + " values, the index holds " + dimension);
        int i = size();
        ensureCapacity(i + 1);
        System.arraycopy(vector, 0, vectors, i * dimension, dimension);
        normalizeRow(vectors, i * dimension, dimension);
        texts.add(text);
        return i;
    }

    /** Adds {@code texts} with their embeddings {@code [N, dimension]}. */
    public void addAll(List<String> newTexts, Tensor embeddings) {
        int n = newTexts.size();
        if (embeddings.dim() != 2 || embeddings.size(0) != n || embeddings.size(1) != dimension) {
            throw new IllegalArgumentException("SemanticIndex.addAll: expected embeddings [" + n + ", " + dimension
                    + "], got " + Arrays.toString(embeddings.shape()));
        }
        float[] e = embeddings.toFloatArray();
        int base = size();
        ensureCapacity(base + n);
        System.arraycopy(e, 0, vectors, base * dimension, n * dimension);
        for (int i = 0; i < n; i++) normalizeRow(vectors, (base + i) * dimension, dimension);
        texts.addAll(newTexts);
    }

    /** The {@code k} entries most similar to {@code query} (any scale), best first; ties go to the lower index. */
    public List<Hit> query(float[] query, int k) {
        return query(query, k, i -> true);
    }

    /** {@link #query(float[], int)} over the entries that {@code accept} (e.g. to leave the query itself out). */
    public List<Hit> query(float[] query, int k, IntPredicate accept) {
        return query(Tensor.of(query.clone(), 1, query.length), k, accept).get(0);
    }

    /** Top-k for each row of {@code queries [M, dimension]}; the scores are one GEMM. */
    public List<List<Hit>> query(Tensor queries, int k, IntPredicate accept) {
        if (queries.dim() != 2 || queries.size(1) != dimension) throw new IllegalArgumentException(
                "SemanticIndex.query: expected queries [M, " + dimension + "], got " + Arrays.toString(queries.shape()));
        if (k <= 0) throw new IllegalArgumentException("SemanticIndex.query: k must be > 0, got " + k);
        int m = queries.size(0), n = size();
        float[] q = queries.toFloatArray();
        for (int r = 0; r < m; r++) normalizeRow(q, r * dimension, dimension);
        float[] scores = new float[m * n];                      // [M, N] = Q [M, D] x V^T
        if (n > 0) Gemm.sgemm(false, true, m, n, dimension, q, 0, dimension, vectors, 0, dimension, scores, 0, n, false);
        List<List<Hit>> out = new ArrayList<>(m);
        for (int r = 0; r < m; r++) out.add(topK(scores, r * n, n, k, accept));
        return out;
    }

    /** Best {@code k} of {@code scores[off .. off+n)} by insertion into a sorted buffer (k is small). */
    private List<Hit> topK(float[] scores, int off, int n, int k, IntPredicate accept) {
        int[] best = new int[Math.min(k, n)];
        if (best.length == 0) return List.of();
        int have = 0;
        for (int i = 0; i < n; i++) {
            float s = scores[off + i];
            if (Float.isNaN(s)) continue;
            if (have == best.length && s <= scores[off + best[have - 1]]) continue;
            if (!accept.test(i)) continue;
            int pos = have == best.length ? have - 1 : have++;
            while (pos > 0 && scores[off + best[pos - 1]] < s) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        List<Hit> hits = new ArrayList<>(have);
        for (int j = 0; j < have; j++) hits.add(new Hit(best[j], texts.get(best[j]), scores[off + best[j]]));
        return hits;
    }

    /** Cosine similarity of two vectors (0 when either is zero). */
    public static float cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }

    // ---------------------------------------------------------------- file

    /** Writes the index to {@code file} atomically (temporary file + rename). */
    public void save(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + size() * (dimension * 4 + 64));
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(dimension);
        out.writeInt(size());
        writeString(out, modelId);
        for (String t : texts) writeString(out, t);
        ByteBuffer v = ByteBuffer.allocate(size() * dimension * 4);
        v.asFloatBuffer().put(vectors, 0, size() * dimension);
        out.write(v.array());
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        AtomicFiles.write(file, bytes.toByteArray());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads an index written by {@link #save}.
     *
     * @throws IOException naming the file and the byte offset when it is not an index file, is truncated, or its
     *                     checksum does not match
     */
    public static SemanticIndex load(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < MAGIC.length + 8 + 4 + 8
                || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IOException(file + ": not a Kindling semantic index (no " + new String(MAGIC,
                    StandardCharsets.US_ASCII) + " header; " + all.length + " bytes)");
        }
        int body = all.length - 8;
        CRC32 crc = new CRC32();
        crc.update(all, 0, body);
        long stored = ByteBuffer.wrap(all, body, 8).getLong();
        if (stored != crc.getValue()) throw new IOException(file + ": checksum mismatch (file truncated or corrupt; "
                + "stored CRC-32 " + Long.toHexString(stored) + ", computed " + Long.toHexString(crc.getValue()) + ")");
        b.position(MAGIC.length);
        int dimension = b.getInt(), count = b.getInt();
        if (dimension <= 0 || count < 0) throw new IOException(file + ": invalid header (dimension " + dimension
                + ", count " + count + ")");
        String modelId = readString(file, b, body);
        long vectorBytes = (long) count * dimension * 4;
        SemanticIndex index = new SemanticIndex(dimension, modelId);
        index.ensureCapacity(count);
        for (int i = 0; i < count; i++) index.texts.add(readString(file, b, body));
        if (body - b.position() != vectorBytes) throw new IOException(file + ": " + count + " vectors of " + dimension
                + " floats need " + vectorBytes + " bytes at byte " + b.position() + ", found " + (body - b.position()));
        b.asFloatBuffer().get(index.vectors, 0, count * dimension);
        return index;
    }

    private static String readString(Path file, ByteBuffer b, int end) throws IOException {
        int at = b.position();
        if (end - at < 4) throw new IOException(file + ": truncated string length at byte " + at);
        int len = b.getInt();
        if (len < 0 || len > end - b.position()) throw new IOException(file + ": string length " + len + " at byte "
                + at + " runs past the data (" + (end - b.position()) + " bytes left)");
        ByteBuffer s = b.slice(b.position(), len);
        b.position(b.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(s).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": text at byte " + at + " is not valid UTF-8");
        }
    }

    private void ensureCapacity(int entries) {
        long need = (long) entries * dimension;
        if (need > Integer.MAX_VALUE - 8) throw new IllegalStateException("SemanticIndex: " + entries + " vectors of "
                + dimension + " floats exceed one Java array");
        if (need > vectors.length) vectors = Arrays.copyOf(vectors, (int) Math.max(need, Math.min(
                Integer.MAX_VALUE - 8L, 2L * vectors.length)));
    }

    private static void normalizeRow(float[] a, int off, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) a[off + i] * a[off + i];
        if (ss == 0) return;
        float inv = (float) (1 / Math.sqrt(ss));
        for (int i = 0; i < n; i++) a[off + i] *= inv;
    }
}
