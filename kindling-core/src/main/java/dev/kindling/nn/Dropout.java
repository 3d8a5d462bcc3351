// Dropout: inverted dropout (torch.nn.Dropout). In training each element is zeroed with probability p and
// the survivors scaled by 1/(1-p); in eval it is the identity. The mask comes from the module's own
// Generator, so a training run is reproducible from its seeds.
package dev.kindling.nn;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/**
 * Randomly zeroes elements during training. Shape: any, preserved.
 *
 * <p>Example: {@code var drop = new Dropout(0.1f, new Generator(7)); drop.eval(); // now the identity}
 */
public class Dropout extends Module {
    private final float p;
    private final Generator generator;

    /** Dropout with drop probability {@code p} in [0, 1), masks drawn from {@code g}. */
    public Dropout(float p, Generator g) {
        this(p, g, "Dropout");
    }

    /** For variants (Dropout2d): {@code name} is used in error messages. */
    protected Dropout(float p, Generator g, String name) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(name + ": probability p must be in [0, 1), got " + p);
        if (g == null) throw new IllegalArgumentException(name + ": generator must not be null");
        this.p = p;
        this.generator = g;
    }

    /** The drop probability. */
    public float p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return x.mul(scaledMask(x.shape()));
    }

    /**
     * A mask of {@code shape} holding 0 (probability p) or 1/(1-p), drawn in order from the generator.
     * Multiplying by it (broadcast) is the whole op, and its gradient is g * mask.
     */
    protected Tensor scaledMask(int... shape) {
        float scale = 1f / (1f - p);
        float[] mask = new float[dev.kindling.tensor.Shape.numel(shape)];
        for (int i = 0; i < mask.length; i++) mask[i] = generator.nextFloat() < p ? 0f : scale;
        return Tensor.of(mask, shape);
    }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.num(p);
    }
}
