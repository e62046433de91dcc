package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;

/**
 * One mapping's rows over resident {@link SequenceTables}: which rows each user holds and the key of their negative
 * streams (see {@link InputKernels#sequenceRows}).
 *
 * @param tables    the store
 * @param rowStart  I32 [U + 1]: the first row of each user (the last entry: all rows)
 * @param test      test rows (one positive and its twin per user) rather than training rows
 * @param streamKey the mapping's stream key ({@link SequenceStream#streamKey})
 * @param rows      the number of rows (rowStart's last entry)
 */
public record SequenceMapping(SequenceTables tables, Tensor rowStart, boolean test, long streamKey, int rows)
        implements AutoCloseable {
    /** Frees the row table (not the shared store). */
    @Override
    public void close() {
        rowStart.close();
    }
}
