package dev.sim4j.preprocess.synth;

import java.nio.file.Path;
import java.util.List;

/**
 * What a generation wrote.
 *
 * @param directory     the output folder
 * @param files         one entry per file, reviews first
 * @param users         reviewers
 * @param keptUsers     reviewers with at least 20 reviews (those the preprocessing keeps)
 * @param keptReviews   reviews of those reviewers
 * @param seconds       wall time
 */
public record SynthSummary(Path directory, List<FileStats> files, long users, long keptUsers, long keptReviews,
                           double seconds) {
    public SynthSummary {
        files = List.copyOf(files);
    }

    /**
     * One written file.
     *
     * @param name            file name
     * @param lines           lines (reviews or metadata rows)
     * @param rawBytes        uncompressed size
     * @param compressedBytes size on disk
     */
    public record FileStats(String name, long lines, long rawBytes, long compressedBytes) {
    }
}
