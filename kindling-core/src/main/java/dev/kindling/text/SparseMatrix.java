// SparseMatrix: an immutable float32 matrix in compressed sparse row (CSR) form. TF-IDF features of a
// corpus are ~99% zeros, so they are kept sparse and turned into dense [B, V] tensors one batch at a time.
package dev.kindling.text;

import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * A CSR matrix: row {@code r}'s non-zeros are {@code values[rowPtr[r]..rowPtr[r+1])} at columns
 * {@code colIndex[...]} (ascending within a row).
 *
 * <p>Example:
 * <pre>{@code
 * SparseMatrix x = vectorizer.transform(docs);       // [N, V] sparse
 * Tensor batch = x.denseRows(new int[] {3, 7, 9});   // [3, V] float32
 * }</pre>
 */
public final class SparseMatrix {
    private final int rows;
    private final int cols;
    private final int[] rowPtr;     // [rows + 1]
    private final int[] colIndex;   // [nnz]
    private final float[] values;   // [nnz]

    /**
     * Wraps CSR arrays (not copied). Args: {@code rowPtr} of length rows + 1, non-decreasing from 0 to nnz;
     * {@code colIndex} ascending within each row and in [0, cols); {@code values} of length nnz.
     */
    public SparseMatrix(int rows, int cols, int[] rowPtr, int[] colIndex, float[] values) {
        if (rows < 0 || cols < 0)
            throw new IllegalArgumentException("SparseMatrix: rows and cols must be >= 0, got [" + rows + ", " + cols + "]");
        if (rowPtr.length != rows + 1 || rowPtr[0] != 0)
            throw new IllegalArgumentException("SparseMatrix: rowPtr must have rows + 1 = " + (rows + 1)
                    + " entries starting at 0, got " + rowPtr.length);
        int nnz = rowPtr[rows];
        if (colIndex.length != nnz || values.length != nnz)
            throw new IllegalArgumentException("SparseMatrix: rowPtr[rows] = " + nnz + " but colIndex has "
                    + colIndex.length + " and values " + values.length + " entries");
        for (int r = 0; r < rows; r++) {
            if (rowPtr[r + 1] < rowPtr[r])
                throw new IllegalArgumentException("SparseMatrix: rowPtr decreases at row " + r);
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
                int c = colIndex[k];
                if (c < 0 || c >= cols) throw new IndexOutOfBoundsException(
                        "SparseMatrix: column " + c + " in row " + r + " out of range for " + cols + " columns");
                if (k > rowPtr[r] && c <= colIndex[k - 1])
                    throw new IllegalArgumentException("SparseMatrix: columns of row " + r + " are not strictly ascending");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIndex = colIndex;
        this.values = values;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** Number of stored (non-zero) entries. */
    public int nnz() {
        return rowPtr[rows];
    }

    /** Stored entries of row {@code r}. */
    public int rowNnz(int r) {
        checkRow("rowNnz", r);
        return rowPtr[r + 1] - rowPtr[r];
    }

    /** Entry (r, c); 0 when not stored. */
    public float get(int r, int c) {
        checkRow("get", r);
        if (c < 0 || c >= cols)
            throw new IndexOutOfBoundsException("SparseMatrix.get: column " + c + " out of range for " + cols + " columns");
        int k = Arrays.binarySearch(colIndex, rowPtr[r], rowPtr[r + 1], c);
        return k >= 0 ? values[k] : 0f;
    }

    /** Column indices of row {@code r}'s non-zeros (a copy). */
    public int[] rowColumns(int r) {
        checkRow("rowColumns", r);
        return Arrays.copyOfRange(colIndex, rowPtr[r], rowPtr[r + 1]);
    }

    /** Values of row {@code r}'s non-zeros (a copy), in the order of {@link #rowColumns}. */
    public float[] rowValues(int r) {
        checkRow("rowValues", r);
        return Arrays.copyOfRange(values, rowPtr[r], rowPtr[r + 1]);
    }

    /** The rows {@code rowIds} (any order, repeats allowed) as a new sparse matrix [rowIds.length, cols]. */
    public SparseMatrix selectRows(int[] rowIds) {
        int[] ptr = new int[rowIds.length + 1];
        for (int i = 0; i < rowIds.length; i++) {
            checkRow("selectRows", rowIds[i]);
            ptr[i + 1] = ptr[i] + rowPtr[rowIds[i] + 1] - rowPtr[rowIds[i]];
        }
        int[] ci = new int[ptr[rowIds.length]];
        float[] v = new float[ci.length];
        for (int i = 0; i < rowIds.length; i++) {
            int r = rowIds[i], len = rowPtr[r + 1] - rowPtr[r];
            System.arraycopy(colIndex, rowPtr[r], ci, ptr[i], len);
            System.arraycopy(values, rowPtr[r], v, ptr[i], len);
        }
        return new SparseMatrix(rowIds.length, cols, ptr, ci, v);
    }

    /** The rows {@code rowIds} as a dense float32 tensor [rowIds.length, cols]. */
    public Tensor denseRows(int[] rowIds) {
        float[] out = new float[Math.multiplyExact(rowIds.length, cols)];
        for (int i = 0; i < rowIds.length; i++) scatterRow(rowIds[i], out, i * cols, "denseRows");
        return Tensor.of(out, rowIds.length, cols);    // [B, V]
    }

    /** Row {@code r} as a dense float32 tensor [cols]. */
    public Tensor denseRow(int r) {
        float[] out = new float[cols];
        scatterRow(r, out, 0, "denseRow");
        return Tensor.of(out, cols);    // [V]
    }

    /** The whole matrix as a dense float32 tensor [rows, cols]; mind the memory for large vocabularies. */
    public Tensor toDense() {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) scatterRow(r, out, r * cols, "toDense");
        return Tensor.of(out, rows, cols);    // [N, V]
    }

    private void scatterRow(int r, float[] out, int base, String op) {
        checkRow(op, r);
        for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) out[base + colIndex[k]] = values[k];
    }

    private void checkRow(String op, int r) {
        if (r < 0 || r >= rows)
            throw new IndexOutOfBoundsException("SparseMatrix." + op + ": row " + r + " out of range for " + rows + " rows");
    }

    @Override
    public String toString() {
        return "SparseMatrix[" + rows + ", " + cols + "] nnz=" + nnz();
    }
}
