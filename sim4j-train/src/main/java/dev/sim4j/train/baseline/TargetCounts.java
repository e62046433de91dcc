package dev.sim4j.train.baseline;

import java.util.Arrays;

/**
 * Per id of one target feature (item id or category), how many rows of a mapping have it as their target and how
 * many of those are positive. Indexed by id directly (ids are small dense integers, 0 = padding), growing to the
 * largest id seen, so a spec without a declared cardinality works too. Counts are longs: the Books-size train
 * mapping has about 12 M rows, and the popular ids hold a good part of them.
 */
public final class TargetCounts {
    private long[] positives;
    private long[] rows;
    private long maxPositives;

    /** Empty counts with room for ids {@code 0..expectedMaxId} (more are added on demand). */
    public TargetCounts(int expectedMaxId) {
        int n = Math.max(1, expectedMaxId + 1);
        positives = new long[n];
        rows = new long[n];
    }

    /** Counts one row with target {@code id} and the given label. */
    public void add(int id, boolean positive) {
        if (id < 0) {
            throw new IllegalArgumentException("negative id " + id);
        }
        if (id >= rows.length) {
            int n = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(id + 1L, 2L * rows.length));
            positives = Arrays.copyOf(positives, n);
            rows = Arrays.copyOf(rows, n);
        }
        rows[id]++;
        if (positive) {
            long p = ++positives[id];
            maxPositives = Math.max(maxPositives, p);
        }
    }

    /** Positive rows whose target is {@code id}; 0 for an id never seen (a cold-start item has no popularity). */
    public long positives(int id) {
        return id >= 0 && id < positives.length ? positives[id] : 0;
    }

    /** Rows (either label) whose target is {@code id}. */
    public long rows(int id) {
        return id >= 0 && id < rows.length ? rows[id] : 0;
    }

    /** The largest {@link #positives(int)} over all ids: the scale that maps counts into [0, 1]. */
    public long maxPositives() {
        return maxPositives;
    }

    /**
     * The click rate of {@code id} with add-one (Laplace) smoothing, {@code (positives + 1) / (rows + 2)}: an unseen
     * id gets 1/2 instead of an undefined 0/0, and a rarely seen id is pulled towards 1/2 rather than to 0 or 1.
     */
    public double smoothedRate(int id) {
        return (positives(id) + 1.0) / (rows(id) + 2.0);
    }
}
