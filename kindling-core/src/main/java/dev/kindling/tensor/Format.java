// Format: nested-bracket printing of tensor values for toString().
package dev.kindling.tensor;

import java.util.Locale;

final class Format {
    private Format() {}

    static void values(Tensor t, StringBuilder sb) {
        Tensor c = Strided.materialize(t.detach());
        int[] shape = c.shape();
        rec(c, shape, 0, 0, sb);
    }

    private static int rec(Tensor c, int[] shape, int d, int pos, StringBuilder sb) {
        if (d == shape.length) {
            switch (c.dtype()) {
                case FLOAT32 -> sb.append(String.format(Locale.ROOT, "%.4f", c.storage().floats()[pos]));
                case INT64 -> sb.append(c.storage().longs()[pos]);
                case BOOL -> sb.append(c.storage().bools()[pos]);
            }
            return pos + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[d]; i++) {
            if (i > 0) sb.append(", ");
            pos = rec(c, shape, d + 1, pos, sb);
        }
        sb.append(']');
        return pos;
    }
}
