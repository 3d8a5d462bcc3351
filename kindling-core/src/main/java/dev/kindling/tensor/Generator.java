// Generator: the explicit, seeded random source behind rand/randn/randint, dropout, shuffling and init.
// Numbers are drawn sequentially on the calling thread, so the same seed gives the same numbers whatever
// the thread count. The whole state is a few longs so checkpoints can save and restore it exactly.
package dev.kindling.tensor;

/**
 * Seeded pseudo-random generator (SplitMix64 stream). Not thread-safe: give each thread its own.
 *
 * <p>Example: {@code var g = new Generator(42); Tensor w = Tensor.randn(g, 3, 4);}
 */
public final class Generator {
    private long state;
    private boolean hasSpare;
    private double spare;

    /** Creates a generator from a seed; the same seed always yields the same sequence. */
    public Generator(long seed) {
        manualSeed(seed);
    }

    /** Resets the generator to the start of the sequence for {@code seed}. */
    public void manualSeed(long seed) {
        this.state = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        this.hasSpare = false;
        this.spare = 0;
    }

    /** Next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform float in [0, 1). */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("Generator.nextLong: bound must be positive, got " + bound);
        long r = nextLong() >>> 1;
        long m = bound - 1;
        if ((bound & m) == 0) return r & m;
        for (long u = r; u - (r = u % bound) + m < 0; u = nextLong() >>> 1) { /* rejection keeps it unbiased */ }
        return r;
    }

    /** Standard normal sample (Box-Muller, both values of each pair used). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1, u2;
        do {
            u1 = nextDouble();
        } while (u1 <= Double.MIN_NORMAL);
        u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spare = r * Math.sin(2 * Math.PI * u2);
        hasSpare = true;
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** The generator's full state, for checkpoints. */
    public long[] getState() {
        return new long[] {state, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    /** Restores a state returned by {@link #getState()}. */
    public void setState(long[] s) {
        if (s == null || s.length != 3) throw new IllegalArgumentException("Generator.setState: expected 3 longs");
        state = s[0];
        hasSpare = s[1] != 0;
        spare = Double.longBitsToDouble(s[2]);
    }
}
