// Compose: chains image transforms (torchvision.transforms.Compose), applied left to right.
package dev.kindling.vision;

import dev.kindling.tensor.Tensor;
import java.util.List;

/** Applies its transforms in order. Example: {@code new Compose(new RandomCrop(32, 4, g), new RandomHorizontalFlip(0.5f, g))}. */
public final class Compose implements Transform {
    private final List<Transform> transforms;

    public Compose(Transform... transforms) {
        for (Transform t : transforms)
            if (t == null) throw new IllegalArgumentException("Compose: transforms must not be null");
        this.transforms = List.of(transforms);
    }

    /** The transforms, in application order. */
    public List<Transform> transforms() {
        return transforms;
    }

    @Override
    public Tensor apply(Tensor batch) {
        for (Transform t : transforms) batch = t.apply(batch);
        return batch;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Compose(\n");
        for (Transform t : transforms) sb.append("    ").append(t).append('\n');
        return sb.append(')').toString();
    }
}
