package dev.sim4j.data.dataset;

import dev.sim4j.data.spec.Dtype;
import dev.sim4j.data.spec.FeatureDef;

/**
 * The values a feature may hold: 0/1 for bool features and labels, 0..cardinality for categorical ids (0 is
 * padding), anything for other integers.
 */
record ValueRule(String feature, long min, long max, String meaning) {

    static ValueRule of(FeatureDef f, boolean isLabel) {
        if (isLabel || f.parsedDtype() == Dtype.BOOL) {
            return new ValueRule(f.name(), 0, 1, isLabel ? "a label must be 0 or 1" : "a bool must be 0 or 1");
        }
        if (f.cardinality().isPresent()) {
            long c = f.cardinality().getAsLong();
            return new ValueRule(f.name(), 0, c, "ids run from 1 to the cardinality " + c + ", 0 is padding");
        }
        return new ValueRule(f.name(), Integer.MIN_VALUE, Integer.MAX_VALUE, "");
    }

    boolean unrestricted() {
        return min == Integer.MIN_VALUE && max == Integer.MAX_VALUE;
    }

    /** Index of the first value outside the rule in {@code values[from, to)}, or -1. */
    int firstViolation(int[] values, int from, int to) {
        if (unrestricted()) {
            return -1;
        }
        int lo = (int) min;
        int hi = (int) max;
        // A min/max reduction (which C2 vectorizes) finds out whether any value is bad; only then look for which.
        int smallest = Integer.MAX_VALUE;
        int largest = Integer.MIN_VALUE;
        for (int i = from; i < to; i++) {
            int v = values[i];
            smallest = Math.min(smallest, v);
            largest = Math.max(largest, v);
        }
        if (from >= to || (smallest >= lo && largest <= hi)) {
            return -1;
        }
        for (int i = from; i < to; i++) {
            if (values[i] < lo || values[i] > hi) {
                return i;
            }
        }
        return -1;
    }
}
