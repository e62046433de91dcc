package dev.sim4j.serve.scoring;

/**
 * An item to score for a user, in raw ids.
 *
 * @param item     the item's raw id (an ASIN)
 * @param category its category name
 */
public record Candidate(String item, String category) {
}
