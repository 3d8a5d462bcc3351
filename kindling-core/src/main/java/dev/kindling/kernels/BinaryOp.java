// BinaryOp: elementwise binary functions with their scalar definitions (the spec).
package dev.kindling.kernels;

/** Elementwise binary functions over float32. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW;

    /** Reference value. MAX/MIN propagate NaN as PyTorch's maximum/minimum do. */
    public float f(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
            case MIN -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
            case POW -> (float) Math.pow(a, b);
        };
    }
}
