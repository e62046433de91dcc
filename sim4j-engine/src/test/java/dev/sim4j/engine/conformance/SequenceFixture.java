package dev.sim4j.engine.conformance;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.kernels.SequenceMapping;
import dev.sim4j.engine.kernels.SequenceStream;
import dev.sim4j.engine.kernels.SequenceTables;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A random behaviour-sequence store for the row-building conformance cases: user lengths from 1 (no training rows)
 * to past the history length, and either an item-of-draw table or only the cumulative counts, optionally scaled up so
 * that the draw bound lies just above 2^30 and about half the raw draws are rejected.
 */
final class SequenceFixture {
    final int[] eventStart;
    final int[] items;
    final int[] cats;
    final int[] itemCategory;
    final int[] cumulative;
    /** Null when the draws search the cumulative counts. */
    final int[] itemOfDraw;
    final int draws;
    final int maxHistory;

    SequenceFixture(SplittableRandom rnd, int users, int maxLength, int itemCount, int maxHistory, boolean table,
                    boolean hugeBound) {
        this.maxHistory = maxHistory;
        eventStart = new int[users + 1];
        for (int u = 0; u < users; u++) {
            eventStart[u + 1] = eventStart[u] + 1 + rnd.nextInt(maxLength);
        }
        int n = eventStart[users];
        itemCategory = new int[itemCount + 1];
        for (int i = 1; i <= itemCount; i++) {
            itemCategory[i] = 1 + rnd.nextInt(9);
        }
        items = new int[n];
        cats = new int[n];
        int[] counts = new int[itemCount + 1];
        for (int e = 0; e < n; e++) {
            items[e] = 1 + rnd.nextInt(itemCount);
            cats[e] = itemCategory[items[e]];
            counts[items[e]]++;
        }
        // Scaled, the counts keep their proportions and the bound lands just above 2^30.
        long scale = hugeBound ? ((1L << 30) / n) + 1 : 1;
        cumulative = new int[itemCount + 1];
        for (int i = 1; i <= itemCount; i++) {
            cumulative[i] = Math.toIntExact(cumulative[i - 1] + counts[i] * scale);
        }
        draws = cumulative[itemCount];
        if (table) {
            itemOfDraw = new int[draws];
            for (int i = 1; i <= itemCount; i++) {
                Arrays.fill(itemOfDraw, cumulative[i - 1], cumulative[i], i);
            }
        } else {
            itemOfDraw = null;
        }
    }

    int users() {
        return eventStart.length - 1;
    }

    /** Rows per user: training rows 2 (n - 2) (none below 3 events), test rows 2. */
    int[] rowStart(boolean test) {
        int[] start = new int[eventStart.length];
        for (int u = 0; u < users(); u++) {
            int n = eventStart[u + 1] - eventStart[u];
            start[u + 1] = start[u] + (test ? 2 : 2 * Math.max(0, n - 2));
        }
        return start;
    }

    /** The store as tensors on every twin (views at an offset, guarded). */
    Twins.T[] on(Twins h) {
        return new Twins.T[] {h.ints(eventStart, eventStart.length), h.ints(items, items.length),
                h.ints(cats, cats.length), h.ints(itemCategory, itemCategory.length),
                itemOfDraw == null ? null : h.ints(itemOfDraw, itemOfDraw.length), h.ints(cumulative, cumulative.length)};
    }

    static SequenceMapping mapping(Backend be, Twins.T[] store, Twins.T rowStart, int maxHistory, int draws,
                                   boolean test, long seed, int rows) {
        SequenceTables tables = new SequenceTables(store[0].on(be), store[1].on(be), store[2].on(be), store[3].on(be),
                store[4] == null ? null : store[4].on(be), store[5].on(be), draws, maxHistory);
        return new SequenceMapping(tables, rowStart.on(be), test, SequenceStream.streamKey(seed, test ? 2 : 1), rows);
    }
}
