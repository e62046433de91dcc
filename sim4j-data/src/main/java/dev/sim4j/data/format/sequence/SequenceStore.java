package dev.sim4j.data.format.sequence;

import java.util.Map;

/**
 * Every user's behaviour sequence stored once, from which the reference's training and test rows are rebuilt on
 * reading (instead of storing each row's 100-long histories, about 100 times more bytes).
 *
 * <p>User u (1-based, in uid order) owns events {@code [start(u), start(u) + lengths[u-1])} of {@code items} and
 * {@code cats}, ordered by (time, asin). Negatives are drawn, with replacement and in proportion to popularity, from
 * the items of all events: {@code cumulativeReviews[i]} counts the events of items 1..i (index 0 is 0), and
 * {@code itemCategory[i]} is item i's category.
 *
 * @param lengths            [U] events per user
 * @param items              [N] item id of each event
 * @param cats               [N] category id of each event
 * @param itemCategory       [I + 1] category of each item id (index 0 unused)
 * @param cumulativeReviews  [I + 1] events of items 1..i
 * @param seed               seed of the negative draws
 * @param maxHistory         L: histories keep the last L events, left-padded with 0
 * @param mappings           mapping name -> which rows it holds
 */
public record SequenceStore(int[] lengths, int[] items, int[] cats, int[] itemCategory, int[] cumulativeReviews,
                            long seed, int maxHistory, Map<String, RowKind> mappings) {

    /** Which rows a mapping holds. */
    public enum RowKind {
        /**
         * Per user with n events: for pool = events 1..n-1 and each position i = 2..n-1 of the pool, a positive row
         * (target pool[i], history the events before it) and its negative twin (same history, sampled target); all
         * positives of a user first, then their twins in the same order.
         */
        TRAIN,
        /** Per user: a positive row (target = the last event, history = the pool) and its negative twin. */
        TEST
    }

    public int users() {
        return lengths.length;
    }

    public int itemCount() {
        return itemCategory.length - 1;
    }

    /** Events of all users: the sampling table's size. */
    public int totalEvents() {
        return cumulativeReviews[cumulativeReviews.length - 1];
    }

    /** Rows a mapping of this kind holds. */
    public long rows(RowKind kind) {
        long rows = 0;
        for (int n : lengths) {
            rows += kind == RowKind.TEST ? 2 : 2L * Math.max(0, n - 2);
        }
        return rows;
    }
}
