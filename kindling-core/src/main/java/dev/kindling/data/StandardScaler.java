// StandardScaler: standardizes features to zero mean and unit variance with statistics fitted on the training
// split only (as sklearn.preprocessing.StandardScaler: population std, constant features keep scale 1, NaN
// values ignored when fitting and kept when transforming).
package dev.kindling.data;

import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * {@code z = (x - mean) / scale} per feature, with {@code mean} and {@code scale} (population standard deviation,
 * {@code ddof = 0}) computed over dim 0 of the training data.
 *
 * <p>Shape: fit on {@code [N, D]} (or {@code [N, ...features]}); {@link #mean()} and {@link #scale()} are
 * {@code [D]}; transform keeps the shape of its input, whose feature shape must match.
 *
 * <p>Example:
 * <pre>{@code
 * var scaler = new StandardScaler().fit(xTrain);      // statistics of the training split only
 * Tensor zTrain = scaler.transform(xTrain), zTest = scaler.transform(xTest);
 * }</pre>
 */
public final class StandardScaler {
    private final boolean withMean;
    private final boolean withStd;
    private double[] mean;  // [D]
    private double[] scale; // [D]
    private int[] featureShape;

    /** Centers and scales. */
    public StandardScaler() {
        this(true, true);
    }

    /** With {@code withMean = false} the mean is taken as 0; with {@code withStd = false} the scale as 1. */
    public StandardScaler(boolean withMean, boolean withStd) {
        this.withMean = withMean;
        this.withStd = withStd;
    }

    /** A fitted scaler from saved statistics (e.g. a checkpoint): {@code mean} and {@code scale} of one shape. */
    public static StandardScaler of(Tensor mean, Tensor scale) {
        double[] m = Features.toDoubles("StandardScaler.of", mean, "mean");
        double[] s = Features.toDoubles("StandardScaler.of", scale, "scale");
        if (!Shape.same(mean.shape(), scale.shape())) throw new IllegalArgumentException("StandardScaler.of: mean "
                + Shape.str(mean.shape()) + " and scale " + Shape.str(scale.shape()) + " must have the same shape");
        for (double v : s) if (!(v > 0)) throw new IllegalArgumentException("StandardScaler.of: scale values must be "
                + "> 0, got " + v);
        StandardScaler sc = new StandardScaler();
        sc.mean = m;
        sc.scale = s;
        sc.featureShape = mean.shape();
        return sc;
    }

    /** Computes mean and scale per feature over dim 0 of {@code x} (float32 or int64, at least one row). */
    public StandardScaler fit(Tensor x) {
        Features f = Features.of("StandardScaler.fit", x);
        if (f.n() == 0) throw new IllegalArgumentException("StandardScaler.fit: x has no rows (shape "
                + Shape.str(f.shape()) + ")");
        int n = f.n(), d = f.d();
        float[] a = f.data();
        double[] sum = new double[d], count = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0, o = i * d; j < d; j++) {
                float v = a[o + j];
                if (v == v) { // NaN is missing data
                    sum[j] += v;
                    count[j]++;
                }
            }
        }
        double[] m = new double[d];
        for (int j = 0; j < d; j++) m[j] = sum[j] / count[j];
        double[] ss = new double[d]; // two passes: sum of squared deviations, no cancellation
        for (int i = 0; i < n; i++) {
            for (int j = 0, o = i * d; j < d; j++) {
                float v = a[o + j];
                if (v == v) ss[j] += (v - m[j]) * (v - m[j]);
            }
        }
        double[] s = new double[d];
        double eps = Math.ulp(1.0);
        for (int j = 0; j < d; j++) {
            double var = ss[j] / count[j];
            // sklearn treats var <= n*eps*var + (n*mean*eps)^2 as a constant feature: keep its scale at 1.
            double bound = count[j] * eps * var + Math.pow(count[j] * m[j] * eps, 2);
            s[j] = !withStd || !(var > bound) ? 1.0 : Math.sqrt(var);
            if (!withMean) m[j] = 0;
        }
        this.mean = m;
        this.scale = s;
        this.featureShape = f.featureShape();
        return this;
    }

    /** {@code (x - mean) / scale}; float32, same shape as {@code x}. */
    public Tensor transform(Tensor x) {
        Features.requireFitted("StandardScaler.transform", mean != null, "StandardScaler");
        Features f = Features.of("StandardScaler.transform", x);
        f.requireFeatures("StandardScaler.transform", featureShape);
        float[] a = f.data(), out = new float[a.length];
        int d = f.d();
        for (int i = 0; i < f.n(); i++) {
            for (int j = 0, o = i * d; j < d; j++) out[o + j] = (float) ((a[o + j] - mean[j]) / scale[j]);
        }
        return Tensor.of(out, f.shape());
    }

    /** {@code fit(x)} then {@code transform(x)}. */
    public Tensor fitTransform(Tensor x) {
        return fit(x).transform(x);
    }

    /** {@code z * scale + mean}: undoes {@link #transform(Tensor)} (e.g. to report predictions in data units). */
    public Tensor inverseTransform(Tensor z) {
        Features.requireFitted("StandardScaler.inverseTransform", mean != null, "StandardScaler");
        Features f = Features.of("StandardScaler.inverseTransform", z);
        f.requireFeatures("StandardScaler.inverseTransform", featureShape);
        float[] a = f.data(), out = new float[a.length];
        int d = f.d();
        for (int i = 0; i < f.n(); i++) {
            for (int j = 0, o = i * d; j < d; j++) out[o + j] = (float) (a[o + j] * scale[j] + mean[j]);
        }
        return Tensor.of(out, f.shape());
    }

    /** True once fitted. */
    public boolean isFitted() {
        return mean != null;
    }

    /** Per-feature mean (float32, the feature shape; zeros with {@code withMean = false}). */
    public Tensor mean() {
        Features.requireFitted("StandardScaler.mean", mean != null, "StandardScaler");
        return Features.statTensor(mean, featureShape);
    }

    /** Per-feature scale: the population standard deviation, 1 for constant features (float32, feature shape). */
    public Tensor scale() {
        Features.requireFitted("StandardScaler.scale", mean != null, "StandardScaler");
        return Features.statTensor(scale, featureShape);
    }

    @Override
    public String toString() {
        return "StandardScaler(" + (mean == null ? "not fitted" : "features " + Shape.str(featureShape)) + ")";
    }
}
