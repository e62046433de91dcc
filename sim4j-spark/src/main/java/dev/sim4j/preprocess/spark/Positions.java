package dev.sim4j.preprocess.spark;

/**
 * A line's place in a dump as one long: the split (in file order) in the high bits, the line within the split in the
 * low 40, so that positions sort in input order; turned into 1-based line numbers once the splits' line counts are
 * known.
 */
final class Positions {
    private static final int LINE_BITS = 40;

    private Positions() {
    }

    static long of(int split, long line) {
        return ((long) split << LINE_BITS) | line;
    }

    /** The line number in the whole input, given the lines before each split. */
    static long lineNumber(long position, long[] linesBefore) {
        return linesBefore[(int) (position >>> LINE_BITS)] + (position & ((1L << LINE_BITS) - 1));
    }
}
