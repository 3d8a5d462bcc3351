// Features: the [N, ...features] view shared by the scalers: flattens a tensor to N rows of D values and checks
// that a tensor has the feature shape a scaler was fitted on.
package dev.kindling.data;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.Arrays;

/** A tensor's values as {@code n} rows of {@code d} features; {@code featureShape} is {@code shape[1:]}. */
record Features(float[] data, int n, int d, int[] shape, int[] featureShape) {
    static Features of(String op, Tensor x) {
        if (x == null) throw new IllegalArgumentException(op + ": x is null");
        if (x.dim() == 0) throw new IllegalArgumentException(op + ": expected x of shape [N, features...], got a "
                + "scalar");
        if (x.dtype() == DType.BOOL) throw new IllegalArgumentException(op + ": expected a float32 or int64 tensor, "
                + "got bool with shape " + Shape.str(x.shape()));
        int[] s = x.shape();
        int[] fs = Arrays.copyOfRange(s, 1, s.length);
        return new Features(x.toFloatArray(), s[0], Shape.numel(fs), s, fs);
    }

    /** Throws unless this tensor's feature shape is {@code fitted}. */
    void requireFeatures(String op, int[] fitted) {
        if (!Shape.same(featureShape, fitted)) throw new IllegalArgumentException(op + ": x has shape "
                + Shape.str(shape) + ", i.e. features " + Shape.str(featureShape) + ", but the scaler was fitted on "
                + "features " + Shape.str(fitted) + " (expected x of shape " + rows(fitted) + ")");
    }

    static void requireFitted(String op, boolean fitted, String name) {
        if (!fitted) throw new IllegalStateException(op + ": the " + name + " is not fitted; call fit(xTrain) "
                + "first (fit on the training split only, then transform every split)");
    }

    /** {@code [N, ...featureShape]} for messages. */
    static String rows(int[] featureShape) {
        String inner = Shape.str(featureShape);
        return featureShape.length == 0 ? "[N]" : "[N, " + inner.substring(1);
    }

    static Tensor statTensor(double[] v, int[] featureShape) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensor.of(f, featureShape.clone());
    }

    static double[] toDoubles(String op, Tensor t, String name) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null");
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
