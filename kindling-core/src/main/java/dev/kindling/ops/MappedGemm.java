// MappedGemm: matrix products whose weight operand is given as a float32 Storage, so callers need no branch on where
// it lives. A heap storage is one Gemm.sgemm call. A memory-mapped (off-heap, read-only) one streams through a
// reused per-thread heap buffer in blocks (rows of W for x W^T, row chunks of column strips for x W), each block one
// Gemm.sgemm call on its slice of C: the whole weight never lands on the heap.
package dev.kindling.ops;

import dev.kindling.kernels.Gemm;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Storage;
import java.lang.foreign.MemorySegment;

/**
 * Internal: GEMM with a right operand given as a {@link Storage} (used by {@link Linalg#linear}, {@link Linalg#matmul}
 * with a {@link Storage#isMapped() mapped} weight, and GPT-2's Conv1D-layout fused linear).
 *
 * <p>For {@code x W^T} every output element is still one full-length dot product (blocks split the output columns),
 * so results match the heap path up to the kernel's vector path for the block width; {@code x W} with a long
 * reduction adds per-chunk partial sums (float rounding differs from one GEMM by a few ulps). Blocks run in
 * parallel, each with single-threaded GEMM inside.
 */
public final class MappedGemm {
    /**
     * Floats per thread buffer (2 MiB): fewer, taller GEMM calls. Measured on GPT-2 small decoding, one thread:
     * mapped/heap tokens/s 0.47 with 32 KiB, 0.74 with 512 KiB, 0.97 with 2 MiB, 0.78 with 4 MiB.
     */
    private static final int BLOCK_FLOATS = 1 << 19;
    /** Block widths are multiples of this (GEMM register tiles) and at least this. */
    private static final int ALIGN = 16;
    private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);

    private MappedGemm() {}

    /**
     * {@code c[m, n] (+)= op(a)[m, k] · W^T}, W {@code [n, k]} row-major in {@code w} from element {@code wOff} with
     * row stride {@code ldw} (torch Linear's weight layout). {@code a}, {@code lda}, {@code c}, {@code ldc} and
     * {@code accumulate} as in {@link Gemm#sgemm}. A heap (or no longer mapped) storage takes the plain Gemm path.
     */
    public static void timesTransposed(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, Storage w,
                                       long wOff, int ldw, float[] c, int cOff, int ldc, boolean accumulate) {
        MemorySegment seg = w.mappedSegment();
        if (seg == null || m == 0 || n == 0 || k == 0) {   // empty products read no weight: never materialize it
            float[] wd = seg == null ? w.floats() : new float[0];
            Gemm.sgemm(transA, true, m, n, k, a, aOff, lda, wd, (int) wOff, ldw, c, cOff, ldc, accumulate);
            return;
        }
        int rb = blockWidth(n, k);                                   // rows of W per block
        int blocks = (n + rb - 1) / rb;
        Parallel.forRange(blocks, 1, (lo, hi) -> {
            float[] buf = buffer(rb * k);
            for (int blk = lo; blk < hi; blk++) {
                int r0 = blk * rb, rows = Math.min(rb, n - r0);
                if (ldw == k) {                                      // the rows are one contiguous run
                    MemorySegment.copy(seg, Storage.FLOAT_LE, (wOff + (long) r0 * k) * Float.BYTES, buf, 0, rows * k);
                } else {
                    for (int r = 0; r < rows; r++) MemorySegment.copy(seg, Storage.FLOAT_LE,
                            (wOff + (long) (r0 + r) * ldw) * Float.BYTES, buf, r * k, k);
                }
                // C[:, r0:r0+rows] = op(A) [m, k] x block^T [k, rows]
                Gemm.sgemm(transA, true, m, rows, k, a, aOff, lda, buf, 0, k, c, cOff + r0, ldc, accumulate);
            }
        });
    }

    /**
     * {@code c[m, n] (+)= op(a)[m, k] · W}, W {@code [k, n]} row-major in {@code w} from element {@code wOff} with row
     * stride {@code ldw} (Hugging Face Conv1D's layout, or a [out, in] weight in a linear's input gradient). Each
     * thread takes a wide strip of output columns and walks down W in chunks of rows (one copy per row of its strip),
     * accumulating the chunks' products into C: few, long copies, and a buffer that is bounded.
     */
    public static void times(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, Storage w, long wOff,
                             int ldw, float[] c, int cOff, int ldc, boolean accumulate) {
        MemorySegment seg = w.mappedSegment();
        if (seg == null || m == 0 || n == 0 || k == 0) {   // empty products read no weight: never materialize it
            float[] wd = seg == null ? w.floats() : new float[0];
            Gemm.sgemm(transA, false, m, n, k, a, aOff, lda, wd, (int) wOff, ldw, c, cOff, ldc, accumulate);
            return;
        }
        int threads = Parallel.threads();
        int cw = Math.min(n, Math.max(Math.min(n, 64), roundUp((n + threads - 1) / threads)));   // strip width
        int kb = Math.max(1, Math.min(k, BLOCK_FLOATS / cw));                                     // rows per chunk
        int strips = (n + cw - 1) / cw;
        Parallel.forRange(strips, 1, (lo, hi) -> {
            float[] buf = buffer(kb * cw);
            for (int strip = lo; strip < hi; strip++) {
                int c0 = strip * cw, cols = Math.min(cw, n - c0);
                for (int k0 = 0; k0 < k; k0 += kb) {
                    int rows = Math.min(kb, k - k0);
                    long from = wOff + (long) k0 * ldw + c0;
                    if (cols == ldw) {                       // whole rows: one contiguous run
                        MemorySegment.copy(seg, Storage.FLOAT_LE, from * Float.BYTES, buf, 0, rows * cols);
                    } else {
                        for (int r = 0; r < rows; r++) MemorySegment.copy(seg, Storage.FLOAT_LE,
                                (from + (long) r * ldw) * Float.BYTES, buf, r * cols, cols);
                    }
                    // C[:, c0:c0+cols] (+)= op(A)[:, k0:k0+rows] x chunk [rows, cols]
                    int aAt = aOff + (transA ? k0 * lda : k0);
                    Gemm.sgemm(transA, false, m, cols, rows, a, aAt, lda, buf, 0, cols, c, cOff + c0, ldc,
                            accumulate || k0 > 0);
                }
            }
        });
    }

    /** Output columns per block: what fits the buffer, but small enough that every thread gets a block. */
    private static int blockWidth(int n, int k) {
        int fit = Math.max(ALIGN, BLOCK_FLOATS / k / ALIGN * ALIGN);
        int share = roundUp((n + Parallel.threads() - 1) / Parallel.threads());
        return Math.max(ALIGN, Math.min(fit, share));
    }

    private static int roundUp(int x) {
        return (x + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static float[] buffer(int size) {
        float[][] holder = BUFFER.get();
        if (holder[0].length < size) holder[0] = new float[size];
        return holder[0];
    }
}
