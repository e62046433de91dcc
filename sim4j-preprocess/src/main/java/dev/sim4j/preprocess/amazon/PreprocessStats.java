package dev.sim4j.preprocess.amazon;

import java.util.Map;

/**
 * What a preprocessing run did, written as {@code stats.json} beside the dataset.
 *
 * @param users              users kept (>= min reviews)
 * @param items              items reviewed by kept users
 * @param categories         categories of those items (including {@code no_category} when used)
 * @param rows               rows per mapping
 * @param reviewLinesRead    lines of the reviews file
 * @param metadataLinesRead  lines of the metadata file
 * @param reviewsKept        review rows of kept users
 * @param usersSeen          distinct users in the reviews
 * @param itemsWithoutMetadata   kept items with no metadata line
 * @param itemsWithoutCategory   kept items whose metadata has no category
 * @param skippedReviewLines     skipped review lines per reason
 * @param skippedMetadataLines   skipped metadata lines per reason
 * @param phaseSeconds       wall time per phase (reading reviews, reading metadata, building sequences, writing)
 * @param seconds            wall time of the run
 */
public record PreprocessStats(long users, long items, long categories, Map<String, Long> rows, long reviewLinesRead,
                              long metadataLinesRead, long reviewsKept, long usersSeen, long itemsWithoutMetadata,
                              long itemsWithoutCategory, Map<String, BadLines.Reason> skippedReviewLines,
                              Map<String, BadLines.Reason> skippedMetadataLines, Map<String, Double> phaseSeconds,
                              double seconds) {
}
