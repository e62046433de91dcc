package dev.sim4j.data.format.sequence;

/**
 * Where a row's negative items come from: one fresh source of draws per (mapping kind, row), so that a row's
 * negatives depend on nothing but its position. {@link NegativeSampler} is the seeded, popularity-weighted source;
 * tests substitute scripted ones.
 */
public interface Negatives {
    /** A source of negative item ids for one row. */
    interface Draws {
        int nextItem();
    }

    Draws forRow(SequenceStore.RowKind kind, long row);
}
