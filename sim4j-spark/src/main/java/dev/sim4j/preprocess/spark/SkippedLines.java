package dev.sim4j.preprocess.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Skipped lines of one reason, summed across tasks: how many, and the positions of the first few in input order
 * (as many as the local engine reports), so that the driver receives a few numbers per reason, not the lines.
 */
final class SkippedLines implements Serializable {
    static final int EXAMPLES = 5;

    long count;
    long[] first = new long[0];

    SkippedLines() {
    }

    static SkippedLines of(long position) {
        SkippedLines s = new SkippedLines();
        s.count = 1;
        s.first = new long[] {position};
        return s;
    }

    static SkippedLines merge(SkippedLines a, SkippedLines b) {
        SkippedLines s = new SkippedLines();
        s.count = a.count + b.count;
        long[] all = Arrays.copyOf(a.first, a.first.length + b.first.length);
        System.arraycopy(b.first, 0, all, a.first.length, b.first.length);
        Arrays.sort(all);
        s.first = Arrays.copyOf(all, Math.min(EXAMPLES, all.length));
        return s;
    }
}
