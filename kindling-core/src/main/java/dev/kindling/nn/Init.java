// Init: parameter initialisers of torch.nn.init (uniform, normal, constant, Xavier/Glorot, Kaiming/He),
// with PyTorch's gain and fan formulas. Every random one draws from an explicit Generator, so model
// construction is reproducible; all fill in place outside autograd and return the tensor.
package dev.kindling.nn;

import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.util.function.DoubleSupplier;

/**
 * Initialisers shaped like {@code torch.nn.init}: each fills a float32 tensor in place (works on parameters
 * that require grad, since it runs under {@link Autograd#noGrad()}) and returns it.
 *
 * <p>Example:
 * <pre>{@code
 * var g = new Generator(0);
 * Tensor w = Tensor.zeros(128, 784);                         // [out, in]
 * Init.kaimingUniform_(w, 0, "fan_in", "relu", g);          // U(-sqrt(6 / 784), sqrt(6 / 784))
 * }</pre>
 */
public final class Init {
    private Init() {}

    /** Fan-in and fan-out of a weight, as {@code torch.nn.init._calculate_fan_in_and_fan_out}. */
    public record Fans(int fanIn, int fanOut) {}

    // ---------------------------------------------------------------- plain fills

    /** Fills {@code t} with samples of U(a, b). */
    public static Tensor uniform_(Tensor t, double a, double b, Generator g) {
        if (!(a <= b)) throw new IllegalArgumentException("uniform_: expected a <= b, got a=" + a + ", b=" + b);
        return fill("uniform_", t, () -> a + (b - a) * g.nextDouble());
    }

    /** Fills {@code t} with samples of N(mean, std^2). */
    public static Tensor normal_(Tensor t, double mean, double std, Generator g) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal_: expected std >= 0, got " + std);
        return fill("normal_", t, () -> mean + std * g.nextGaussian());
    }

    /** Fills {@code t} with {@code value}. */
    public static Tensor constant_(Tensor t, double value) {
        return fill("constant_", t, () -> value);
    }

    /** Fills {@code t} with zeros. */
    public static Tensor zeros_(Tensor t) {
        return constant_(t, 0);
    }

    /** Fills {@code t} with ones. */
    public static Tensor ones_(Tensor t) {
        return constant_(t, 1);
    }

    // ---------------------------------------------------------------- gain and fans

    /**
     * The recommended gain for a nonlinearity, as {@code torch.nn.init.calculate_gain}: 1 for linear, conv*
     * and sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + slope^2)) for leaky_relu (slope 0.01); 3/4 for selu.
     */
    public static double calculateGain(String nonlinearity) {
        return gain(nonlinearity, Double.NaN);
    }

    /** {@link #calculateGain(String)} with {@code param}: the negative slope of leaky_relu (ignored by the others). */
    public static double calculateGain(String nonlinearity, double param) {
        return gain(nonlinearity, param);
    }

    private static double gain(String nonlinearity, double param) {
        String n = nonlinearity == null ? "null" : nonlinearity;
        return switch (n) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                 "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> {
                double slope = Double.isNaN(param) ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("calculateGain: unsupported nonlinearity '" + n
                    + "' (expected linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid, tanh, relu, leaky_relu, selu)");
        };
    }

    /**
     * Fans of a weight of shape {@code [out, in, *kernel]}: {@code fanIn = in * prod(kernel)},
     * {@code fanOut = out * prod(kernel)} (Linear {@code [out, in]}, Conv2d {@code [out, in/groups, kh, kw]}).
     */
    public static Fans calculateFans(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) throw new IllegalArgumentException("calculateFans: fan in and fan out can not be computed "
                + "for a tensor with fewer than 2 dimensions, got shape " + Shape.str(s));
        int receptive = 1;
        for (int i = 2; i < s.length; i++) receptive *= s[i];
        return new Fans(s[1] * receptive, s[0] * receptive);
    }

    private static int fan(String op, Tensor t, String mode) {
        Fans f = calculateFans(t);
        return switch (mode == null ? "null" : mode) {
            case "fan_in" -> f.fanIn();
            case "fan_out" -> f.fanOut();
            default -> throw new IllegalArgumentException(op + ": mode '" + mode + "' not supported (expected \"fan_in\" "
                    + "or \"fan_out\")");
        };
    }

    // ---------------------------------------------------------------- Xavier / Glorot

    /** Xavier (Glorot) uniform: U(-a, a) with {@code a = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform_(Tensor t, double gain, Generator g) {
        Fans f = calculateFans(t);
        double a = Math.sqrt(3.0) * gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
        return uniform_(t, -a, a, g);
    }

    /** Xavier uniform with gain 1. */
    public static Tensor xavierUniform_(Tensor t, Generator g) {
        return xavierUniform_(t, 1, g);
    }

    /** Xavier (Glorot) normal: N(0, std^2) with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal_(Tensor t, double gain, Generator g) {
        Fans f = calculateFans(t);
        return normal_(t, 0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())), g);
    }

    /** Xavier normal with gain 1. */
    public static Tensor xavierNormal_(Tensor t, Generator g) {
        return xavierNormal_(t, 1, g);
    }

    // ---------------------------------------------------------------- Kaiming / He

    /**
     * Kaiming (He) uniform: U(-bound, bound) with {@code bound = calculateGain(nonlinearity, a) * sqrt(3 / fan)}.
     *
     * <p>Args: {@code a} the negative slope (leaky_relu only); {@code mode} "fan_in" (preserves the forward
     * variance) or "fan_out" (the backward one); {@code nonlinearity} as {@link #calculateGain(String)}, best
     * "relu" or "leaky_relu". A tensor with no elements is left as is (PyTorch warns).
     * Example: {@code Linear}'s default is {@code kaimingUniform_(w, Math.sqrt(5), "fan_in", "leaky_relu", g)}.
     */
    public static Tensor kaimingUniform_(Tensor t, double a, String mode, String nonlinearity, Generator g) {
        if (t.numel() == 0) return t;
        double bound = Math.sqrt(3.0) * gain(nonlinearity, a) / Math.sqrt(fan("kaimingUniform_", t, mode));
        return uniform_(t, -bound, bound, g);
    }

    /** Kaiming uniform with PyTorch's defaults: a = 0, "fan_in", "leaky_relu". */
    public static Tensor kaimingUniform_(Tensor t, Generator g) {
        return kaimingUniform_(t, 0, "fan_in", "leaky_relu", g);
    }

    /** Kaiming (He) normal: N(0, std^2) with {@code std = calculateGain(nonlinearity, a) / sqrt(fan)}. */
    public static Tensor kaimingNormal_(Tensor t, double a, String mode, String nonlinearity, Generator g) {
        if (t.numel() == 0) return t;
        return normal_(t, 0, gain(nonlinearity, a) / Math.sqrt(fan("kaimingNormal_", t, mode)), g);
    }

    /** Kaiming normal with PyTorch's defaults: a = 0, "fan_in", "leaky_relu". */
    public static Tensor kaimingNormal_(Tensor t, Generator g) {
        return kaimingNormal_(t, 0, "fan_in", "leaky_relu", g);
    }

    // ---------------------------------------------------------------- shared fill

    /** Writes {@code next} for every element in row-major order (so a view is filled like a fresh tensor). */
    private static Tensor fill(String op, Tensor t, DoubleSupplier next) {
        t.requireDType(op, DType.FLOAT32);
        int n = t.numel();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) next.getAsDouble();
        try (var s = Autograd.noGrad()) {
            t.copy_(Tensor.of(v, t.shape()));
        }
        return t;
    }
}
