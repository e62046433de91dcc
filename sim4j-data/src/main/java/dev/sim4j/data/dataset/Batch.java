package dev.sim4j.data.dataset;

/**
 * One batch of rows in the five model channels, as primitive arrays. Channel arrays are indexed
 * {@code [feature of the channel][row * width + j]}: B values for scalar channels, B x L for histories. The arrays
 * may be longer than needed (they are reused); only the first {@code size} rows are meaningful, and a batch stays
 * valid until the pipeline's next {@code next()} call.
 *
 * @param index           batch number on this rank, from 0
 * @param size            B, the rows in this batch
 * @param historyLength   L, values per row of a history feature
 * @param label           [B] 0/1
 * @param user            [U features][B]
 * @param targetItem      [item features][B]
 * @param positiveHistory [item features][B x L], oldest first, left-padded with 0
 * @param negativeHistory [item features][B x L]
 */
public record Batch(long index, int size, int historyLength, int[] label, int[][] user, int[][] targetItem,
                    int[][] positiveHistory, int[][] negativeHistory) {
}
