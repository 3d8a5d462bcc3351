package dev.kindling.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.io.Safetensors;
import dev.kindling.ops.Indexing;
import dev.kindling.ops.Linalg;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapped float32 storage: linear, matmul and embedding read a memory-mapped weight in place and agree with the same
 * weight on the heap (forward and gradients); any other access copies it to the heap once (copy-on-access).
 */
class MappedStorageTest {
    @TempDir
    Path tmp;

    /**
     * Streaming splits only output columns, so each output is the same k-ordered dot product; only the kernel's
     * vector path may differ with the block width or row count (measured: 0 for linear, 7.6e-6 on values ~20 when
     * a batched matmul's rows are flattened into one product).
     */
    private static final double SAME = 2e-5;

    /** Writes {@code tensors} to a safetensors file and maps it for in-place use. */
    private Safetensors.MappedFile mapped(Map<String, Tensor> tensors) throws Exception {
        Path f = tmp.resolve("w" + System.nanoTime() + ".safetensors");
        Safetensors.save(f, tensors, null);
        return Safetensors.mapRetained(f);
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        assertThat(x).hasSameSizeAs(y);
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs((double) x[i] - y[i]));
        return m;
    }

    @Test
    void linearWithAMappedWeightMatchesTheHeapWeightForwardAndBackward() throws Exception {
        var g = new Generator(1);
        // Shapes around the block sizes: 1 row (decoding), odd widths, more output rows than one block.
        int[][] cases = {{1, 37, 53}, {5, 64, 300}, {33, 129, 70}, {3, 1, 17}, {2, 300, 1}};
        for (int[] c : cases) {
            int rows = c[0], in = c[1], out = c[2];
            Tensor w = Tensor.randn(g, out, in), b = Tensor.randn(g, out);
            var file = mapped(Map.of("w", w));
            Tensor wm = file.loadMapped("w").requiresGrad(true);
            Tensor wh = w.detach().clone().requiresGrad(true);
            assertThat(wm.isMapped()).isTrue();
            Tensor xm = Tensor.randn(g, rows, in).requiresGrad(true), xh = xm.detach().clone().requiresGrad(true);
            long before = Storage.materializations();
            Tensor ym = Linalg.linear(xm, wm, b), yh = Linalg.linear(xh, wh, b);
            assertThat(maxAbsDiff(ym, yh)).as("linear %s", java.util.Arrays.toString(c)).isLessThanOrEqualTo(SAME);
            Tensor up = Tensor.randn(g, rows, out);
            ym.mul(up).sum().backward();
            yh.mul(up).sum().backward();
            assertThat(maxAbsDiff(xm.grad(), xh.grad())).isLessThanOrEqualTo(SAME);
            assertThat(maxAbsDiff(wm.grad(), wh.grad())).isLessThanOrEqualTo(SAME);
            assertThat(Storage.materializations()).isEqualTo(before);
            assertThat(wm.isMapped()).isTrue();
        }
    }

    @Test
    void matmulWithAMappedRightOperandStreamsItInBothLayouts() throws Exception {
        var g = new Generator(2);
        Tensor w = Tensor.randn(g, 70, 90);                       // [k, n] as stored
        var file = mapped(Map.of("w", w));
        Tensor wm = file.loadMapped("w").requiresGrad(true);
        Tensor x3 = Tensor.randn(g, 2, 3, 70).requiresGrad(true), x3h = x3.detach().clone().requiresGrad(true);
        Tensor wh = w.detach().clone().requiresGrad(true);
        long before = Storage.materializations();
        Tensor ym = Linalg.matmul(x3, wm), yh = Linalg.matmul(x3h, wh);   // [2, 3, 90], batch dims flattened
        assertThat(maxAbsDiff(ym, yh)).isLessThanOrEqualTo(SAME);
        ym.sum().backward();                                              // dx = g W^T: the transposed mapped view
        yh.sum().backward();
        assertThat(maxAbsDiff(x3.grad(), x3h.grad())).isLessThanOrEqualTo(SAME);
        assertThat(maxAbsDiff(wm.grad(), wh.grad())).isLessThanOrEqualTo(SAME);
        Tensor x2 = Tensor.randn(g, 4, 90);
        assertThat(maxAbsDiff(Linalg.matmul(x2, wm.detach().transpose(0, 1)), Linalg.matmul(x2, w.transpose(0, 1))))
                .isLessThanOrEqualTo(SAME);                                // [4, 90] @ W^T [90, 70]
        // A reduction longer than one buffer chunk: partial products are accumulated chunk by chunk.
        Tensor tall = Tensor.randn(g, 40000, 16), xs = Tensor.randn(g, 2, 40000);   // 2 chunks of rows
        Tensor y = Linalg.matmul(xs, mapped(Map.of("t", tall)).loadMapped("t")), yRef = Linalg.matmul(xs, tall);
        double scale = 0;
        for (float v : yRef.toFloatArray()) scale = Math.max(scale, Math.abs(v));
        assertThat(maxAbsDiff(y, yRef)).isLessThanOrEqualTo(1e-6 * scale);   // float rounding of the chunk order
        assertThat(Storage.materializations()).isEqualTo(before);
    }

    @Test
    void embeddingCopiesOnlyTheSelectedRows() throws Exception {
        var g = new Generator(3);
        Tensor table = Tensor.randn(g, 50, 12);
        Tensor tm = mapped(Map.of("t", table)).loadMapped("t").requiresGrad(true);
        Tensor ids = Tensor.ofLongs(new long[] {3, 49, 0, 3}, 2, 2);
        long before = Storage.materializations();
        Tensor e = Indexing.embedding(tm, ids);
        assertThat(e.toFloatArray()).containsExactly(Indexing.embedding(table, ids).toFloatArray());
        e.sum().backward();
        assertThat(tm.grad().get(3, 0)).isEqualTo(2f);
        assertThat(tm.get(49, 11)).isEqualTo(table.get(49, 11));   // element reads do not copy either
        assertThat(Storage.materializations()).isEqualTo(before);
        assertThat(tm.isMapped()).isTrue();
    }

    @Test
    void anyOtherAccessCopiesToTheHeapOnceAndWritesThenWork() throws Exception {
        var g = new Generator(4);
        Tensor w = Tensor.randn(g, 8, 16);
        Tensor wm = mapped(Map.of("w", w)).loadMapped("w");
        long before = Storage.materializations();
        Tensor doubled = wm.add(wm);                               // an op without a mapped path reads floats()
        assertThat(Storage.materializations()).isEqualTo(before + 1);
        assertThat(wm.isMapped()).isFalse();
        assertThat(doubled.toFloatArray()).containsExactly(w.add(w).toFloatArray());
        wm.set(42f, 1, 2);                                         // the heap copy is writable
        assertThat(wm.get(1, 2)).isEqualTo(42f);
        wm.storage().floats();
        assertThat(Storage.materializations()).isEqualTo(before + 1);   // once only
    }

    @Test
    void mapIntoReplacesAParameterStorageAndChecksNameShapeAndDtype() throws Exception {
        var g = new Generator(5);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("a", Tensor.randn(g, 300, 300));                    // 90 000 floats: a lazily allocated zero tensor
        sd.put("ids", Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2));
        var file = mapped(sd);
        Tensor param = Tensor.zeros(300, 300);
        file.mapInto("a", param);
        assertThat(param.isMapped()).isTrue();
        assertThatThrownBy(() -> file.mapInto("a", Tensor.zeros(300, 299))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'").hasMessageContaining("[300, 300]").hasMessageContaining("[300, 299]");
        assertThatThrownBy(() -> file.mapInto("a", Tensor.zeros(2, 300, 300).select(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole storage");
        assertThatThrownBy(() -> file.loadMapped("ids")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ids'").hasMessageContaining("I64");
        assertThatThrownBy(() -> file.mapInto("nope", Tensor.zeros(2))).hasMessageContaining("'nope'");
        long before = Storage.materializations();
        Path copy = tmp.resolve("copy.safetensors");
        Safetensors.save(copy, Map.of("a", param), null);          // written from the mapping, chunk by chunk
        assertThat(Storage.materializations()).isEqualTo(before);
        assertThat(Safetensors.load(copy).get("a").toFloatArray()).containsExactly(sd.get("a").toFloatArray());
        assertThat(file.canMap("a")).isTrue();
        assertThat(file.canMap("ids")).isFalse();
    }

    @Test
    void largeZeroTensorsAreAllocatedOnFirstUse() {
        Tensor z = Tensor.zeros(400, 400);                         // above the lazy threshold
        assertThat(z.get(399, 399)).isZero();
        assertThat(z.storage().capacity()).isEqualTo(160_000);
        z.set(3f, 0, 1);
        assertThat(z.sum().item()).isEqualTo(3f);
        assertThat(Tensor.full(2f, 300, 300).mean().item()).isEqualTo(2f);
    }
}
