package dev.sim4j.serve.scoring;

/**
 * A user's history in the model's ids, most recent first: what {@link CandidateScorer#prepare} reads of it, looked up
 * once in the vocabularies ({@link CandidateScorer#encode}). An item the vocabulary lacks is 0 (padding), and so is
 * its category.
 *
 * @param items      [n] item ids
 * @param categories [n] category ids
 */
public record EncodedHistory(int[] items, int[] categories) {
    public EncodedHistory {
        if (items.length != categories.length) {
            throw new IllegalArgumentException(items.length + " items but " + categories.length + " categories");
        }
    }

    /** The events held. */
    public int size() {
        return items.length;
    }
}
