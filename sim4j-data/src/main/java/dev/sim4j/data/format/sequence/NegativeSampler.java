package dev.sim4j.data.format.sequence;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws negatives for a row from a counter-based stream: the same (seed, mapping kind, row) always gives the same
 * draws, so rows can be rebuilt in any order, on any thread, by any reader. An item is drawn with probability
 * (its events) / (all events), i.e. a uniform draw over all review rows, as the reference samples.
 */
public final class NegativeSampler implements Negatives {
    /** Largest number of review rows for which the draw -> item table is built (4 bytes each: 200 MB). */
    static final int MAX_TABLE = 50_000_000;

    private final int[] cumulative;
    private final long seed;
    /**
     * The item of every review row (draw u -> item), or null when there are too many rows: one array read per draw
     * instead of a binary search over the cumulative counts, whose cache misses made rebuilding rows (about 100 draws
     * each) the data pipeline's main cost. Same item for the same draw either way.
     */
    private final int[] itemOfDraw;

    public NegativeSampler(SequenceStore store) {
        this(store.cumulativeReviews(), store.seed(), MAX_TABLE);
    }

    NegativeSampler(int[] cumulative, long seed, int maxTable) {
        this.cumulative = cumulative;
        this.seed = seed;
        int total = cumulative[cumulative.length - 1];
        if (total <= maxTable) {
            itemOfDraw = new int[total];
            for (int item = 1; item < cumulative.length; item++) {
                Arrays.fill(itemOfDraw, cumulative[item - 1], cumulative[item], item);
            }
        } else {
            itemOfDraw = null;
        }
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
        return itemOfDraw != null ? itemOfDraw[u] : search(u);
    }

    /** The smallest item i with cumulative[i] > u. */
    int search(int u) {
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
