package dev.sim4j.engine.kernels;

/**
 * Input batches built on the backend itself: the rows of a mapping rebuilt from behaviour sequences uploaded once
 * ({@link SequenceTables}), so that a device never waits for a host to materialise 100-long histories. The rows are
 * exactly those the data module's {@code SequenceRows} reads (ADR 0004), negatives included: every row's draws come
 * from its own counter-based stream ({@link SequenceStream}), so a row is the same whichever backend, thread or batch
 * builds it.
 */
public interface InputKernels {
    /**
     * Writes rows {@code firstRow + i * rowStride}, i in [0, B), of {@code mapping} into {@code out} (B =
     * {@code out.label().size()}). For a row r, with u the user whose rows hold r (rows are numbered user after user:
     * {@code rowStart[u] <= r < rowStart[u + 1]}), n its events and k = r - rowStart[u] the row within the user:
     * <ul>
     *   <li>training rows: half = n - 2 positives first, then their negative twins; target position
     *       t = 1 + (k mod half), history = the user's events [0, t); test rows: half = 1, t = n - 1, history [0, n-1);</li>
     *   <li>label 1 for k &lt; half, else 0; uid = u + 1; a positive row's target is event t, a negative row's the
     *       row stream's first draw (its category from {@code itemCategory});</li>
     *   <li>the history keeps its last h = min(t, L) events, left-padded with 0 to L; the negative history holds the
     *       stream's next h draws (after the target's, for a negative row), padded the same way.</li>
     * </ul>
     * A draw is {@code itemOfDraw[s.nextInt(draws)]} for the row's stream s (the smallest item whose cumulative count
     * exceeds the index where the table is absent). Every row must exist: {@code firstRow + (B - 1) * rowStride <
     * rows}.
     */
    void sequenceRows(SequenceMapping mapping, long firstRow, int rowStride, RowTensors out);
}
