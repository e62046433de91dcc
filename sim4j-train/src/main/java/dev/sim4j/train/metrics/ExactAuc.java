package dev.sim4j.train.metrics;

import java.util.Arrays;

/**
 * Exact ROC AUC over (score, label) pairs: the Mann-Whitney statistic, i.e. the probability that a random positive
 * scores above a random negative, with tied scores counting one half.
 *
 * <p>Scores are accumulated batch by batch ({@link #add}) and the area is computed once at the end
 * ({@link #compute}) by one sort: O(n log n) time, 8 bytes per sample. The result is deterministic: it depends only
 * on the multiset of pairs, not on batch order, and the pair count is kept in exact integer arithmetic.
 *
 * <p>Any finite scores are accepted (logits or probabilities; the AUC is invariant under strictly increasing
 * transforms). Feeding logits avoids the ties that float32 sigmoid saturation creates near 0 and 1. {@code -0.0}
 * and {@code 0.0} are the same score. Labels must be exactly 0 or 1.
 *
 * <p>The AUC is undefined when either class is absent: {@link #compute} then returns {@link Double#NaN}.
 *
 * <p>Not thread-safe: use one instance per thread and {@link #merge} them.
 */
public final class ExactAuc {
    private long[] keys = new long[1024];
    private int size;
    private long positives;

    /** Adds a batch. {@code scores} and {@code labels} are [B]. */
    public void add(float[] scores, float[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: " + scores.length + " vs " + labels.length);
        }
        add(scores, labels, 0, scores.length);
    }

    /** Adds the pairs {@code [from, to)} of a batch; lets callers skip padding rows without copying. */
    public void add(float[] scores, float[] labels, int from, int to) {
        java.util.Objects.checkFromToIndex(from, to, Math.min(scores.length, labels.length));
        ensureCapacity(size + (to - from));
        for (int i = from; i < to; i++) {
            boolean positive = Labels.isPositive(labels[i], i);
            keys[size++] = key(scores[i], positive, i);
            if (positive) {
                positives++;
            }
        }
    }

    /** Adds every pair seen by {@code other} (for example a per-thread or per-rank accumulator). */
    public void merge(ExactAuc other) {
        ensureCapacity(size + other.size);
        System.arraycopy(other.keys, 0, keys, size, other.size);
        size += other.size;
        positives += other.positives;
    }

    /** Number of pairs added. */
    public long count() {
        return size;
    }

    /** Number of positive labels added. */
    public long positives() {
        return positives;
    }

    /**
     * The exact AUC, ties averaged; {@link Double#NaN} when no positive or no negative was added. Sorts a copy, so
     * accumulation may continue afterwards.
     */
    public double compute() {
        long negatives = size - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(keys, size);
        Arrays.sort(sorted);
        // Twice the number of correctly ordered (negative, positive) pairs, ties counting one: exact in a long
        // for up to ~3e9 samples, so the result does not depend on summation order.
        long twiceCorrect = 0;
        long negativesBelow = 0;
        int i = 0;
        while (i < size) {
            long score = sorted[i] >> 1;
            long groupPositives = 0;
            long groupNegatives = 0;
            while (i < size && (sorted[i] >> 1) == score) {
                if ((sorted[i] & 1L) != 0) {
                    groupPositives++;
                } else {
                    groupNegatives++;
                }
                i++;
            }
            twiceCorrect += groupPositives * (2 * negativesBelow + groupNegatives);
            negativesBelow += groupNegatives;
        }
        return twiceCorrect / (2.0 * positives * (double) negatives);
    }

    /** Forgets every pair added. */
    public void reset() {
        size = 0;
        positives = 0;
    }

    /**
     * Packs a score and a label into one long whose signed order is the score order: the float's bits mapped to a
     * signed int with the same order as the float, shifted left, and the label in the low bit. One primitive sort
     * then groups ties without a comparator or boxed indices.
     */
    private static long key(float score, boolean positive, int index) {
        if (!Float.isFinite(score)) {
            throw new IllegalArgumentException("score at index " + index + " is not finite: " + score);
        }
        int bits = Float.floatToIntBits(score + 0.0f); // + 0.0f turns -0.0 into 0.0 so the two tie
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ordered << 1) | (positive ? 1L : 0L);
    }

    private void ensureCapacity(int needed) {
        if (needed < 0) {
            throw new IllegalStateException("ExactAuc holds at most " + Integer.MAX_VALUE + " pairs");
        }
        if (needed > keys.length) {
            keys = Arrays.copyOf(keys, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * keys.length)));
        }
    }
}
