// TfidfVectorizer: documents -> TF-IDF features with scikit-learn's TfidfVectorizer semantics (smooth idf,
// optional sublinear tf, l2/l1 row norm). Fitted on training documents only; transform() yields a sparse
// CSR matrix whose rows become dense float32 [B, V] tensors per batch.
package dev.kindling.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Term-frequency x inverse-document-frequency features.
 *
 * <p>For a document with raw count {@code c} of term {@code t}: {@code tf = c} (or {@code 1 + ln c} when
 * sublinear, or 1 when binary); {@code idf = ln((1 + n) / (1 + df)) + 1} with smooth idf, else
 * {@code ln(n / df) + 1}, where {@code n} and {@code df} come from the training documents; the row
 * {@code tf * idf} is then divided by its l2 (or l1) norm. Computed in double, stored as float32.
 * Setting {@code useIdf(false).norm(Norm.NONE)} gives plain bag-of-words counts.
 *
 * <p>Example:
 * <pre>{@code
 * var tfidf = TfidfVectorizer.builder().tokenizer(EmailTokenizer.builder().build())
 *         .minDf(2).maxFeatures(20_000).sublinearTf(true).build();
 * SparseMatrix xTrain = tfidf.fitTransform(trainTexts);   // [N, V]
 * SparseMatrix xTest = tfidf.transform(testTexts);        // same V; unseen terms ignored
 * Tensor batch = xTrain.denseRows(batchIds);              // [B, V] float32
 * }</pre>
 */
public final class TfidfVectorizer {
    /** Row normalisation. */
    public enum Norm {
        /** Divide each row by its Euclidean norm (default). */
        L2,
        /** Divide each row by the sum of absolute values. */
        L1,
        /** Leave rows as they are. */
        NONE
    }

    private final Tokenizer tokenizer;
    private final Vocabulary.Builder vocabularyOptions;
    private final boolean sublinearTf;
    private final boolean smoothIdf;
    private final boolean useIdf;
    private final boolean binary;
    private final Norm norm;
    private Vocabulary vocabulary;
    private double[] idf;   // [V]

    private TfidfVectorizer(Builder b) {
        this.tokenizer = b.tokenizer;
        this.vocabularyOptions = b.vocabulary;
        this.sublinearTf = b.sublinearTf;
        this.smoothIdf = b.smoothIdf;
        this.useIdf = b.useIdf;
        this.binary = b.binary;
        this.norm = b.norm;
    }

    /** A builder with scikit-learn's defaults: words tokenizer, smooth idf, l2 norm, raw tf, no pruning. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of a {@link TfidfVectorizer}. */
    public static final class Builder {
        private Tokenizer tokenizer = Tokenizer.words();
        private final Vocabulary.Builder vocabulary = Vocabulary.builder();
        private boolean sublinearTf;
        private boolean smoothIdf = true;
        private boolean useIdf = true;
        private boolean binary;
        private Norm norm = Norm.L2;

        private Builder() {}

        /** How documents are split into terms (default {@link Tokenizer#words()}). */
        public Builder tokenizer(Tokenizer t) {
            if (t == null) throw new IllegalArgumentException("TfidfVectorizer: tokenizer must not be null");
            tokenizer = t;
            return this;
        }

        /** See {@link Vocabulary.Builder#minDf(int)}. */
        public Builder minDf(int count) {
            vocabulary.minDf(count);
            return this;
        }

        /** See {@link Vocabulary.Builder#minDf(double)}. */
        public Builder minDf(double fraction) {
            vocabulary.minDf(fraction);
            return this;
        }

        /** See {@link Vocabulary.Builder#maxDf(int)}. */
        public Builder maxDf(int count) {
            vocabulary.maxDf(count);
            return this;
        }

        /** See {@link Vocabulary.Builder#maxDf(double)}. */
        public Builder maxDf(double fraction) {
            vocabulary.maxDf(fraction);
            return this;
        }

        /** See {@link Vocabulary.Builder#maxFeatures(int)}. */
        public Builder maxFeatures(int n) {
            vocabulary.maxFeatures(n);
            return this;
        }

        /** Use {@code 1 + ln(count)} instead of the raw count (default false). */
        public Builder sublinearTf(boolean on) {
            sublinearTf = on;
            return this;
        }

        /** Add one to document counts, as if a document contained every term once (default true). */
        public Builder smoothIdf(boolean on) {
            smoothIdf = on;
            return this;
        }

        /** Multiply by idf (default true); false gives term frequencies only. */
        public Builder useIdf(boolean on) {
            useIdf = on;
            return this;
        }

        /** Count presence (0/1) instead of occurrences (default false). */
        public Builder binary(boolean on) {
            binary = on;
            return this;
        }

        /** Row normalisation (default L2). */
        public Builder norm(Norm n) {
            if (n == null) throw new IllegalArgumentException("TfidfVectorizer: norm must not be null");
            norm = n;
            return this;
        }

        public TfidfVectorizer build() {
            return new TfidfVectorizer(this);
        }
    }

    /** Tokenizes each document with this vectorizer's tokenizer. */
    public List<List<String>> tokenize(List<String> documents) {
        List<List<String>> out = new ArrayList<>(documents.size());
        for (String d : documents) out.add(tokenizer.tokenize(d));
        return out;
    }

    /** Learns the vocabulary and idf from training documents. Returns this. */
    public TfidfVectorizer fit(List<String> documents) {
        return fitTokens(tokenize(documents));
    }

    /** Like {@link #fit} on already tokenized documents. */
    public TfidfVectorizer fitTokens(List<List<String>> documents) {
        if (documents.isEmpty()) throw new IllegalArgumentException("TfidfVectorizer.fit: no documents");
        Vocabulary v = vocabularyOptions.build(documents);
        if (v.size() == 0) throw new IllegalArgumentException("TfidfVectorizer.fit: empty vocabulary from "
                + documents.size() + " documents (all terms pruned by min_df/max_df, or no terms found)");
        double[] w = new double[v.size()];
        double n = v.numDocuments() + (smoothIdf ? 1 : 0);
        for (int i = 0; i < w.length; i++) w[i] = Math.log(n / (v.documentFrequency(i) + (smoothIdf ? 1 : 0))) + 1.0;
        this.vocabulary = v;
        this.idf = w;
        return this;
    }

    /** Fits on {@code documents} and returns their features [N, V]. */
    public SparseMatrix fitTransform(List<String> documents) {
        List<List<String>> tokens = tokenize(documents);
        fitTokens(tokens);
        return transformTokens(tokens);
    }

    /** Features of {@code documents}: a sparse [N, V] float32 matrix; terms outside the vocabulary are ignored. */
    public SparseMatrix transform(List<String> documents) {
        return transformTokens(tokenize(documents));
    }

    /** Like {@link #transform} on already tokenized documents. */
    public SparseMatrix transformTokens(List<List<String>> documents) {
        requireFitted("transform");
        int n = documents.size(), vSize = vocabulary.size();
        int[] rowPtr = new int[n + 1];
        int[] cols = new int[Math.max(16, n * 8)];
        float[] vals = new float[cols.length];
        int[] count = new int[vSize];   // occurrences in the current document, reset after each row
        int[] rowCols = new int[16];
        double[] rowVals = new double[16];
        for (int d = 0; d < n; d++) {
            int k = 0;
            for (String t : documents.get(d)) {
                int c = vocabulary.indexOf(t);
                if (c < 0) continue;
                if (count[c]++ == 0) {
                    if (k == rowCols.length) rowCols = Arrays.copyOf(rowCols, k * 2);
                    rowCols[k++] = c;
                }
            }
            if (rowVals.length < k) rowVals = new double[rowCols.length];
            Arrays.sort(rowCols, 0, k);
            double normAcc = 0;
            for (int j = 0; j < k; j++) {
                double c = count[rowCols[j]];
                count[rowCols[j]] = 0;
                double tf = binary ? 1.0 : sublinearTf ? 1.0 + Math.log(c) : c;
                double x = useIdf ? tf * idf[rowCols[j]] : tf;
                rowVals[j] = x;
                normAcc += norm == Norm.L2 ? x * x : Math.abs(x);
            }
            double scale = norm == Norm.NONE || normAcc == 0 ? 1.0
                    : norm == Norm.L2 ? 1.0 / Math.sqrt(normAcc) : 1.0 / normAcc;
            int base = rowPtr[d];
            if (base + k > cols.length) {
                int cap = Math.max(base + k, cols.length + cols.length / 2);
                cols = Arrays.copyOf(cols, cap);
                vals = Arrays.copyOf(vals, cap);
            }
            for (int j = 0; j < k; j++) {
                cols[base + j] = rowCols[j];
                vals[base + j] = (float) (rowVals[j] * scale);
            }
            rowPtr[d + 1] = base + k;
        }
        int nnz = rowPtr[n];
        return new SparseMatrix(n, vSize, rowPtr, Arrays.copyOf(cols, nnz), Arrays.copyOf(vals, nnz));
    }

    /** The tokenizer documents are split with. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The fitted vocabulary. */
    public Vocabulary vocabulary() {
        requireFitted("vocabulary");
        return vocabulary;
    }

    /** The fitted idf weights [V] (a copy), in vocabulary order. */
    public double[] idf() {
        requireFitted("idf");
        return idf.clone();
    }

    /** True once fitted. */
    public boolean isFitted() {
        return vocabulary != null;
    }

    private void requireFitted(String op) {
        if (vocabulary == null)
            throw new IllegalStateException("TfidfVectorizer." + op + ": not fitted; call fit(trainDocuments) first");
    }

    @Override
    public String toString() {
        return "TfidfVectorizer(" + tokenizer + ", norm=" + norm + ", sublinearTf=" + sublinearTf + ", smoothIdf="
                + smoothIdf + ", useIdf=" + useIdf + ", binary=" + binary
                + (vocabulary != null ? ", " + vocabulary.size() + " terms" : ", not fitted") + ")";
    }
}
