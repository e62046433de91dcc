package dev.sim4j.engine.kernels;

/**
 * The random stream of one row's negatives: {@code java.util.SplittableRandom} seeded from (mapping key, row) and
 * drawn with {@code nextInt(bound)}, written out as arithmetic so that every backend (a CUDA kernel included) draws the
 * same numbers. A stream is SplitMix64 with the golden gamma: state s0 = mix64(key ^ mix64(row + ROW_SALT)), the i-th
 * raw value mix32(s0 + i * GAMMA) (i = 1, 2, ...); {@code nextInt(bound)} takes raw values until one is accepted
 * (a power-of-two bound takes the low bits of the first; another takes u = raw >>> 1 unless u + bound - 1 - u mod bound
 * overflows, i.e. u lies in the last incomplete block of 2^31, and gives u mod bound). Instances are one row's
 * stream: cheap, not thread-safe.
 */
public final class SequenceStream {
    /** SplittableRandom's default gamma. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** The multiplier of the mapping kind in the stream key. */
    public static final long KIND_MULTIPLIER = 0xD1B54A32D192ED03L;
    /** Added to the row before it is mixed. */
    public static final long ROW_SALT = 0x632BE59BD9B4E019L;

    private long state;

    /** The stream of {@code row} of the mapping with key {@code streamKey}. */
    public SequenceStream(long streamKey, long row) {
        this.state = mix64(streamKey ^ mix64(row + ROW_SALT));
    }

    /** A mapping's stream key: seed * GAMMA + kind * KIND_MULTIPLIER, with kind 1 for training rows and 2 for test. */
    public static long streamKey(long seed, int kind) {
        return seed * GAMMA + kind * KIND_MULTIPLIER;
    }

    /** The next raw 32-bit value. */
    public int nextInt() {
        state += GAMMA;
        return mix32(state);
    }

    /** A uniform int in [0, bound), as {@code SplittableRandom.nextInt(bound)}. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, not " + bound);
        }
        int m = bound - 1;
        int r = nextInt();
        if ((bound & m) == 0) {
            return r & m;
        }
        for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1) {
            // rejected: u lies in the incomplete last block
        }
        return r;
    }

    /** SplitMix64's finaliser (Stafford's variant 13). */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** SplittableRandom's 32-bit finaliser. */
    public static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62A9D9ED799705F5L;
        return (int) (((z ^ (z >>> 28)) * 0xCB24D0A5C88C35B3L) >>> 32);
    }
}
