// SemanticIndexTest: cosine top-k on known vectors (order, ties, filters, batched = single), and the index file:
// round trip, atomic overwrite, and corrupt or truncated files rejected with a clear message.
package dev.kindling.models.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SemanticIndexTest {
    static SemanticIndex small() {
        SemanticIndex index = new SemanticIndex(3, "toy");
        index.add("east", new float[] {1, 0, 0});
        index.add("north-east", new float[] {2, 2, 0});       // not unit: normalised on add
        index.add("north", new float[] {0, 5, 0});
        index.add("west", new float[] {-1, 0, 0});
        index.add("east again", new float[] {3, 0, 0});
        return index;
    }

    @Test
    void topKIsOrderedByCosineWithTiesToTheLowerIndex() {
        List<SemanticIndex.Hit> hits = small().query(new float[] {10, 0, 0}, 3);
        assertThat(hits).extracting(SemanticIndex.Hit::text).containsExactly("east", "east again", "north-east");
        assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-6f));
        assertThat(hits.get(2).score()).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(small().query(new float[] {-1, 0, 0}, 10)).hasSize(5).first()
                .extracting(SemanticIndex.Hit::text).isEqualTo("west");
        assertThat(small().query(new float[] {1, 0, 0}, 2, i -> i != 0)).extracting(SemanticIndex.Hit::index)
                .containsExactly(4, 1);
        assertThat(small().vector(1)).containsExactly((float) Math.sqrt(0.5), (float) Math.sqrt(0.5), 0f);
        assertThat(new SemanticIndex(3, "").query(new float[] {1, 0, 0}, 3)).isEmpty();
    }

    @Test
    void batchedQueriesEqualSingleQueriesOnRandomVectors() {
        Generator g = new Generator(3);
        Tensor data = Tensor.randn(g, 200, 16);
        SemanticIndex index = new SemanticIndex(16, "");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) texts.add("t" + i);
        index.addAll(texts, data);
        Tensor q = Tensor.randn(g, 7, 16);
        List<List<SemanticIndex.Hit>> batched = index.query(q, 5, i -> true);
        for (int r = 0; r < 7; r++) {
            float[] qr = q.select(0, r).toFloatArray();
            List<SemanticIndex.Hit> single = index.query(qr, 5);
            assertThat(batched.get(r)).extracting(SemanticIndex.Hit::index)
                    .containsExactlyElementsOf(single.stream().map(SemanticIndex.Hit::index).toList());
            // brute force: the best hit has the largest cosine of all 200
            float best = -2;
            for (int i = 0; i < 200; i++) best = Math.max(best, SemanticIndex.cosine(qr, data.select(0, i).toFloatArray()));
            assertThat(single.get(0).score()).isCloseTo(best, within(1e-5f));
        }
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws IOException {
        SemanticIndex index = small();
        index.add("naïve café ☕, with\ttab", new float[] {0, 0, 1});
        Path file = dir.resolve("idx.bin");
        index.save(file);
        index.save(file);   // overwriting leaves no temporary files behind
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("idx.bin");
        }
        SemanticIndex back = SemanticIndex.load(file);
        assertThat(back.size()).isEqualTo(6);
        assertThat(back.dimension()).isEqualTo(3);
        assertThat(back.modelId()).isEqualTo("toy");
        assertThat(back.text(5)).isEqualTo("naïve café ☕, with\ttab");
        for (int i = 0; i < 6; i++) assertThat(back.vector(i)).containsExactly(index.vector(i));
        assertThat(back.query(new float[] {0, 1, 0.1f}, 2)).isEqualTo(index.query(new float[] {0, 1, 0.1f}, 2));
    }

    @Test
    void corruptFilesAreRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("idx.bin");
        small().save(file);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[40] ^= 0x10;
        Files.write(file, flipped);
        assertThatThrownBy(() -> SemanticIndex.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("checksum mismatch");

        Files.write(file, Arrays.copyOf(good, good.length - 9));
        assertThatThrownBy(() -> SemanticIndex.load(file)).hasMessageContaining("checksum mismatch");

        Files.write(file, "just some text, not an index".getBytes());
        assertThatThrownBy(() -> SemanticIndex.load(file)).hasMessageContaining("not a Kindling semantic index");

        assertThatThrownBy(() -> new SemanticIndex(3, "").add("x", new float[2])).hasMessageContaining("2 values");
    }
}
