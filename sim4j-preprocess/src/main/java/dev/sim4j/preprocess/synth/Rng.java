package dev.sim4j.preprocess.synth;

/**
 * A SplitMix64 random stream. The generator owns its algorithm (rather than using {@code SplittableRandom}) so
 * that the synthetic dump is byte-identical on every JDK, and it uses {@link StrictMath} for the same reason.
 * Streams are derived from keys ({@link #of}), so every user, review and block draws from its own stream and the
 * output does not depend on the order in which threads run.
 */
final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    private Rng(long state) {
        this.state = state;
    }

    /** The stream for a tuple of keys (seed, purpose, index...). */
    static Rng of(long seed, long purpose, long index) {
        return new Rng(hash(seed, purpose, index));
    }

    /** The stream for a tuple of keys (seed, purpose, index, sub-index). */
    static Rng of(long seed, long purpose, long index, long sub) {
        return new Rng(mix(hash(seed, purpose, index) ^ mix(sub * GOLDEN + 0x632BE59BD9B4E019L)));
    }

    /** A well-mixed hash of three keys. */
    static long hash(long a, long b, long c) {
        return mix(mix(mix(a + GOLDEN) ^ (b * 0xD1B54A32D192ED03L)) ^ (c * 0xAEF17502108EF2D9L + GOLDEN));
    }

    /** A uniform double in [0, 1) from three keys, without a stream (item flags). */
    static double uniform(long a, long b, long c) {
        return (hash(a, b, c) >>> 11) * 0x1.0p-53;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound) (multiply-shift; the bias is below 2^-31 and irrelevant here). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Uniform in [lo, hi] inclusive. */
    int between(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Exponential with the given mean. */
    double exponential(double mean) {
        return -mean * StrictMath.log(1.0 - nextDouble());
    }

    /** Standard normal (Box-Muller, one value per call). */
    double gaussian() {
        double u = 1.0 - nextDouble();
        double v = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * StrictMath.PI * v);
    }

    /** A value from a non-empty array. */
    <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }
}
