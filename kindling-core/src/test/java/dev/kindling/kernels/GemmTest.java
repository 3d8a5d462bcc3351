// GemmTest: the fast GEMM (Gemm.sgemm with the Vector API) against the scalar reference (Gemm.sgemmReference) on
// random shapes around the tile sizes, all transpose combinations, offsets, padded leading dimensions, both C
// modes and 1 and 2 threads; plus empty products and argument errors.
package dev.kindling.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GemmTest {
    private static final int[] DIMS = {1, 7, 8, 15, 16, 17, 31, 32, 33, 65, 129, 257};

    private int savedThreads;

    @BeforeEach
    void save() {
        savedThreads = Parallel.threads();
        VectorSupport.setEnabled(true);
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
        VectorSupport.setEnabled(true);
    }

    /** One random case: sizes, flags, offsets and padding; checks fast against reference. */
    private static void check(SplittableRandom rnd, int m, int n, int k, boolean tA, boolean tB, boolean acc) {
        int lda = (tA ? m : k) + (rnd.nextBoolean() ? 0 : rnd.nextInt(1, 5));
        int ldb = (tB ? k : n) + (rnd.nextBoolean() ? 0 : rnd.nextInt(1, 5));
        int ldc = n + (rnd.nextBoolean() ? 0 : rnd.nextInt(1, 5));
        int aOff = rnd.nextInt(0, 4), bOff = rnd.nextInt(0, 4), cOff = rnd.nextInt(0, 4);
        float[] a = random(rnd, aOff + lda * (tA ? k : m) + rnd.nextInt(0, 3));
        float[] b = random(rnd, bOff + ldb * (tB ? n : k) + rnd.nextInt(0, 3));
        float[] c = random(rnd, cOff + ldc * m + rnd.nextInt(0, 3));
        float[] expected = c.clone();
        Gemm.sgemm(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
        Gemm.sgemmReference(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, expected, cOff, ldc, acc);
        String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + tA + " transB=" + tB + " accumulate=" + acc
                + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets=" + aOff + "," + bOff + "," + cOff
                + " threads=" + Parallel.threads();
        for (int x = 0; x < c.length; x++) {
            int rel = x - cOff;
            boolean inC = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inC) {
                // Padding between rows and around C must be untouched, bit for bit.
                assertThat(c[x]).as("element %d outside C, %s", x, what).isEqualTo(expected[x]);
                continue;
            }
            int i = rel / ldc, j = rel % ldc;
            double tol = tolerance(tA, tB, k, a, aOff, lda, b, bOff, ldb, i, j, acc ? expected[x] : 0);
            assertThat((double) c[x]).as("C(%d,%d), %s", i, j, what).isCloseTo(expected[x],
                    org.assertj.core.data.Offset.offset(tol));
        }
    }

    /**
     * The bound for C(i, j): 4 k ulp(1) times the sum of |a_ip b_pj| (plus |C| when accumulating), float rounding of
     * a k-term sum in any order.
     */
    private static double tolerance(boolean tA, boolean tB, int k, float[] a, int aOff, int lda, float[] b, int bOff,
            int ldb, int i, int j, float accumulated) {
        double mag = Math.abs(accumulated);
        for (int p = 0; p < k; p++) {
            float av = tA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            float bv = tB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            mag += Math.abs((double) av * bv);
        }
        return 4 * k * Math.ulp(1f) * mag + 1e-30;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void fastMatchesReferenceOnEdgeSizes(int threads) {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(1234 + threads);
        for (int trans = 0; trans < 4; trans++) {
            boolean tA = (trans & 1) != 0, tB = (trans & 2) != 0;
            for (int m : DIMS) {
                for (int n : DIMS) {
                    // k: one small, one around the tile, one random; big-dimension combinations only once each
                    int k = DIMS[rnd.nextInt(DIMS.length)];
                    if ((long) m * n * k > 2_000_000) k = 1 + rnd.nextInt(16);
                    check(rnd, m, n, k, tA, tB, rnd.nextBoolean());
                }
            }
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void fastMatchesReferenceOnRandomShapes(int threads) {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(99 + threads);
        for (int t = 0; t < 150; t++) {
            int m = rnd.nextInt(1, 80), n = rnd.nextInt(1, 120), k = rnd.nextInt(1, 100);
            check(rnd, m, n, k, rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean());
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void skinnyPathMatchesReference(int threads) {
        // m <= 4 takes VectorGemv (B in place); sizes large enough to split across threads, k with a vector tail.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(5 + threads);
        for (int m = 1; m <= 5; m++) {
            for (int trans = 0; trans < 4; trans++) {
                check(rnd, m, 1100 + rnd.nextInt(40), 300 + rnd.nextInt(40), (trans & 1) != 0, (trans & 2) != 0,
                        rnd.nextBoolean());
                check(rnd, m, rnd.nextInt(1, 40), rnd.nextInt(16, 90), (trans & 1) != 0, (trans & 2) != 0,
                        rnd.nextBoolean());
            }
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void fewRowsTimesTransposedBMatchesReference(int threads) {
        // 8 <= m <= 64 with a large B stored [n, k] runs as C^T = B * A^T (VectorGemm.sgemmSwapped); the sizes
        // straddle the dispatch bounds and k crosses a KC block.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(11 + threads);
        for (int m : new int[] {7, 8, 14, 31, 33, 64, 65}) {
            check(rnd, m, 2 * m + rnd.nextInt(0, 200), 1000 + rnd.nextInt(0, 400), false, true, rnd.nextBoolean());
            check(rnd, m, 140, 1100, false, true, true);
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void fewColumnsTransposedAMatchesReference(int threads) {
        // A^T * B with n <= 8 (or n <= 16 and a small A) and m >= 2n runs as C^T = B^T * A (VectorGemm.prefersSwap,
        // the TN case; n <= 2 through VectorGemv); the sizes straddle its bounds (n 8/16/17, m 2n-1/2n, k 63/64), k
        // crosses a KC block, and m = 600 with n = 16 is a product it leaves alone.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(91 + threads);
        for (int n : new int[] {1, 3, 6, 8, 16, 17}) {
            for (int m : new int[] {2 * n - 1, 2 * n, 25, 150, 600}) {
                for (int k : new int[] {63, 64, 1100}) {
                    check(rnd, m, n, k, true, false, rnd.nextBoolean());
                }
            }
        }
        check(rnd, 25, 6, 36864, true, false, false); // LeNet conv1's batched weight gradient
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void edgePanelsReadInPlaceIgnoreTheirSurplusLanes(int threads) {
        // Partial row and column panels are read in place when the kernel's reads stay inside the array
        // (VectorGemm.EDGE_IN_PLACE): the surplus lanes then read padding and trailing elements, here all NaN, which
        // must not reach C. Trailing room of 0 leaves the last depth block too close to the end: the packed fallback.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(401 + threads);
        int[][] shapes = {{6, 25, 36864}, {25, 6, 36864}, {13, 45, 300}, {100, 25, 4096}, {37, 70, 1030},
                {9, 3, 2000}, {250, 20, 64}};
        for (int[] s : shapes) {
            for (int trans = 0; trans < 4; trans++) {
                for (int trailing : new int[] {0, 40}) {
                    checkNaNPadded(rnd, s[0], s[1], s[2], (trans & 1) != 0, (trans & 2) != 0, trans == 3, trailing);
                }
            }
        }
    }

    /** {@link #check} with every array element outside the operands NaN, and {@code trailing} NaNs after each. */
    private static void checkNaNPadded(SplittableRandom rnd, int m, int n, int k, boolean tA, boolean tB,
            boolean acc, int trailing) {
        int lda = (tA ? m : k) + rnd.nextInt(0, 4), ldb = (tB ? k : n) + rnd.nextInt(0, 4);
        int aOff = rnd.nextInt(0, 3), bOff = rnd.nextInt(0, 3);
        float[] a = nanPadded(rnd, aOff, lda, tA ? k : m, tA ? m : k, trailing);
        float[] b = nanPadded(rnd, bOff, ldb, tB ? n : k, tB ? k : n, trailing);
        float[] c = random(rnd, m * n), expected = c.clone();
        Gemm.sgemm(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, 0, n, acc);
        Gemm.sgemmReference(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, expected, 0, n, acc);
        for (int x = 0; x < c.length; x++) {
            int i = x / n, j = x % n;
            double tol = tolerance(tA, tB, k, a, aOff, lda, b, bOff, ldb, i, j, acc ? expected[x] : 0);
            assertThat((double) c[x]).as("C(%d,%d) m=%d n=%d k=%d transA=%s transB=%s trailing=%d threads=%d", i, j,
                    m, n, k, tA, tB, trailing, Parallel.threads()).isCloseTo(expected[x],
                    org.assertj.core.data.Offset.offset(tol));
        }
    }

    /** A rows x cols matrix (leading dimension ld, from off) of random values; every other element is NaN. */
    private static float[] nanPadded(SplittableRandom rnd, int off, int ld, int rows, int cols, int trailing) {
        float[] x = new float[off + (rows - 1) * ld + cols + trailing];
        java.util.Arrays.fill(x, Float.NaN);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) x[off + r * ld + j] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void fastMatchesReferenceAcrossCacheBlocks(int threads) {
        // Larger than one MC x KC block and with more than 4 column panels: packed A and B, several k blocks.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(7 + threads);
        check(rnd, 250, 161, 530, false, false, false);
        check(rnd, 243, 170, 513, true, true, true);
        check(rnd, 17, 1100, 70, false, false, true); // packed non-transposed B, 1100 = 34*32 + 12
        check(rnd, 300, 40, 600, true, false, false); // row split, in-place operands
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void manyRowsWithSmallPackedBSplitByColumns(int threads) {
        // Enough row tiles for a row split, but a packed B block small enough that each thread packs its own columns
        // (VectorGemm.splitsColumns); partial last column and row panels, accumulate and not, several depth blocks.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(77 + threads);
        int[][] shapes = {{520, 300, 90, 0}, {200, 270, 70, 2}, {515, 259, 1100, 0}, {136, 500, 33, 3}};
        for (int[] s : shapes) {
            boolean tA = (s[3] & 1) != 0, tB = (s[3] & 2) != 0;
            int m = s[0], n = s[1], k = s[2], ldb = tB ? k : n;
            assertThat(VectorGemm.splitsColumns(tB, m, n, k, ldb, 2, (n + VectorGemm.NR - 1) / VectorGemm.NR))
                    .as("%dx%dx%d takes the column split on 2 threads", m, n, k).isTrue();
            check(rnd, m, n, k, tA, tB, false);
            check(rnd, m, n, k, tA, tB, true);
        }
        // A B block read in place (no shared copy) keeps the row split.
        assertThat(VectorGemm.splitsColumns(false, 256, 784, 64, 784, 2, 25)).isFalse();
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void fewRowTilesSplitAcrossThreads(int threads) {
        // Fewer row tiles than MIN_TASK_TILES per thread: split by columns (a batch-64 layer), or, with a single
        // column panel, by rows in chunks small enough for every thread to get one; power-of-two leading
        // dimensions (packed B for many rows).
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(51 + threads);
        check(rnd, 64, 256, 200, false, false, false);
        check(rnd, 64, 256, 200, true, false, true);
        check(rnd, 120, 30, 700, false, false, false);
        check(rnd, 104, 32, 640, true, false, true);
        check(rnd, 512, 128, 700, true, false, false);
        check(rnd, 300, 128, 512, false, false, true);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void narrowTrailingColumnsMatchReference(int threads) {
        // A * B^T whose last 1..4 columns (past the last full 32-wide panel) run as dot products
        // (VectorGemm.narrowColumns), with and without a blocked main part, around its bounds (m >= 16, k >= 16),
        // plus transA, which keeps the zero-padded panel.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(71 + threads);
        for (int m : new int[] {15, 16, 37, 300}) {
            for (int n : new int[] {1, 3, 4, 5, 33, 36, 37, 65, 68}) {
                for (int k : new int[] {15, 16, 129}) {
                    check(rnd, m, n, k, false, true, rnd.nextBoolean());
                }
            }
        }
        check(rnd, 2048, 65, 128, false, true, false); // the tiny GPT's vocabulary head
        check(rnd, 2048, 65, 128, false, true, true);
        check(rnd, 100, 65, 40, true, true, false);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void fewRowsDotPathMatchesReference(int threads) {
        // m < 8 with B stored [n, k] runs as blocked dot products (VectorGemv.dots: 4x2 and 1x8 blocks, clamped
        // edges, scalar depth tail); the sizes straddle its dispatch bounds (k >= 128 for 5..7 rows).
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(21 + threads);
        for (int m = 1; m <= 8; m++) {
            for (int k : new int[] {16, 40, 127, 128, 200, 577}) {
                for (int n : new int[] {1, 2, 7, 9, 25, 33}) {
                    check(rnd, m, n, k, rnd.nextBoolean(), true, rnd.nextBoolean());
                }
            }
        }
        check(rnd, 6, 2100, 300, false, true, false); // large enough to split columns across threads
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void dotPathResultDoesNotDependOnBlocking(int threads) {
        // Each C(i, j) of the dot path must be bit-identical whether it falls in a 4x2 block, a 1x8 block or a
        // clamped edge block, so a row or a column computed alone equals the same row/column of the full product.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(31);
        int m = 7, n = 2001, k = 333;
        float[] a = random(rnd, m * k), b = random(rnd, n * k), c = new float[m * n];
        Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
        for (int i = 0; i < m; i++) {
            float[] row = new float[n];
            Gemm.sgemm(false, true, 1, n, k, a, i * k, k, b, 0, k, row, 0, n, false);
            for (int j = 0; j < n; j++) assertThat(row[j]).as("C(%d,%d)", i, j).isEqualTo(c[i * n + j]);
        }
        for (int j : new int[] {0, 1, 2, 999, 2000}) {
            float[] col = new float[m];
            Gemm.sgemm(false, true, m, 1, k, a, 0, k, b, j * k, k, col, 0, 1, false);
            for (int i = 0; i < m; i++) assertThat(col[i]).as("C(%d,%d)", i, j).isEqualTo(c[i * n + j]);
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void packedAPathMatchesReference(int threads) {
        // Enough column panels for the macro-kernel to pack A (transposed: >= 8 panels; plain: >= 16 panels and
        // lda >= 2048), with partial row panels, several MC and KC blocks, and both C modes.
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(41 + threads);
        check(rnd, 67, 260, 1030, true, false, false); // two depth blocks
        check(rnd, 20, 500, 2050, false, false, true); // three depth blocks, a partial row panel
        check(rnd, 250, 260, 300, true, false, false); // two MC blocks
        check(rnd, 130, 300, 300, true, true, true);
    }

    @Test
    void mlpShapesMatchReference() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            check(rnd, 64, 256, 784, false, false, false); // forward
            check(rnd, 784, 256, 64, true, false, true); // weight gradient x^T dy
            check(rnd, 64, 784, 256, false, true, false); // input gradient dy W^T
        }
    }

    @Test
    void scalarDispatchMatchesReferenceExactly() {
        VectorSupport.setEnabled(false);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] a = random(rnd, 6 * 5), b = random(rnd, 5 * 4), c = new float[6 * 4], r = new float[6 * 4];
        Gemm.sgemm(false, false, 6, 4, 5, a, 0, 5, b, 0, 4, c, 0, 4, false);
        Gemm.sgemmReference(false, false, 6, 4, 5, a, 0, 5, b, 0, 4, r, 0, 4, false);
        assertThat(c).containsExactly(r);
    }

    @Test
    void referenceComputesKnownProduct() {
        // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = {1, 2, 3, 4, 5, 6}, b = {7, 8, 9, 10, 11, 12};
        float[] c = new float[4];
        Gemm.sgemmReference(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false);
        assertThat(c).containsExactly(58, 64, 139, 154);
        float[] at = {1, 4, 2, 5, 3, 6}, bt = {7, 9, 11, 8, 10, 12}; // stored transposed
        float[] d = {1, 1, 1, 1};
        Gemm.sgemm(true, true, 2, 2, 3, at, 0, 2, bt, 0, 3, d, 0, 2, true);
        assertThat(d).containsExactly(59, 65, 140, 155);
    }

    @Test
    void emptyProducts() {
        float[] c = {5, 5, 5, 5};
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, true);
        assertThat(c).containsExactly(5, 5, 5, 5);
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, false);
        assertThat(c).containsExactly(0, 0, 0, 0);
        Gemm.sgemm(false, false, 0, 3, 4, null, 0, 4, null, 0, 3, null, 0, 3, false); // nothing to do
        float[] d = {7, 7};
        Gemm.sgemm(false, false, 1, 0, 4, new float[4], 0, 4, new float[0], 0, 0, d, 0, 0, false);
        assertThat(d).containsExactly(7, 7);
    }

    @Test
    void argumentErrorsNameTheProblem() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        assertThatThrownBy(() -> Gemm.sgemm(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m=-1")
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 3, a, 1, 3, b, 0, 2, c, 0, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A is stored as [m,k] = 2x3")
                .hasMessageContaining("aOff=1").hasMessageContaining("a.length >= 7").hasMessageContaining("a.length=6");
        assertThatThrownBy(() -> Gemm.sgemm(false, true, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B is stored as [n,k] = 2x3")
                .hasMessageContaining("ldb must be >= 3, got ldb=2");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 1, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C is stored as [m,n] = 2x2")
                .hasMessageContaining("c.length >= 5");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 3, a, -2, 3, b, 0, 2, c, 0, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aOff=-2");
        assertThatThrownBy(() -> Gemm.sgemm(true, false, 2, 2, 3, null, 0, 2, b, 0, 2, c, 0, 2, false))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("array a (A) is null");
        float[] shared = new float[20];
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 2, shared, 0, 2, b, 0, 2, shared, 2, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C overlaps A");
        assertThatThrownBy(() -> Gemm.sgemmReference(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, new float[3], 0, 2,
                false)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sgemmReference(");
    }

    @Test
    void warmupIsIdempotent() {
        KernelWarmup.warmup();
        long t = System.nanoTime();
        KernelWarmup.warmup();
        assertThat(System.nanoTime() - t).isLessThan(50_000_000L);
    }
}
