package dev.sim4j.engine.kernels;

/**
 * The counter-based generator dropout draws from: a pure function of (seed, salt, step, index), integers only, so
 * every backend (a CUDA kernel included) draws the same numbers in any order and on any thread. In C:
 * <pre>
 *   uint64_t z = seed ^ (salt * 0x9E3779B97F4A7C15 + (int64_t) step * 0xD1B54A32D192ED03 + index);  // mod 2^64
 *   z = (z ^ (z &gt;&gt; 30)) * 0xBF58476D1CE4E5B9;
 *   z = (z ^ (z &gt;&gt; 27)) * 0x94D049BB133111EB;
 *   z =  z ^ (z &gt;&gt; 31);                       // the SplitMix64 finaliser
 *   double u = (double) (z &gt;&gt; 11) * 0x1.0p-53;  // uniform in [0, 1), 53 bits
 * </pre>
 * All arithmetic wraps modulo 2^64 and every shift is logical (unsigned); {@code step} is sign-extended from 32 bits.
 */
public final class CounterRandom {
    /** The multiplier of the salt: the golden-ratio constant of SplitMix64's sequence. */
    public static final long SALT_MULTIPLIER = 0x9E3779B97F4A7C15L;
    /** The multiplier of the step: an odd constant unrelated to the other three. */
    public static final long STEP_MULTIPLIER = 0xD1B54A32D192ED03L;
    /** The finaliser's first multiplier. */
    public static final long MIX1 = 0xBF58476D1CE4E5B9L;
    /** The finaliser's second multiplier. */
    public static final long MIX2 = 0x94D049BB133111EBL;

    private CounterRandom() {
    }

    /** 64 random bits for element {@code index} of the draw (seed, salt, step). */
    public static long bits(long seed, long salt, int step, long index) {
        long z = seed ^ (salt * SALT_MULTIPLIER + step * STEP_MULTIPLIER + index);
        z = (z ^ (z >>> 30)) * MIX1;
        z = (z ^ (z >>> 27)) * MIX2;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1): the top 53 of {@link #bits}. */
    public static double uniform(long seed, long salt, int step, long index) {
        return (bits(seed, salt, step, index) >>> 11) * 0x1.0p-53;
    }

    /** Dropout's keep value for element {@code index}: 1 / (1 - rate) when u >= rate, else 0. */
    public static double dropoutValue(long seed, long salt, int step, long index, double rate) {
        return uniform(seed, salt, step, index) >= rate ? 1 / (1 - rate) : 0;
    }
}
