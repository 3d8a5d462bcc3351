// Idx: reader for the IDX format used by MNIST-style datasets (big-endian header, unsigned bytes),
// gzip'd or plain. Returns tensors ready for training: images as float32 in [0, 1], labels as int64.
package dev.kindling.io;

import dev.kindling.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * IDX files (MNIST, Fashion-MNIST).
 *
 * <p>Example: {@code Tensor x = Idx.readImages(dir.resolve("train-images-idx3-ubyte.gz")); // [N, 28, 28]}
 */
public final class Idx {
    private Idx() {}

    /** Reads an unsigned-byte IDX tensor of any rank as float32 scaled to [0, 1]. Shape: the file's dims. */
    public static Tensor readImages(Path path) throws IOException {
        Raw r = read(path);
        float[] f = new float[r.data.length];
        for (int i = 0; i < f.length; i++) f[i] = (r.data[i] & 0xFF) / 255f;
        return Tensor.of(f, r.dims);
    }

    /** Reads a 1-D unsigned-byte IDX label file as int64. Shape: [N]. */
    public static Tensor readLabels(Path path) throws IOException {
        Raw r = read(path);
        if (r.dims.length != 1) throw new IOException(path + ": expected a 1-D label file, got "
                + r.dims.length + " dims");
        long[] l = new long[r.data.length];
        for (int i = 0; i < l.length; i++) l[i] = r.data[i] & 0xFF;
        return Tensor.ofLongs(l, r.dims);
    }

    private record Raw(int[] dims, byte[] data) {}

    private static Raw read(Path path) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream d = new DataInputStream(in);
            int magic = d.readInt();
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != 0x08) throw new IOException(path
                    + ": not an unsigned-byte IDX file (magic 0x" + Integer.toHexString(magic) + ", expected 0x08NN)");
            int rank = magic & 0xFF;
            if (rank < 1 || rank > 4) throw new IOException(path + ": IDX rank " + rank + " not supported (1..4)");
            int[] dims = new int[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = d.readInt();
                if (dims[i] < 0) throw new IOException(path + ": negative dimension " + dims[i]);
                n *= dims[i];
            }
            if (n > Integer.MAX_VALUE - 8) throw new IOException(path + ": " + n + " elements is too large");
            byte[] data = new byte[(int) n];
            try {
                d.readFully(data);
            } catch (EOFException e) {
                throw new IOException(path + ": truncated: header promises " + n + " bytes of data", e);
            }
            return new Raw(dims, data);
        }
    }
}
