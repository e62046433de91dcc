package dev.sim4j.preprocess.spark;

import java.io.Serializable;

/**
 * What one input line gave (a review, an item's metadata, or why it was skipped), or a split's totals: the elements
 * of the parsed input, kept (serialised) while the job makes its passes over it. A plain class with a no-argument
 * constructor, so that Spark's Kryo serialiser handles it without registration.
 */
final class LineOutcome implements Serializable {
    static final byte REVIEW = 0;
    static final byte METADATA = 1;
    static final byte SKIPPED = 2;
    static final byte SPLIT_TOTALS = 3;

    byte kind;
    /** Review: reviewerID; metadata: asin; skipped: the reason. */
    String name;
    /** Review: asin; metadata: the category (null: none). */
    String value;
    /** Review: unixReviewTime. */
    int time;
    /** The split this came from (its index in file order). */
    int split;
    /** Metadata and skipped lines: the line number within the split (1-based); totals: the split's lines. */
    long line;
    /** Totals: the line (within the split) at which a gzip stream ended early, or -1. */
    long truncatedAt = -1;

    LineOutcome() {
    }

    static LineOutcome review(String user, String item, int time) {
        LineOutcome o = new LineOutcome();
        o.kind = REVIEW;
        o.name = user;
        o.value = item;
        o.time = time;
        return o;
    }

    static LineOutcome metadata(int split, long line, String asin, String category) {
        LineOutcome o = new LineOutcome();
        o.kind = METADATA;
        o.split = split;
        o.line = line;
        o.name = asin;
        o.value = category;
        return o;
    }

    static LineOutcome skipped(int split, long line, String reason) {
        LineOutcome o = new LineOutcome();
        o.kind = SKIPPED;
        o.split = split;
        o.line = line;
        o.name = reason;
        return o;
    }

    static LineOutcome totals(int split, long lines, long truncatedAt) {
        LineOutcome o = new LineOutcome();
        o.kind = SPLIT_TOTALS;
        o.split = split;
        o.line = lines;
        o.truncatedAt = truncatedAt;
        return o;
    }

    /** Where a line is in the input: split and line within it, in one sortable number. */
    long position() {
        return Positions.of(split, line);
    }
}
