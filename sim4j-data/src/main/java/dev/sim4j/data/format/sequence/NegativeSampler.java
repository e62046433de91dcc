package dev.sim4j.data.format.sequence;

import java.util.SplittableRandom;

/**
 * Draws negatives for a row from a counter-based stream: the same (seed, mapping kind, row) always gives the same
 * draws, so rows can be rebuilt in any order, on any thread, by any reader. An item is drawn with probability
 * (its events) / (all events), i.e. a uniform draw over all review rows, as the reference samples.
 */
public final class NegativeSampler implements Negatives {
    private final int[] cumulative;
    private final long seed;

    public NegativeSampler(SequenceStore store) {
        this.cumulative = store.cumulativeReviews();
        this.seed = store.seed();
    }

    @Override
    public Draws forRow(SequenceStore.RowKind kind, long row) {
        SplittableRandom stream = stream(kind, row);
        return () -> drawItem(stream);
    }

    /** The random stream of one row of a mapping kind. */
    public SplittableRandom stream(SequenceStore.RowKind kind, long row) {
        long k = seed * 0x9E3779B97F4A7C15L + (kind.ordinal() + 1) * 0xD1B54A32D192ED03L;
        return new SplittableRandom(mix(k ^ mix(row + 0x632BE59BD9B4E019L)));
    }

    /** The next negative item from a row's stream. */
    public int drawItem(SplittableRandom stream) {
        int u = stream.nextInt(cumulative[cumulative.length - 1]);
        // The smallest item i with cumulative[i] > u.
        int lo = 1;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
