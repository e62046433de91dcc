package dev.sim4j.preprocess.synth;

/**
 * One user's reviews in the order the generator made them: the item of each and its day (days since 1970-01-01,
 * non-decreasing; equal days are same-second ties in the dump, since the real {@code unixReviewTime} is a midnight).
 *
 * @param items item index per review, {@code [n]}
 * @param days  epoch day per review, {@code [n]}
 */
record UserHistory(int[] items, int[] days) {
    int size() {
        return items.length;
    }
}
