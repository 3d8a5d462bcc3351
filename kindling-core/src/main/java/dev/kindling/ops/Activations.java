// Activations: relu, leaky_relu, elu, sigmoid, tanh, gelu (exact and tanh), silu, softplus, each a
// fused kernel (UnaryOp) with its fused derivative for backward.
package dev.kindling.ops;

import dev.kindling.kernels.UnaryOp;
import dev.kindling.tensor.Tensor;

/** Activation functions (functional API); shapes are preserved. */
public final class Activations {
    private Activations() {}

    public static Tensor relu(Tensor x) { return Elementwise.unary(UnaryOp.RELU, x, 0f, "relu"); }
    public static Tensor sigmoid(Tensor x) { return Elementwise.unary(UnaryOp.SIGMOID, x, 0f, "sigmoid"); }
    public static Tensor tanh(Tensor x) { return Elementwise.unary(UnaryOp.TANH, x, 0f, "tanh"); }
    public static Tensor silu(Tensor x) { return Elementwise.unary(UnaryOp.SILU, x, 0f, "silu"); }

    /** max(0, x) + negativeSlope * min(0, x). */
    public static Tensor leakyRelu(Tensor x, float negativeSlope) {
        return Elementwise.unary(UnaryOp.LEAKY_RELU, x, negativeSlope, "leaky_relu");
    }

    /** x if x > 0 else alpha * (exp(x) - 1). */
    public static Tensor elu(Tensor x, float alpha) {
        return Elementwise.unary(UnaryOp.ELU, x, alpha, "elu");
    }

    /** GELU; {@code approximate} is "none" (erf) or "tanh". */
    public static Tensor gelu(Tensor x, String approximate) {
        return switch (approximate) {
            case "none" -> Elementwise.unary(UnaryOp.GELU, x, 0f, "gelu");
            case "tanh" -> Elementwise.unary(UnaryOp.GELU_TANH, x, 0f, "gelu");
            default -> throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got \""
                    + approximate + "\"");
        };
    }

    /** Exact (erf) GELU. */
    public static Tensor gelu(Tensor x) {
        return gelu(x, "none");
    }

    /** log(1 + exp(beta x)) / beta, linear above x * beta > 20 (PyTorch's threshold). */
    public static Tensor softplus(Tensor x, float beta) {
        return Elementwise.unary(UnaryOp.SOFTPLUS, x, beta, "softplus");
    }

    /** Softplus with beta = 1. */
    public static Tensor softplus(Tensor x) {
        return softplus(x, 1f);
    }
}
