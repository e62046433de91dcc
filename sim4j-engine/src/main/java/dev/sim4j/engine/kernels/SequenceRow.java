package dev.sim4j.engine.kernels;

import java.util.function.IntUnaryOperator;

/**
 * Where one row of {@link InputKernels#sequenceRows} comes from: its user, target event and history window (the rule
 * of that method's doc), for the backends that build rows on the host.
 *
 * @param user     u, 0-based (the row's uid is u + 1)
 * @param start    the user's first event
 * @param target   the target event's position within the user's events
 * @param positive whether the row is a positive (its target the event) or a negative twin (a drawn target)
 * @param from     the first history event (absolute index)
 * @param history  h, the history events kept (the last min(target, L))
 * @param pad      L - h, the left padding
 */
public record SequenceRow(int user, int start, int target, boolean positive, int from, int history, int pad) {
    /**
     * Row {@code row} of a mapping whose user u holds rows [rowStart(u), rowStart(u + 1)) and events
     * [eventStart(u), eventStart(u + 1)).
     */
    public static SequenceRow locate(IntUnaryOperator rowStart, IntUnaryOperator eventStart, int users, long row,
                                     boolean test, int maxHistory) {
        // The last u with rowStart[u] <= row (users without rows share the next one's start).
        int lo = 0;
        int hi = users - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (rowStart.applyAsInt(mid) <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int start = eventStart.applyAsInt(lo);
        int n = eventStart.applyAsInt(lo + 1) - start;
        int k = (int) (row - rowStart.applyAsInt(lo));
        int half = test ? 1 : n - 2;
        int target = test ? n - 1 : 1 + k % half;
        int h = Math.min(target, maxHistory);
        return new SequenceRow(lo, start, target, k < half, start + target - h, h, maxHistory - h);
    }

    /**
     * The next negative of a row's stream: {@code itemOfDraw(d)} for d = stream.nextInt(draws), or, without that
     * table (null), the smallest item i in [1, items] with cumulative(i) > d.
     */
    public static int drawItem(SequenceStream stream, int draws, IntUnaryOperator itemOfDraw,
                               IntUnaryOperator cumulative, int items) {
        int d = stream.nextInt(draws);
        if (itemOfDraw != null) {
            return itemOfDraw.applyAsInt(d);
        }
        int lo = 1;
        int hi = items;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative.applyAsInt(mid) > d) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
