// Repr: formats numbers and shapes in layer descriptions (extraRepr) the way PyTorch prints them,
// so a printed Kindling model reads like the same model printed by PyTorch ("eps=1e-05", "(8,)").
package dev.kindling.nn;

import java.math.BigDecimal;

/** Python-style formatting helpers for {@link Module#extraRepr()}. */
final class Repr {
    private Repr() {}

    /** A float as Python's {@code repr} prints it: {@code 0.1}, {@code 1.0}, {@code 1e-05}, {@code 20.0}. */
    static String num(float v) {
        if (Float.isNaN(v)) return "nan";
        if (Float.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Float.toString(v)).stripTrailingZeros();   // shortest round-trip digits
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale();                              // decimal exponent of the lead digit
        String sign = v < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** A shape as a Python tuple: {@code (8,)}, {@code (2, 3)}. */
    static String tuple(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
        return sb.append(')').toString();
    }
}
