// VectorGemm: the fast single-precision GEMM. BLIS-style loop nest: column blocks of NC, depth blocks of KC
// (the op(B) block packed into NR-wide panels unless it is small), row blocks of MC, then MR x NR register
// tiles computed by VectorGemmKernels. op(A) is packed per MC x KC block when many column panels reuse it
// (else read in place through strides); partial tiles go through a scratch tile, their edge panels read in place
// (surplus lanes discarded) where that stays inside the array, else copied zero-padded; the last 1-4 columns of
// A * B^T run as dot products (VectorGemv).
// Threads split C by rows (sharing one packed B block per depth step) or, for few rows or a small packed B, by
// columns.
// Spec: GemmReference; tests: GemmTest.
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast GEMM using the Vector API. Only loaded when {@link VectorSupport#enabled()} is true; callers go through
 * {@link Gemm#sgemm}, which validates arguments.
 */
final class VectorGemm {
    static final int MR = VectorGemmKernels.MR;
    static final int NR = VectorGemmKernels.NR;
    private static final int VL = VectorGemmKernels.VL;
    /** Rows of C per macro-kernel pass (the packed A block is MC x KC). Tunable for other machines with
     *  -Dkindling.gemm.mc / -Dkindling.gemm.kc; 120 measured 2-5% slower here at n=2048, and with packed A
     *  KC=512 or 256 (MC 240 or 480) no faster than 1024. */
    static final int MC = Integer.getInteger("kindling.gemm.mc", 240) / MR * MR;
    /** Depth per block: long enough to amortize C updates, short enough for a B panel (KC x NR) to sit in L2. */
    static final int KC = Integer.getInteger("kindling.gemm.kc", 1024);
    /** Columns of op(B) per packed block (KC x NC floats = 16 MiB, within the shared L3). */
    static final int NC = 4096 / NR * NR;
    /** Below this many flops one thread does the whole product: the hand-off would cost more than it saves. */
    static final long PARALLEL_MIN_FLOPS = 1L << 21;
    /**
     * A non-transposed B block is read in place when its footprint ({@code kc * max(nc, ldb)} floats) is at most
     * this (1 MiB, about one L2): the copy then costs more than it saves. Larger blocks are packed, which avoids
     * cache-set and TLB conflicts from large power-of-two row strides (-Dkindling.gemm.packBMax).
     */
    static final long PACK_B_MAX_IN_PLACE = Long.getLong("kindling.gemm.packBMax", 256L * 1024);

    /** Column panels per packing task of the shared B block. */
    private static final int PACK_GROUP = 4;
    /**
     * Row-split tasks per thread (-Dkindling.gemm.tasks): more tasks, shorter waits for the last one. 16 rather than 8
     * halves a 2048^3 task (5 ms at one thread's speed); 2 threads, 4 alternating processes each: 2048^3 196 -> 205
     * GFLOPS, 1536^3 201 -> 206, GPT-sized products unchanged within +-2%.
     */
    static final int TASKS_PER_THREAD = Integer.getInteger("kindling.gemm.tasks", 16);
    /** Fewest row tiles per row-split task (-Dkindling.gemm.minTaskTiles). */
    private static final int MIN_TASK_TILES = Integer.getInteger("kindling.gemm.minTaskTiles", 8);
    /** Row tiles per thread below which a product with enough column panels is split by columns instead. */
    private static final int ROW_SPLIT_MIN_TILES = 8;
    /**
     * Tuning switch for other machines (-Dkindling.gemm.splitColumns=true): split every product by columns, each
     * thread packing its own part of B with no barrier, instead of by rows around one shared packed B block.
     */
    static final boolean SPLIT_COLUMNS = Boolean.getBoolean("kindling.gemm.splitColumns");
    /**
     * Floats of the op(B) block per thread up to which a product whose B block is packed is split by columns rather
     * than by rows (-Dkindling.gemm.colSplitMaxB; 256 Ki floats = 1 MiB, about one L2); see {@link #splitsColumns}.
     */
    static final long COLUMN_SPLIT_MAX_B = Long.getLong("kindling.gemm.colSplitMaxB", 256L * 1024);

    /**
     * Whether a product with enough row tiles for a row split is split by columns instead: when its B block is packed
     * and small. The row split repacks one shared B block per call that every thread then reads, so each call first
     * takes back from the other core the cache lines it read last time, then reads the half the other core wrote: at
     * 512^3 on 2 threads that pack phase took 80-320 us of a 1.4-1.8 ms call. Split by columns, each thread packs and
     * reads only its own part of B (the shared A and B are only read: each core keeps its own clean copy). Measured
     * with both policies alternating in one process (2 threads, 30 ms slices after 50 ms idle, median of 40-60 slices,
     * column / row): 512^3 1.010-1.178 over 8 runs (median GFLOPS 150-208 -> 178-215), 784x256x64 transB 1.022-1.062,
     * GPT-sized 2048x384x128 transB 1.012-1.015, 2048x128x512 1.006-1.010. At 1024^3 (2 MiB of B per thread) it lost
     * (0.946-0.981), so larger blocks keep the row split; 768^3 (1.2 MiB per thread) gained 1.009-1.094 in two runs
     * with the limit raised, left at one L2 until measured more widely. With B read in place there is no shared copy
     * and the row split stays (256x784x64 transA split by columns: 0.934-1.006).
     */
    static boolean splitsColumns(boolean transB, int m, int n, int k, int ldb, int threads, int colTiles) {
        if (SPLIT_COLUMNS) return true;
        int kc = Math.min(k, KC);
        return colTiles >= 4 * threads && (long) kc * n <= COLUMN_SPLIT_MAX_B * threads
                && packB(transB, kc, Math.min(n, NC), ldb, m);
    }

    /** Packing of A (-Dkindling.gemm.packA): "auto" (see {@link #packA}), "always" or "never". */
    static final String PACK_A = System.getProperty("kindling.gemm.packA", "auto");
    /** {@link #packA} thresholds: column panels for a transposed / plain A, and the least lda for a plain A. */
    static final int PACK_A_MIN_PANELS_T = Integer.getInteger("kindling.gemm.packAT", 8);
    static final int PACK_A_MIN_PANELS_N = Integer.getInteger("kindling.gemm.packAN", 16);
    static final int PACK_A_MIN_LDA = Integer.getInteger("kindling.gemm.packALda", 2048);
    /**
     * A plain A whose lda is a multiple of this (rows 4 KiB apart: a tile's eight rows share L1 sets) is packed too
     * (-Dkindling.gemm.packAAlias). Measured at 1024^3 in the bench's regime (each batch after 250 ms idle and a numpy
     * run, 4-5 alternating processes each): 1 thread 0.968 -> 1.001 and 0.955 -> 0.982 of numpy, 2 threads
     * 0.967 -> 0.999; back to back, where the rows stay cached, 106.6 -> 105.0 GFLOPS at 1 thread, 210 -> 213 at 2.
     */
    static final int PACK_A_ALIAS_LDA = Integer.getInteger("kindling.gemm.packAAlias", 1024);

    private static final int B_BUF = 0, A_EDGE = 1, B_EDGE = 2, TILE = 3, SWAP_OUT = 4, A_BUF = 5, NARROW_OUT = 6;
    /** Per-thread packing buffers (indexed by the constants above); grown on demand and reused across calls. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[7][0]);

    private VectorGemm() {}

    /** Computes the product for validated arguments with {@code m, n, k >= 1}. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int narrow = n % NR;
        if (takesNarrowColumns(transA, transB, m, narrow, k)) {
            if (n > narrow) sgemm(false, true, m, n - narrow, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            narrowColumns(m, n - narrow, narrow, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int threads = Parallel.threads();
        int rowTiles = (m + MR - 1) / MR, colTiles = (n + NR - 1) / NR;
        boolean parallel = threads > 1 && 2L * m * n * k >= PARALLEL_MIN_FLOPS;
        if (parallel && rowTiles >= ROW_SPLIT_MIN_TILES * threads
                && !splitsColumns(transB, m, n, k, ldb, threads, colTiles)) {
            // Row split. Each B block is packed once, by all threads together, then shared by the compute phase.
            rowSplit(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, rowTiles);
        } else if (parallel && colTiles >= threads) {
            // Column split: few rows (e.g. a batch-64 linear layer: too few row tiles for every thread to get
            // ROW_SPLIT_MIN_TILES of them), or a small packed B (splitsColumns). Threads are independent; each packs
            // only the B columns it uses and reads A whole.
            Parallel.forRange(colTiles, 1, (lo, hi) -> block(transA, transB, k, a, aOff, lda, b, bOff, ldb, c, cOff,
                    ldc, accumulate, 0, m, lo * NR, Math.min(n, hi * NR)));
        } else if (parallel && rowTiles >= threads) {
            rowSplit(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, rowTiles);
        } else {
            block(transA, transB, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, 0, m, 0, n);
        }
    }

    /**
     * Whether {@code C = A * B^T} with few rows should run as {@code C^T = B * A^T}: the wide [n, k] operand is then
     * read in place as the kernel's A (row streams) and only the small [m, k] one is packed; packing a transposed
     * [n, k] B is a gather that costs as much as the product when m is small. Measured single-thread speedups:
     * 1.24 (64x256x784), 1.26 (14x1536x384), 1.63 (8x4096x1024), 1.78 (32x1024x1024); below 8 rows or with a
     * B under 128 Ki elements it was slower (0.82 at 6x25x36864, 0.90 at 14x384x384), so those stay packed.
     * Also {@code C = A^T * B} with few columns; see {@link #SWAP_TN}.
     */
    static boolean prefersSwap(boolean transA, boolean transB, int m, int n, int k, int lda) {
        if (transA && !transB) {
            // Past half a vector of columns, only when the swapped B (A, [k, m]) is read in place, not packed.
            return SWAP_TN && m >= 2 * n && k >= SWAP_TN_MIN_K
                    && (n <= VL / 2 || n <= VL && !packB(false, Math.min(k, KC), Math.min(m, NC), lda, n));
        }
        return transB && !transA && m >= 8 && m <= 64 && n >= 2 * m && (long) n * k >= 1L << 17;
    }

    /**
     * {@code C = A^T * B} with few columns (a weight gradient of a narrow layer; B is [k, n]) runs as
     * {@code C^T = B^T * A}: both operands keep their stored layouts (B as the kernel's transposed A, eight floats per
     * depth step; A as its plain B), and the narrow side fills the kernel's rows instead of a 16-wide column panel
     * that is mostly zeros (-Dkindling.gemm.swapTN=false turns this off; k >= 64). GFLOPS, 1 thread / 2 threads,
     * before -> after, for n <= 8: 64x8x256 18.5 -> 80.6 / 25.3 -> 89.4, 20000x8x128 13.2 -> 28.4 / 35.2 -> 60.8,
     * 1024x6x2048 21.6 -> 31.5 / 40.3 -> 60.1, 8192x8x1024 17.2 -> 21.8 / 24.2 -> 30.9, 100000x8x64 14.1 -> 22.9 /
     * 28.7 -> 30.4, 100x3x2048 8.6 -> 14.2 / 9.6 -> 13.0, 25x6x36864 6.6 -> 9.9 / 10.5 -> 9.6 (then bound by packing
     * its edge panels; 53 / 54 since they are read in place, see EDGE_IN_PLACE). For 9 <= n <= 16 the panel is at
     * least half full and the swap pays only while the swapped B is read in place (150x16x4096 2t 72 -> 77); with it
     * packed it lost (4096x16x1024 1t 45 -> 35, 2048x12x256 48 -> 41), so those stay. With n <= 2 the swapped product
     * goes to VectorGemv (1 thread): 100x1x2048 3.4 -> 9.8, 4096x2x512 8.4 -> 17.1, 784x1x64 4.2 -> 14.4, 300x2x300
     * 8.5 -> 15.2 (18.7 through the blocked kernel).
     */
    static final boolean SWAP_TN = Boolean.parseBoolean(System.getProperty("kindling.gemm.swapTN", "true"));
    static final int SWAP_TN_MIN_K = Integer.getInteger("kindling.gemm.swapTNMinK", 64);

    /**
     * Most trailing columns (past the last full NR panel) that {@link #narrowColumns} computes as dot products
     * (-Dkindling.gemm.narrowMax; 0 turns the path off).
     */
    static final int NARROW_MAX = Integer.getInteger("kindling.gemm.narrowMax", 4);

    /**
     * Whether the last {@code narrow} columns of {@code C = A * B^T} are computed as dot products rather than in a
     * zero-padded panel: a vocabulary head of 65 columns is two full panels and one column, which the half-width
     * kernel computes as 16 (a quarter of the whole product's work for 1/65 of its columns; the 2048x65x128 head
     * ran at 0.79x OpenBLAS). Needs both operands contiguous along k (A plain, B stored [n, k]) and enough depth.
     */
    static boolean takesNarrowColumns(boolean transA, boolean transB, int m, int narrow, int k) {
        return transB && !transA && narrow >= 1 && narrow <= NARROW_MAX && m >= 16 && k >= VL;
    }

    /**
     * Columns {@code [j0, j0+narrow)} of {@code C (+)= A[m,k] * B[n,k]^T}: {@code D[narrow, m] = B[j0.., :] * A^T} on
     * the dot-product path (B's few rows against every row of A, each read once), written back transposed.
     */
    private static void narrowColumns(int m, int j0, int narrow, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // Its own buffer slot: this can run inside sgemmSwapped's inner product, whose output is SWAP_OUT.
        swapped(NARROW_OUT, false, true, m, narrow, k, a, aOff, lda, b, bOff + j0 * ldb, ldb, c, cOff + j0, ldc,
                accumulate);
    }

    /** {@code C (+)= op(A) * op(B)} computed as {@code D[n,m] = op(B)^T * op(A)^T} and written back transposed. */
    static void sgemmSwapped(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        swapped(SWAP_OUT, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** {@link #sgemmSwapped} with D in buffer {@code slot}, which the inner product must not use itself. */
    private static void swapped(int slot, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        float[] d = buffer(BUFFERS.get(), slot, n * m);   // [n, m]
        if (VectorGemv.applies(!transA, n, m, k)) {
            // Few rows of D (narrow columns of C, or one or two columns of A^T * B): VectorGemv's case.
            VectorGemv.sgemm(!transB, !transA, n, m, k, b, bOff, ldb, a, aOff, lda, d, 0, m, false);
        } else {
            sgemm(!transB, !transA, n, m, k, b, bOff, ldb, a, aOff, lda, d, 0, m, false);
        }
        writeTransposed(d, m, n, c, cOff, ldc, accumulate);
    }

    /** {@code C[i, j] (+)= d[j*m + i]} for {@code i < m, j < n}: a product computed transposed ([n, m]) into C. */
    private static void writeTransposed(float[] d, int m, int n, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int co = cOff + i * ldc;
            if (accumulate) {
                for (int j = 0; j < n; j++) c[co + j] += d[j * m + i];
            } else {
                for (int j = 0; j < n; j++) c[co + j] = d[j * m + i];
            }
        }
    }

    private static void rowSplit(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, int rowTiles) {
        float[][] bufs = BUFFERS.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc), panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0, packB = packB(transB, kc, nc, ldb, m);
                float[] bp = null, bEdge = null;
                int jc0 = jc, pc0 = pc;
                if (packB) {
                    float[] dst = bp = buffer(bufs, B_BUF, panels * NR * kc);
                    // Packed in dynamic groups of panels, so a descheduled thread does not hold up the barrier.
                    int groups = (panels + PACK_GROUP - 1) / PACK_GROUP;
                    Parallel.forDynamic(groups, g -> {
                        int lo = g * PACK_GROUP, hi = Math.min(panels, lo + PACK_GROUP);
                        packB(transB, b, bOff, ldb, pc0, kc, jc0 + lo * NR, Math.min(nc, hi * NR) - lo * NR, dst,
                                lo * NR * kc);
                    });
                } else {
                    bEdge = packBEdge(bufs, b, bOff, ldb, pc, kc, jc, nc);
                }
                float[] bpf = bp, bEdgef = bEdge;
                // Dynamic chunks of row tiles (~TASKS_PER_THREAD each): a thread that the OS slows down takes fewer,
                // and the last task, which the other threads may wait for, is short. At least MIN_TASK_TILES tiles
                // per task, so each B panel a task streams in is reused by several tiles (4 measured slower at 512).
                int threads = Parallel.threads();
                int chunk = Math.max(Math.min(MIN_TASK_TILES, (rowTiles + threads - 1) / threads),
                        rowTiles / (TASKS_PER_THREAD * threads));
                int tasks = (rowTiles + chunk - 1) / chunk;
                Parallel.forDynamic(tasks, t -> macro(transA, a, aOff, lda, packB, bpf, bEdgef, b, bOff, ldb, c, cOff,
                        ldc, add, t * chunk * MR, Math.min(m, (t + 1) * chunk * MR), jc0, nc, pc0, kc, BUFFERS.get()));
            }
        }
    }

    /** Computes rows {@code [r0, r1)} and columns {@code [c0, c1)} of C on the calling thread. */
    private static void block(boolean transA, boolean transB, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, int r0, int r1, int c0, int c1) {
        float[][] bufs = BUFFERS.get();
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc), panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0, packB = packB(transB, kc, nc, ldb, r1 - r0);
                float[] bp = null, bEdge = null;
                if (packB) {
                    bp = buffer(bufs, B_BUF, panels * NR * kc);
                    packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, 0);
                } else {
                    bEdge = packBEdge(bufs, b, bOff, ldb, pc, kc, jc, nc);
                }
                macro(transA, a, aOff, lda, packB, bp, bEdge, b, bOff, ldb, c, cOff, ldc, add, r0, r1, jc, nc, pc, kc,
                        bufs);
            }
        }
    }

    /**
     * A B block that at least this many rows of C reuse is always packed (-Dkindling.gemm.packBRows): the copy is
     * then a few percent of the work, and reading B in place with a power-of-two ldb ran at 38-93 GFLOPS from one
     * JVM to the next (512x128x2048 transA, where the physical pages land), packed at 76-85.
     */
    static final int PACK_B_MIN_ROWS = Integer.getInteger("kindling.gemm.packBRows", 512);

    /**
     * Whether to pack a B block; see {@link #PACK_B_MAX_IN_PLACE} and {@link #PACK_B_MIN_ROWS}. op(B) stored
     * transposed is always packed.
     */
    private static boolean packB(boolean transB, int kc, int nc, int ldb, int rows) {
        return transB || (long) kc * Math.max(nc, ldb) > PACK_B_MAX_IN_PLACE || rows >= PACK_B_MIN_ROWS;
    }

    /**
     * For B read in place: the partial last column panel packed zero-padded, or null when there is none or the kernel
     * can read it in place ({@link #EDGE_IN_PLACE}). The panel is {@link #edgeWidth} floats wide: one vector when its
     * columns fit one (the half-width kernel takes it).
     */
    private static float[] packBEdge(float[][] bufs, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc) {
        if (nc % NR == 0) return null;
        int width = edgeWidth(nc), j0 = jc + nc / NR * NR;
        if (EDGE_IN_PLACE && readsInside(b, bOff + pc * ldb + j0, 1, width, ldb, kc)) return null;
        float[] edge = buffer(bufs, B_EDGE, width * kc);
        GemmPacking.packB(false, b, bOff, ldb, pc, kc, j0, nc % NR, width, edge, 0);
        return edge;
    }

    /**
     * Partial edge panels are read in place, not copied zero-padded, whenever every element the kernel reads stays
     * inside the array (-Dkindling.gemm.edgeInPlace=false turns this off). The surplus rows and columns then hold
     * other values of the same array, possibly NaN, which only reach the part of the scratch tile that is discarded
     * (each output lane depends on its own row of A and column of B alone). For a product with a few rows or columns
     * and a long depth the copy cost several times the kernel: 6x25x36864 transA ran at 9.9 GFLOPS, numpy at 25.
     */
    static final boolean EDGE_IN_PLACE =
            Boolean.parseBoolean(System.getProperty("kindling.gemm.edgeInPlace", "true"));

    /**
     * Whether a kernel's reads stay inside {@code x}: at each of {@code steps} depth steps ({@code stepStride} apart,
     * from {@code off}) it reads {@code lanes} elements {@code laneStride} apart (a B panel row's lanes, or A's MR
     * rows).
     */
    private static boolean readsInside(float[] x, int off, int laneStride, int lanes, int stepStride, int steps) {
        long last = (long) off + (long) (lanes - 1) * laneStride + (long) (steps - 1) * stepStride;
        return last < x.length;   // offsets are >= 0 (Gemm validates them)
    }

    /** Row stride of the edge panel {@link #packBEdge} packs for a block of {@code nc} columns. */
    private static int edgeWidth(int nc) {
        return nc % NR <= VL ? VL : NR;
    }

    /**
     * The macro-kernel: rows {@code [r0, r1)} x columns {@code [jc, jc+nc)} of C for depth block
     * {@code [pc, pc+kc)}. B comes packed ({@code bp}) or in place ({@code b}, with {@code bEdge} for a partial last
     * panel that packBEdge copied). A is packed into this thread's buffer per MC block when {@link #packA} says so,
     * else read in place (a partial last row panel too, unless the kernel would read past the array's end: then it
     * is copied, zero-padded; see {@link #EDGE_IN_PLACE}).
     */
    private static void macro(boolean transA, float[] a, int aOff, int lda, boolean packB, float[] bp, float[] bEdge,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean add, int r0, int r1, int jc, int nc,
            int pc, int kc, float[][] bufs) {
        int ars = transA ? 1 : lda, aks = transA ? lda : 1;
        boolean packA = packA(transA, lda, nc);
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            float[] aEdge = null, ap = null;
            if (packA) {
                ap = buffer(bufs, A_BUF, (mc + MR - 1) / MR * MR * kc);
                if (transA) {
                    packATransposed(a, aOff, lda, ic, mc, pc, kc, ap);
                } else {
                    GemmPacking.packA(false, a, aOff, lda, ic, mc, pc, kc, MR, ap, 0);
                }
            } else if (mc % MR != 0) {
                int ir0 = ic + mc / MR * MR;
                if (!EDGE_IN_PLACE || !readsInside(a, aIndex(transA, aOff, lda, ir0, pc), ars, MR, aks, kc)) {
                    aEdge = buffer(bufs, A_EDGE, MR * kc);
                    GemmPacking.packA(transA, a, aOff, lda, ir0, mc % MR, pc, kc, MR, aEdge, 0);
                }
            }
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                float[] bt;
                int bo, bs;
                if (packB) {
                    bt = bp;
                    bo = jr * kc;
                    bs = NR;
                } else if (nr < NR && bEdge != null) {
                    bt = bEdge;
                    bo = 0;
                    bs = edgeWidth(nc);
                } else {
                    // A full panel, or the partial last one read in place (see packBEdge): the kernel's lanes past
                    // the last column read the next row's values, which only reach the scratch tile's discarded part.
                    bt = b;
                    bo = bOff + pc * ldb + jc + jr;
                    bs = ldb;
                }
                int co = cOff + ic * ldc + jc + jr;
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = Math.min(MR, mc - ir);
                    // The A row panel: packed, the zero-padded copy of a partial last panel, or in place (a partial
                    // last panel too: rows past mr read other values of A, which reach only the discarded rows).
                    float[] at;
                    int ao, rs, ks;
                    if (packA) {
                        at = ap;
                        ao = ir * kc;
                        rs = 1;
                        ks = MR;
                    } else if (mr < MR && aEdge != null) {
                        at = aEdge;
                        ao = 0;
                        rs = 1;
                        ks = MR;
                    } else {
                        at = a;
                        ao = aIndex(transA, aOff, lda, ic + ir, pc);
                        rs = ars;
                        ks = aks;
                    }
                    if (mr == MR && nr == NR) {
                        VectorGemmKernels.kernel(kc, at, ao, rs, ks, bt, bo, bs, c, co + ir * ldc, ldc, add);
                    } else {
                        partialTile(kc, at, ao, rs, ks, bt, bo, bs, mr, nr, c, co + ir * ldc, ldc, add, bufs);
                    }
                }
            }
        }
    }

    /** Index of op(A)(row, p) in {@code a}: A stored [m, k], or [k, m] when transposed. */
    private static int aIndex(boolean transA, int aOff, int lda, int row, int p) {
        return transA ? aOff + p * lda + row : aOff + row * lda + p;
    }

    /**
     * Whether the macro-kernel packs each MC x KC block of op(A). A transposed A is read eight floats per depth
     * step at a stride of lda, so every tile touches kc cache lines that collide in the cache sets; packing it is a
     * contiguous copy (measured 1.18-1.25x at 1024^3 with transA, one thread). A plain A streams well in place
     * (packing measured 0.89-1.0x at 512^3, 0.97-1.06x at 1024^3), so only very long rows (lda >= 2048, whose rows
     * collide in L2 when the block is re-read for many column panels) and rows a multiple of 4 KiB apart
     * ({@link #PACK_A_ALIAS_LDA}) are packed. Packing costs about one column panel's work, so few panels skip it.
     */
    static boolean packA(boolean transA, int lda, int nc) {
        int panels = (nc + NR - 1) / NR;
        return switch (PACK_A) {
            case "always" -> true;
            case "never" -> false;
            default -> transA ? panels >= PACK_A_MIN_PANELS_T : panels >= PACK_A_MIN_PANELS_N
                    && (lda >= PACK_A_MIN_LDA || lda % PACK_A_ALIAS_LDA == 0);
        };
    }

    /**
     * {@link GemmPacking#packB} with the full panels of a plain B copied as two vectors per depth step (one
     * System.arraycopy call of 32 floats per step cost about as much as the copy itself).
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
            float[] dst, int dOff) {
        if (transB) {
            GemmPacking.packB(true, b, bOff, ldb, p0, kc, j0, nc, NR, dst, dOff);
            return;
        }
        int full = nc / NR;
        for (int s = 0; s < full; s++) {
            for (int p = 0, src = bOff + p0 * ldb + j0 + s * NR, d = dOff + s * NR * kc; p < kc;
                    p++, src += ldb, d += NR) {
                FloatVector.fromArray(VectorGemmKernels.S, b, src).intoArray(dst, d);
                FloatVector.fromArray(VectorGemmKernels.S, b, src + VL).intoArray(dst, d + VL);
            }
        }
        if (nc % NR != 0) {
            GemmPacking.packB(false, b, bOff, ldb, p0, kc, j0 + full * NR, nc % NR, NR, dst, dOff + full * NR * kc);
        }
    }

    /** Eight floats: one depth step of a transposed A panel. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

    /**
     * {@link GemmPacking#packA} for a transposed A: there the MR = 8 values of one depth step are already adjacent,
     * so a full panel is one 8-float vector copy per depth step (the scalar loop spent 8 loads and 8 stores).
     */
    private static void packATransposed(float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst) {
        int full = mc / MR;
        for (int s = 0; s < full; s++) {
            for (int p = 0, src = aOff + p0 * lda + i0 + s * MR, d = s * MR * kc; p < kc; p++, src += lda, d += MR) {
                FloatVector.fromArray(S8, a, src).intoArray(dst, d);
            }
        }
        if (mc % MR != 0) {
            GemmPacking.packA(true, a, aOff, lda, i0 + full * MR, mc % MR, p0, kc, MR, dst, full * MR * kc);
        }
    }

    /**
     * A partial tile: a full tile (half width when {@code nr <= VL}) from zero-padded panels into scratch, then only
     * the existing part into C.
     */
    private static void partialTile(int kc, float[] a, int ao, int ars, int aks, float[] b, int bo, int bks, int mr,
            int nr, float[] c, int co, int ldc, boolean add, float[][] bufs) {
        float[] t = buffer(bufs, TILE, MR * NR);
        if (nr <= VL) {
            VectorGemmKernels.kernelHalf(kc, a, ao, ars, aks, b, bo, bks, t, 0, NR, false);
        } else {
            VectorGemmKernels.kernel(kc, a, ao, ars, aks, b, bo, bks, t, 0, NR, false);
        }
        mergeTile(t, mr, nr, c, co, ldc, add);
    }

    /** Writes (or adds, when {@code add}) the top-left {@code mr x nr} of scratch tile {@code t} into C. */
    private static void mergeTile(float[] t, int mr, int nr, float[] c, int co, int ldc, boolean add) {
        // Kept simple on purpose. Measured against it: a plain copy loop ran a 36864x25x6 product (all edge tiles)
        // at 8.8 instead of 24-27 GFLOPS; a Vector API masked store ran 36864x6x25 at 21 instead of 12, but in both
        // bench runs made with it a 256x784x64 product after the square sizes fell to 44 GFLOPS (90 alone). Single
        // reps of that product later dipped to 43 with this version too, so the masked store is not proven guilty;
        // it is left out until a JIT log says whether a rarely-hot Vector API helper stays in C1.
        for (int r = 0; r < mr; r++) {
            int o = co + r * ldc, to = r * NR;
            if (add) {
                for (int j = 0; j < nr; j++) c[o + j] += t[to + j];
            } else {
                System.arraycopy(t, to, c, o, nr);
            }
        }
    }

    private static float[] buffer(float[][] bufs, int which, int size) {
        float[] buf = bufs[which];
        if (buf.length < size) {
            buf = new float[size];
            bufs[which] = buf;
        }
        return buf;
    }
}
