// MiniLmBatches: the pre-tokenized input of the MiniLM embedding workload (issue 8), one small binary file that every
// system reads, so Kindling and ONNX Runtime embed exactly the same token ids and no peer JVM needs a tokenizer.
// Plain Java only: the ONNX Runtime worker loads this class without Kindling's model classes on its classpath.
package dev.kindling.bench.peers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches of token ids and attention masks, each {@code [size, len]} row-major, padded to the batch's longest text.
 * Token type ids are all zero (single sentences). File: magic "KLMB", version 1, batch count, then per batch
 * {@code size, len, ids[size*len], mask[size*len]} as big-endian ints.
 */
public record MiniLmBatches(List<Batch> batches) {
    private static final int MAGIC = 0x4B4C4D42, VERSION = 1;

    /** One batch: {@code ids} and {@code mask} are {@code [size, len]}. */
    public record Batch(int size, int len, long[] ids, long[] mask) {
        public Batch {
            if (size <= 0 || len <= 0 || ids.length != (long) size * len || mask.length != ids.length) {
                throw new IllegalArgumentException("MiniLmBatches: batch of " + size + "x" + len + " needs "
                        + (long) size * len + " ids and mask values, got " + ids.length + " and " + mask.length);
            }
        }

        /** Real (unpadded) tokens in the batch. */
        public long tokens() {
            long n = 0;
            for (long m : mask) n += m;
            return n;
        }
    }

    /** Writes the batches atomically. */
    public void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(batches.size());
            for (Batch b : batches) {
                out.writeInt(b.size);
                out.writeInt(b.len);
                for (long v : b.ids) out.writeInt((int) v);
                for (long v : b.mask) out.writeInt((int) v);
            }
        }
        // Temp file + rename, in plain Java (no Kindling classes: see the charter).
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes.toByteArray());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a file written by {@link #write}; a truncated or foreign file gets an exception naming it. */
    public static MiniLmBatches read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + ": not a MiniLM batch file (version " + VERSION + ")");
            }
            int n = in.readInt();
            if (n <= 0 || n > 1 << 16) throw new IOException(file + ": bad batch count " + n);
            List<Batch> batches = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int size = in.readInt(), len = in.readInt();
                if (size <= 0 || len <= 0 || (long) size * len > 1 << 24) {
                    throw new IOException(file + ": batch " + i + " has a bad shape " + size + "x" + len);
                }
                long[] ids = new long[size * len], mask = new long[size * len];
                for (int k = 0; k < ids.length; k++) ids[k] = in.readInt();
                for (int k = 0; k < mask.length; k++) mask[k] = in.readInt();
                batches.add(new Batch(size, len, ids, mask));
            }
            if (in.read() != -1) throw new IOException(file + ": trailing bytes after " + n + " batches");
            return new MiniLmBatches(List.copyOf(batches));
        } catch (EOFException e) {
            throw new IOException(file + ": truncated MiniLM batch file", e);
        }
    }

    /**
     * Mean over the unmasked positions of {@code hidden [size, len, dim]}, then L2-normalised ({@code [size, dim]}):
     * sentence-transformers' pooling, used by the peers that return only the last hidden state.
     */
    public static float[] meanPoolNormalize(float[] hidden, long[] mask, int size, int len, int dim) {
        float[] out = new float[size * dim];
        for (int b = 0; b < size; b++) {
            int count = 0;
            for (int t = 0; t < len; t++) {
                if (mask[b * len + t] == 0) continue;
                count++;
                int src = (b * len + t) * dim;
                for (int d = 0; d < dim; d++) out[b * dim + d] += hidden[src + d];
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                out[b * dim + d] /= Math.max(count, 1e-9f);
                norm += (double) out[b * dim + d] * out[b * dim + d];
            }
            float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int d = 0; d < dim; d++) out[b * dim + d] *= inv;
        }
        return out;
    }

    /** A line every system prints, so a reader can see that they embed the same inputs to the same vectors. */
    public static String check(float[] firstBatchEmbeddings, int batches, int batchSize, long tokens) {
        return String.format(java.util.Locale.ROOT, "minilm: %d batches of %d, %d real tokens; first embedding [0..3] = "
                + "%.5f %.5f %.5f", batches, batchSize, tokens, firstBatchEmbeddings[0], firstBatchEmbeddings[1],
                firstBatchEmbeddings[2]);
    }

    /** A system property the worker needs; PeersBench sets it. */
    public static String required(String prop) {
        String v = System.getProperty(prop);
        if (v == null) throw new IllegalStateException("minilm workload: -D" + prop + " is not set (PeersBench sets it)");
        return v;
    }
}
