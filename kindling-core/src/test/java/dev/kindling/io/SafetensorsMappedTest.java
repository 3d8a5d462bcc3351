package dev.kindling.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsMappedTest {
    @TempDir
    Path tmp;

    @Test
    void mappedReadsEqualChannelReadsForEveryDtype() throws Exception {
        Path f = SafetensorsTest.resource("golden/models/dtypes/dtypes.safetensors");
        Map<String, Tensor> eager = Safetensors.load(f);
        try (var m = Safetensors.map(f)) {
            assertThat(m.tensors().keySet()).containsExactlyElementsOf(eager.keySet());
            assertThat(m.metadata()).isEqualTo(Safetensors.metadata(f));
            for (var e : eager.entrySet()) {
                Tensor t = m.load(e.getKey());
                assertThat(t.dtype()).as(e.getKey()).isEqualTo(e.getValue().dtype());
                assertThat(t.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
                switch (t.dtype()) {
                    case FLOAT32 -> assertThat(SafetensorsTest.bits(t.toFloatArray())).as(e.getKey())
                            .containsExactly(SafetensorsTest.bits(e.getValue().toFloatArray()));
                    case INT64 -> assertThat(t.toLongArray()).containsExactly(e.getValue().toLongArray());
                    case BOOL -> assertThat(t.toBoolArray()).containsExactly(e.getValue().toBoolArray());
                }
            }
            // F16 and BF16 convert while reading straight into a destination.
            Tensor dst = Tensor.zeros(2, 3);
            m.readInto("bf16", dst);
            assertThat(dst.get(1, 1)).isEqualTo(-24960f);
            m.readInto("f16", dst);
            assertThat(dst.get(1, 0)).isEqualTo(0.0010004043579101562f);
        }
    }

    @Test
    void readIntoFillsAnOffsetDestinationAcrossSlices() throws Exception {
        Tensor big = Tensor.randn(new Generator(5), 37, 11);
        Path f = tmp.resolve("w.safetensors");
        Safetensors.save(f, new LinkedHashMap<>(Map.of("w", big)), null);
        Tensor host = Tensor.full(-7f, 40, 11);
        Tensor dst = host.narrow(0, 2, 37);                 // contiguous, storage offset 22
        try (var m = Safetensors.map(f)) {
            m.readInto("w", dst, 100);                      // 100 elements per slice: 5 slices
        }
        assertThat(dst.toFloatArray()).containsExactly(big.toFloatArray());
        assertThat(host.get(0, 0)).isEqualTo(-7f);
        assertThat(host.get(39, 10)).isEqualTo(-7f);
    }

    @Test
    void reportsMissingAndMismatchedTensorsByNameAndShape() throws Exception {
        Path f = tmp.resolve("w.safetensors");
        Safetensors.save(f, new LinkedHashMap<>(Map.of("layer.weight", Tensor.zeros(4, 3))), null);
        try (var m = Safetensors.map(f)) {
            assertThatThrownBy(() -> m.readInto("layer.weight", Tensor.zeros(3, 4)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'layer.weight'").hasMessageContaining("[4, 3]").hasMessageContaining("[3, 4]");
            assertThatThrownBy(() -> m.readInto("layer.weight", Tensor.empty(DType.INT64, 4, 3)))
                    .hasMessageContaining("F32").hasMessageContaining("int64");
            assertThatThrownBy(() -> m.load("layer.bias")).isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining("'layer.bias'");
            assertThat(m.info("layer.bias")).isNull();
        }
    }

    @Test
    void closedFileRefusesReads() throws Exception {
        Path f = tmp.resolve("w.safetensors");
        Safetensors.save(f, new LinkedHashMap<>(Map.of("w", Tensor.ones(3))), null);
        var m = Safetensors.map(f);
        assertThat(m.load("w").toFloatArray()).containsExactly(1f, 1f, 1f);
        m.close();
        assertThatThrownBy(() -> m.load("w")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void corruptHeaderFailsAtMapTime() throws Exception {
        Path f = tmp.resolve("bad.safetensors");
        java.nio.file.Files.write(f, new byte[] {100, 0, 0, 0, 0, 0, 0, 0, '{'});
        assertThatThrownBy(() -> Safetensors.map(f)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("runs past the end");
    }
}
