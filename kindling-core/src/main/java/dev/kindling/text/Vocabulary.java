// Vocabulary: the term -> column index map of a bag-of-words / TF-IDF model, built from tokenized training
// documents with scikit-learn's CountVectorizer pruning (min_df, max_df, max_features); columns are sorted
// alphabetically as in scikit-learn, so feature i is the same term for the same training set.
package dev.kindling.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, ordered set of terms with their document frequencies in the training corpus.
 *
 * <p>Example:
 * <pre>{@code
 * var vocab = Vocabulary.builder().minDf(2).maxFeatures(20_000).build(tokenizedTrainDocs);
 * int col = vocab.indexOf("free");     // -1 when unknown
 * }</pre>
 */
public final class Vocabulary {
    private final String[] terms;             // sorted
    private final int[] documentFrequency;    // per term, in the corpus it was built from
    private final long[] termFrequency;       // per term: total count in that corpus
    private final int numDocuments;
    private final Map<String, Integer> index;

    private Vocabulary(String[] terms, int[] df, long[] tf, int numDocuments) {
        this.terms = terms;
        this.documentFrequency = df;
        this.termFrequency = tf;
        this.numDocuments = numDocuments;
        this.index = new HashMap<>(terms.length * 2);
        for (int i = 0; i < terms.length; i++) index.put(terms[i], i);
    }

    /** A builder; defaults keep every term (min_df 1, max_df 1.0, no max_features). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of a {@link Vocabulary}; min/max document frequency as a count or as a fraction of documents. */
    public static final class Builder {
        private int minDfCount = 1;
        private double minDfFraction = -1;
        private int maxDfCount = -1;
        private double maxDfFraction = 1.0;
        private int maxFeatures = Integer.MAX_VALUE;

        private Builder() {}

        /** Drop terms found in fewer than {@code count} documents (scikit-learn {@code min_df=int}). */
        public Builder minDf(int count) {
            if (count < 1) throw new IllegalArgumentException("Vocabulary: minDf count must be >= 1, got " + count);
            minDfCount = count;
            minDfFraction = -1;
            return this;
        }

        /** Drop terms found in fewer than {@code fraction * numDocuments} documents ({@code min_df=float}). */
        public Builder minDf(double fraction) {
            if (!(fraction >= 0 && fraction <= 1))
                throw new IllegalArgumentException("Vocabulary: minDf fraction must be in [0, 1], got " + fraction);
            minDfFraction = fraction;
            return this;
        }

        /** Drop terms found in more than {@code count} documents ({@code max_df=int}). */
        public Builder maxDf(int count) {
            if (count < 1) throw new IllegalArgumentException("Vocabulary: maxDf count must be >= 1, got " + count);
            maxDfCount = count;
            return this;
        }

        /** Drop terms found in more than {@code fraction * numDocuments} documents ({@code max_df=float}). */
        public Builder maxDf(double fraction) {
            if (!(fraction >= 0 && fraction <= 1))
                throw new IllegalArgumentException("Vocabulary: maxDf fraction must be in [0, 1], got " + fraction);
            maxDfFraction = fraction;
            maxDfCount = -1;
            return this;
        }

        /** Keep at most {@code n} terms, the most frequent over the corpus (ties: alphabetical order). */
        public Builder maxFeatures(int n) {
            if (n < 1) throw new IllegalArgumentException("Vocabulary: maxFeatures must be >= 1, got " + n);
            maxFeatures = n;
            return this;
        }

        /** Builds the vocabulary of {@code documents} (each a list of terms, repeats counted). */
        public Vocabulary build(List<List<String>> documents) {
            int n = documents.size();
            // term -> {document frequency, last document seen, total count}
            HashMap<String, long[]> stats = new HashMap<>();
            for (int d = 0; d < n; d++) {
                for (String t : documents.get(d)) {
                    long[] s = stats.computeIfAbsent(t, k -> new long[] {0, -1, 0});
                    if (s[1] != d) {
                        s[0]++;
                        s[1] = d;
                    }
                    s[2]++;
                }
            }
            // scikit-learn: max_doc_count = max_df if int else max_df * n_doc; likewise min_df.
            double maxDoc = maxDfCount >= 0 ? maxDfCount : maxDfFraction * n;
            double minDoc = minDfFraction >= 0 ? minDfFraction * n : minDfCount;
            if (maxDoc < minDoc) throw new IllegalArgumentException("Vocabulary: max_df allows at most " + maxDoc
                    + " documents, fewer than min_df's " + minDoc + " (of " + n + " documents)");
            List<String> kept = new ArrayList<>();
            for (var e : stats.entrySet()) {
                long df = e.getValue()[0];
                if (df >= minDoc && df <= maxDoc) kept.add(e.getKey());
            }
            Collections.sort(kept);
            if (kept.size() > maxFeatures) {
                // The most frequent over the corpus; the stable sort keeps alphabetical order among ties.
                List<String> byCount = new ArrayList<>(kept);
                byCount.sort((a, b) -> Long.compare(stats.get(b)[2], stats.get(a)[2]));
                kept = new ArrayList<>(byCount.subList(0, maxFeatures));
                Collections.sort(kept);
            }
            String[] terms = kept.toArray(String[]::new);
            int[] df = new int[terms.length];
            long[] tf = new long[terms.length];
            for (int i = 0; i < terms.length; i++) {
                long[] s = stats.get(terms[i]);
                df[i] = (int) s[0];
                tf[i] = s[2];
            }
            return new Vocabulary(terms, df, tf, n);
        }
    }

    /** Number of terms (columns). */
    public int size() {
        return terms.length;
    }

    /** Column of {@code term}, or -1 if it is not in the vocabulary. */
    public int indexOf(String term) {
        Integer i = index.get(term);
        return i == null ? -1 : i;
    }

    /** True if {@code term} is in the vocabulary. */
    public boolean contains(String term) {
        return index.containsKey(term);
    }

    /** The term of column {@code i}. */
    public String term(int i) {
        if (i < 0 || i >= terms.length)
            throw new IndexOutOfBoundsException("Vocabulary.term: index " + i + " out of range for size " + terms.length);
        return terms[i];
    }

    /** All terms in column order (a copy). */
    public List<String> terms() {
        return List.of(terms);
    }

    /** Number of training documents containing the term of column {@code i}. */
    public int documentFrequency(int i) {
        if (i < 0 || i >= terms.length) throw new IndexOutOfBoundsException(
                "Vocabulary.documentFrequency: index " + i + " out of range for size " + terms.length);
        return documentFrequency[i];
    }

    /** Total count of the term of column {@code i} over the training documents. */
    public long termFrequency(int i) {
        if (i < 0 || i >= terms.length) throw new IndexOutOfBoundsException(
                "Vocabulary.termFrequency: index " + i + " out of range for size " + terms.length);
        return termFrequency[i];
    }

    /** Number of documents the vocabulary was built from. */
    public int numDocuments() {
        return numDocuments;
    }

    @Override
    public String toString() {
        int k = Math.min(5, terms.length);
        return "Vocabulary(" + terms.length + " terms from " + numDocuments + " documents: "
                + Arrays.toString(Arrays.copyOf(terms, k)) + (terms.length > k ? "...)" : ")");
    }
}
