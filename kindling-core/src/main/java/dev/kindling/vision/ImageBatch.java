// ImageBatch: the flat-array view of an image batch that the vision transforms work on ([N, C, H, W] or
// one [C, H, W] image, float32), plus the way back to a tensor of the same rank.
package dev.kindling.vision;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/** A dense copy of an image batch: {@code data} is {@code [n, c, h, w]} row-major. */
record ImageBatch(float[] data, int n, int c, int h, int w, boolean unbatched) {
    /** Reads {@code x} ({@code [N, C, H, W]} or {@code [C, H, W]}, float32) into a dense array. */
    static ImageBatch of(String op, Tensor x) {
        if (x == null) throw new IllegalArgumentException(op + ": input must not be null");
        if (x.dtype() != DType.FLOAT32) throw new IllegalArgumentException(op + ": expected a float32 image tensor, got "
                + x.dtype());
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException(op + ": expected images [N, C, H, W] or "
                + "one image [C, H, W], got shape " + Shape.str(x.shape()));
        int[] s = x.shape();
        boolean unbatched = s.length == 3;
        int o = unbatched ? 1 : 0;
        return new ImageBatch(x.detach().contiguous().toFloatArray(), unbatched ? 1 : s[0], s[1 - o], s[2 - o], s[3 - o],
                unbatched);
    }

    int plane() {
        return h * w;
    }

    int sample() {
        return c * h * w;
    }

    /** A tensor of this batch's rank holding {@code out} ({@code [n, c, oh, ow]}). */
    Tensor wrap(float[] out, int oh, int ow) {
        return unbatched ? Tensor.of(out, c, oh, ow) : Tensor.of(out, n, c, oh, ow);
    }
}
