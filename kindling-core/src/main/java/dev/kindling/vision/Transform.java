// Transform: an image-batch transformation (augmentation or normalisation) for training pipelines; random
// ones own an explicit Generator so an epoch's augmentations are reproducible from the seed.
package dev.kindling.vision;

import dev.kindling.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Maps a float32 batch {@code [N, C, H, W]} (or one image {@code [C, H, W]}) to a new tensor of the same rank;
 * the input is left unchanged and nothing is recorded by autograd (data preparation, not a layer).
 *
 * <p>Example:
 * <pre>{@code
 * var g = new Generator(42);
 * Transform augment = new Compose(new RandomRotation(10, g), new RandomShift(2, g), new Normalize(0.1307f, 0.3081f));
 * Tensor x = augment.apply(batch);   // [64, 1, 28, 28]
 * }</pre>
 */
@FunctionalInterface
public interface Transform extends UnaryOperator<Tensor> {
    @Override
    Tensor apply(Tensor batch);
}
