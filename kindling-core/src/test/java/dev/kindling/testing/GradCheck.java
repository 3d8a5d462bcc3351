package dev.kindling.testing;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.function.Function;

/**
 * Finite-difference gradient check: compares autograd gradients of {@code sum(f(inputs) * w)} (w random)
 * with central differences. float32 data, so eps is large (1e-2) and the tolerance is relative to the
 * gradient scale; a wrong gradient (sign, factor, missing term) is off by far more.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Throws AssertionError naming the input, index, analytic and numeric values on mismatch. */
    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(name, f, 1e-2, 2e-2, 2e-3, inputs);
    }

    public static void check(String name, Function<Tensor[], Tensor> f, double eps, double rtol, double atol,
                             Tensor... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = inputs[i].detach().clone();
            if (inputs[i].requiresGrad()) leaves[i].requiresGrad(true);
        }
        Tensor out = f.apply(leaves);
        Tensor w = Tensor.randn(new Generator(12345), out.shape());
        out.mul(w).sum().backward();
        for (int i = 0; i < leaves.length; i++) {
            if (!leaves[i].requiresGrad()) continue;
            Tensor g = leaves[i].grad();
            if (g == null) throw new AssertionError(name + ": input " + i + " got no gradient");
            float[] analytic = g.toFloatArray();
            float[] data = leaves[i].storage().floats();
            int n = data.length;
            for (int j = 0; j < n; j++) {
                float orig = data[j];
                double plus, minus;
                try (var s = Autograd.noGrad()) {
                    data[j] = (float) (orig + eps);
                    plus = objective(f, leaves, w);
                    data[j] = (float) (orig - eps);
                    minus = objective(f, leaves, w);
                } finally {
                    data[j] = orig;
                }
                double numeric = (plus - minus) / (2 * eps);
                double tol = atol + rtol * Math.max(Math.abs(numeric), Math.abs(analytic[j]));
                if (!(Math.abs(numeric - analytic[j]) <= tol)) throw new AssertionError(name + ": gradient of input " + i
                        + " (shape " + Shape.str(leaves[i].shape()) + ") at flat index " + j + ": autograd " + analytic[j]
                        + " vs finite difference " + numeric);
            }
        }
    }

    private static double objective(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor w) {
        float[] o = f.apply(xs).toFloatArray(), ww = w.toFloatArray();
        double s = 0;
        for (int k = 0; k < o.length; k++) s += (double) o[k] * ww[k];
        return s;
    }
}
