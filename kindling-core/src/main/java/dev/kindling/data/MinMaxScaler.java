// MinMaxScaler: rescales each feature linearly so the training split's minimum and maximum map to a feature
// range, [0, 1] by default (as sklearn.preprocessing.MinMaxScaler: constant features map to the range minimum,
// NaN values ignored when fitting and kept when transforming; test data may fall outside the range).
package dev.kindling.data;

import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code y = x * scale + offset} per feature, where {@code scale = (max - min) / (dataMax - dataMin)} and
 * {@code offset = min - dataMin * scale}, with {@code dataMin}/{@code dataMax} taken over dim 0 of the training data.
 *
 * <p>Shape: fit on {@code [N, D]} (or {@code [N, ...features]}); statistics are {@code [D]}; transform keeps the
 * shape of its input.
 *
 * <p>Example: {@code Tensor pixels = new MinMaxScaler().fit(xTrain).transform(xTest);}
 */
public final class MinMaxScaler {
    private final double rangeMin;
    private final double rangeMax;
    private double[] dataMin; // [D]
    private double[] dataMax; // [D]
    private double[] scale;   // [D]
    private double[] offset;  // [D]
    private int[] featureShape;

    /** Scales to [0, 1]. */
    public MinMaxScaler() {
        this(0, 1);
    }

    /** Scales to [{@code min}, {@code max}]; {@code min < max}. */
    public MinMaxScaler(double min, double max) {
        if (!(min < max) || Double.isInfinite(min) || Double.isInfinite(max)) throw new IllegalArgumentException(
                "MinMaxScaler: feature range must be finite with min < max, got (" + min + ", " + max + ")");
        this.rangeMin = min;
        this.rangeMax = max;
    }

    /** Finds each feature's minimum and maximum over dim 0 of {@code x} (float32 or int64, at least one row). */
    public MinMaxScaler fit(Tensor x) {
        Features f = Features.of("MinMaxScaler.fit", x);
        if (f.n() == 0) throw new IllegalArgumentException("MinMaxScaler.fit: x has no rows (shape "
                + Shape.str(f.shape()) + ")");
        int n = f.n(), d = f.d();
        float[] a = f.data();
        double[] lo = new double[d], hi = new double[d];
        Arrays.fill(lo, Double.NaN);
        Arrays.fill(hi, Double.NaN);
        for (int i = 0; i < n; i++) {
            for (int j = 0, o = i * d; j < d; j++) {
                float v = a[o + j];
                if (v != v) continue; // NaN is missing data
                if (!(v >= lo[j])) lo[j] = v; // also replaces the initial NaN
                if (!(v <= hi[j])) hi[j] = v;
            }
        }
        double[] sc = new double[d], off = new double[d];
        for (int j = 0; j < d; j++) {
            double range = hi[j] - lo[j];
            // sklearn's _handle_zeros_in_scale: a (near-)constant feature keeps scale 1 instead of dividing by 0.
            if (!(range >= 10 * Math.ulp(1.0))) range = 1;
            sc[j] = (rangeMax - rangeMin) / range;
            off[j] = rangeMin - lo[j] * sc[j];
        }
        this.dataMin = lo;
        this.dataMax = hi;
        this.scale = sc;
        this.offset = off;
        this.featureShape = f.featureShape();
        return this;
    }

    /** {@code x * scale + offset}; float32, same shape as {@code x}. */
    public Tensor transform(Tensor x) {
        Features.requireFitted("MinMaxScaler.transform", scale != null, "MinMaxScaler");
        Features f = Features.of("MinMaxScaler.transform", x);
        f.requireFeatures("MinMaxScaler.transform", featureShape);
        float[] a = f.data(), out = new float[a.length];
        int d = f.d();
        for (int i = 0; i < f.n(); i++) {
            for (int j = 0, o = i * d; j < d; j++) out[o + j] = (float) (a[o + j] * scale[j] + offset[j]);
        }
        return Tensor.of(out, f.shape());
    }

    /** {@code fit(x)} then {@code transform(x)}. */
    public Tensor fitTransform(Tensor x) {
        return fit(x).transform(x);
    }

    /** {@code (y - offset) / scale}: undoes {@link #transform(Tensor)}. */
    public Tensor inverseTransform(Tensor y) {
        Features.requireFitted("MinMaxScaler.inverseTransform", scale != null, "MinMaxScaler");
        Features f = Features.of("MinMaxScaler.inverseTransform", y);
        f.requireFeatures("MinMaxScaler.inverseTransform", featureShape);
        float[] a = f.data(), out = new float[a.length];
        int d = f.d();
        for (int i = 0; i < f.n(); i++) {
            for (int j = 0, o = i * d; j < d; j++) out[o + j] = (float) ((a[o + j] - offset[j]) / scale[j]);
        }
        return Tensor.of(out, f.shape());
    }

    /** True once fitted. */
    public boolean isFitted() {
        return scale != null;
    }

    /** Per-feature minimum of the training data (float32, feature shape). */
    public Tensor dataMin() {
        Features.requireFitted("MinMaxScaler.dataMin", scale != null, "MinMaxScaler");
        return Features.statTensor(dataMin, featureShape);
    }

    /** Per-feature maximum of the training data (float32, feature shape). */
    public Tensor dataMax() {
        Features.requireFitted("MinMaxScaler.dataMax", scale != null, "MinMaxScaler");
        return Features.statTensor(dataMax, featureShape);
    }

    /** Per-feature multiplier (sklearn's {@code scale_}). */
    public Tensor scale() {
        Features.requireFitted("MinMaxScaler.scale", scale != null, "MinMaxScaler");
        return Features.statTensor(scale, featureShape);
    }

    /** Per-feature additive term (sklearn's {@code min_}). */
    public Tensor offset() {
        Features.requireFitted("MinMaxScaler.offset", scale != null, "MinMaxScaler");
        return Features.statTensor(offset, featureShape);
    }

    @Override
    public String toString() {
        return "MinMaxScaler(range=(" + rangeMin + ", " + rangeMax + "), "
                + (scale == null ? "not fitted" : "features " + Shape.str(featureShape)) + ")";
    }
}
