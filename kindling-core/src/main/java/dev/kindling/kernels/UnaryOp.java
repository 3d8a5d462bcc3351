// UnaryOp: the elementwise functions with a fused kernel, each with its scalar definition (the spec)
// and the derivative used by backward. `a` is the op's parameter (slope, alpha, beta) where it has one.
package dev.kindling.kernels;

/** Elementwise unary functions. {@link #f} is the reference; {@link #df} its derivative given x and y=f(x). */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, ABS, RECIPROCAL, SIN, COS, RELU, LEAKY_RELU, ELU, SIGMOID, TANH, GELU, GELU_TANH,
    SILU, SOFTPLUS, SQUARE, POW_SCALAR;

    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    /** Reference value f(x) (computed in double, rounded to float). */
    public float f(float xf, float a) {
        double x = xf;
        return (float) switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case ABS -> Math.abs(x);
            case RECIPROCAL -> 1.0 / x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case LEAKY_RELU -> x > 0 ? x : a * x;
            case ELU -> x > 0 ? x : a * (Math.expm1(x));
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case GELU -> 0.5 * x * (1.0 + erf(x * INV_SQRT_2));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case SILU -> x / (1.0 + Math.exp(-x));
            case SOFTPLUS -> x * a > 20 ? x : Math.log1p(Math.exp(a * x)) / a;
            case SQUARE -> x * x;
            case POW_SCALAR -> Math.pow(x, a);
        };
    }

    /** Reference derivative df/dx at x, where y = f(x). */
    public float df(float xf, float yf, float a) {
        double x = xf, y = yf;
        return (float) switch (this) {
            case NEG -> -1.0;
            case EXP -> y;
            case LOG -> 1.0 / x;
            case SQRT -> 0.5 / y;
            case RSQRT -> -0.5 * y * y * y;
            case ABS -> Math.signum(x);
            case RECIPROCAL -> -y * y;
            case SIN -> Math.cos(x);
            case COS -> -Math.sin(x);
            case RELU -> x > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> x > 0 ? 1.0 : a;
            case ELU -> x > 0 ? 1.0 : y + a;
            case SIGMOID -> y * (1.0 - y);
            case TANH -> 1.0 - y * y;
            case GELU -> 0.5 * (1.0 + erf(x * INV_SQRT_2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
            case GELU_TANH -> {
                double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double th = Math.tanh(u);
                yield 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
            }
            case SILU -> {
                double s = 1.0 / (1.0 + Math.exp(-x));
                yield s * (1 + x * (1 - s));
            }
            case SOFTPLUS -> x * a > 20 ? 1.0 : 1.0 / (1.0 + Math.exp(-a * x));
            case SQUARE -> 2 * x;
            case POW_SCALAR -> a == 0 ? 0.0 : a * Math.pow(x, a - 1);
        };
    }

    /** Error function, |error| < 1.2e-7 (Numerical Recipes erfc, Chebyshev fit), enough for float32. */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }
}
