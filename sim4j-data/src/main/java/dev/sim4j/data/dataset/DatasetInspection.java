package dev.sim4j.data.dataset;

import java.util.List;

/**
 * What {@code sim4j data inspect} reports about a dataset: per mapping, its rows, label balance, the ids each
 * categorical feature declares and actually uses, and how long the positive histories are.
 *
 * @param dataset  the dataset folder
 * @param mappings one entry per mapping, in spec order
 */
public record DatasetInspection(String dataset, List<Mapping> mappings) {

    /**
     * @param name          mapping name
     * @param rows          rows in the mapping
     * @param positives     rows with label 1
     * @param negatives     rows with label 0
     * @param features      per categorical feature: declared vs seen ids
     * @param historyLength real (non-padding) length of the positive history per row
     */
    public record Mapping(String name, long rows, long positives, long negatives, List<FeatureIds> features,
                          HistoryLengths historyLength) {
    }

    /**
     * @param feature          feature name
     * @param cardinality      declared cardinality (ids 1..cardinality)
     * @param maxSeen          largest id seen
     * @param distinctSeen     distinct non-zero ids seen
     * @param paddingValues    values equal to 0 (padding)
     */
    public record FeatureIds(String feature, long cardinality, long maxSeen, long distinctSeen, long paddingValues) {
    }

    /**
     * @param min     shortest history
     * @param mean    mean history length
     * @param max     longest history
     * @param buckets histogram buckets in order
     */
    public record HistoryLengths(int min, double mean, int max, List<Bucket> buckets) {
    }

    /** Rows whose history length lies in {@code from..to} (inclusive). */
    public record Bucket(int from, int to, long rows) {
    }
}
