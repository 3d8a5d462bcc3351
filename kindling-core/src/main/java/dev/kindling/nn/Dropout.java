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
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: probability p must be in [0, 1), got " + p);
        if (g == null) throw new IllegalArgumentException("Dropout: generator must not be null");
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
        // The mask holds 0 or 1/(1-p); multiplying by it is the whole op, and its gradient is g * mask.
        int n = x.numel();
        float scale = 1f / (1f - p);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = generator.nextFloat() < p ? 0f : scale;
        return x.mul(Tensor.of(mask, x.shape()));
    }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.num(p);
    }
}
