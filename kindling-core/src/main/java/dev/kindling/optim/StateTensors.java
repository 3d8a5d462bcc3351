// StateTensors: encodes optimizer and scheduler state (doubles, counters) as tensors for state dicts.
// Hyper-parameters are doubles and resume must be bit-exact, but tensors hold float32/int64/bool only,
// so a double travels as an int64 scalar holding its IEEE-754 bits.
package dev.kindling.optim;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.Map;

/** Conversions between state values and the tensors of a state dict. */
final class StateTensors {
    private StateTensors() {}

    /** A double as an int64 scalar holding its bits ({@link Double#doubleToRawLongBits}). */
    static Tensor ofDouble(double v) {
        return Tensor.scalarLong(Double.doubleToRawLongBits(v));
    }

    /** A counter as an int64 scalar. */
    static Tensor ofLong(long v) {
        return Tensor.scalarLong(v);
    }

    /**
     * Reads a double saved by {@link #ofDouble}; a float32 one-element tensor is also accepted (its value),
     * so hand-written state dicts work.
     */
    static double toDouble(String who, String key, Tensor t) {
        requireOneElement(who, key, t);
        return switch (t.dtype()) {
            case INT64 -> Double.longBitsToDouble(t.contiguous().toLongArray()[0]);
            case FLOAT32 -> t.contiguous().toFloatArray()[0];
            case BOOL -> throw new IllegalArgumentException(who + ": key '" + key + "' holds a bool tensor, expected "
                    + "an int64 scalar (the bits of a double) or a float32 scalar");
        };
    }

    /** Reads a counter; int64 (its value) or float32 holding an integer (PyTorch saves "step" as float32). */
    static long toLong(String who, String key, Tensor t) {
        requireOneElement(who, key, t);
        if (t.dtype() == DType.INT64) return t.contiguous().toLongArray()[0];
        if (t.dtype() == DType.FLOAT32) {
            float f = t.contiguous().toFloatArray()[0];
            if (f == Math.rint(f)) return (long) f;
        }
        throw new IllegalArgumentException(who + ": key '" + key + "' must hold an integer (int64 scalar), got "
                + t.dtype() + " " + t);
    }

    static Tensor require(String who, Map<String, Tensor> sd, String key) {
        Tensor t = sd.get(key);
        if (t == null) throw new IllegalArgumentException(who + ": missing key '" + key + "' in the state dict (it has "
                + sd.size() + " keys" + (sd.isEmpty() ? "" : ", e.g. '" + sd.keySet().iterator().next() + "'") + ")");
        return t;
    }

    private static void requireOneElement(String who, String key, Tensor t) {
        if (t.numel() != 1) throw new IllegalArgumentException(who + ": key '" + key + "' must be a scalar, got shape "
                + java.util.Arrays.toString(t.shape()));
    }
}
