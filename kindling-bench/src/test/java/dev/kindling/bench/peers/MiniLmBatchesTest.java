// MiniLmBatchesTest: the MiniLM row's shared input file round-trips and rejects damaged files, and the plain-Java
// pooling the ONNX Runtime worker uses equals Kindling's SentenceEncoder pooling.
package dev.kindling.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.models.embeddings.SentenceEncoder;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiniLmBatchesTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAndRejectsTruncatedFiles() throws IOException {
        MiniLmBatches.Batch a = new MiniLmBatches.Batch(2, 3, new long[] {101, 7, 102, 101, 102, 0}, new long[] {1, 1, 1, 1, 1, 0});
        MiniLmBatches.Batch b = new MiniLmBatches.Batch(1, 2, new long[] {101, 102}, new long[] {1, 1});
        Path f = dir.resolve("b.bin");
        new MiniLmBatches(List.of(a, b)).write(f);
        List<MiniLmBatches.Batch> back = MiniLmBatches.read(f).batches();
        assertThat(back).hasSize(2);
        assertThat(back.get(0).ids()).containsExactly(a.ids());
        assertThat(back.get(0).mask()).containsExactly(a.mask());
        assertThat(back.get(0).tokens()).isEqualTo(5);
        assertThat(back.get(1).len()).isEqualTo(2);

        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> MiniLmBatches.read(cut)).isInstanceOf(IOException.class).hasMessageContaining("truncated");
        Path foreign = dir.resolve("x.bin");
        Files.write(foreign, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> MiniLmBatches.read(foreign)).hasMessageContaining("not a MiniLM batch file");
        assertThatThrownBy(() -> new MiniLmBatches.Batch(2, 2, new long[3], new long[3])).hasMessageContaining("2x2");
    }

    @Test
    void plainPoolingEqualsSentenceEncoders() {
        int size = 3, len = 5, dim = 8;
        Tensor hidden = Tensor.randn(new Generator(3), size, len, dim);                    // [B, T, H]
        long[] mask = {1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
        float[] expected = SentenceEncoder.l2Normalize(SentenceEncoder.meanPool(hidden, Tensor.ofLongs(mask, size, len)))
                .toFloatArray();
        float[] got = MiniLmBatches.meanPoolNormalize(hidden.toFloatArray(), mask, size, len, dim);
        for (int i = 0; i < expected.length; i++) assertThat(got[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
    }
}
