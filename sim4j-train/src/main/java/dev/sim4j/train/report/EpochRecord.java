package dev.sim4j.train.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.sim4j.train.metrics.Metrics;

/**
 * End-of-epoch figures, logged as {@code {"type": "epoch", "epoch", "throughput", "time", "train_auc", "test_auc",
 * "train_auc_exact", "test_auc_exact", "train_loss", "test_loss", "latency_mean", "latency_p90", "latency_p95",
 * "latency_p99"}}. Any value may be null (left out of the line) when it was not measured, e.g. the training-set
 * evaluation when it is switched off, or latencies outside benchmark mode.
 *
 * @param epoch         epoch number, 1-based
 * @param throughput    training samples per second over the epoch
 * @param time          training time of the epoch in seconds, evaluation excluded
 * @param trainAuc      8000-threshold AUC on the training set (the reference's AUC)
 * @param testAuc       8000-threshold AUC on the test set
 * @param trainAucExact exact (rank-based) AUC on the training set
 * @param testAucExact  exact AUC on the test set
 * @param trainLoss     loss on the training set
 * @param testLoss      loss on the test set
 * @param latencyMean   mean step latency, ms
 * @param latencyP90    90th percentile step latency, ms
 * @param latencyP95    95th percentile step latency, ms
 * @param latencyP99    99th percentile step latency, ms
 */
@JsonPropertyOrder({"epoch", "throughput", "time", "train_auc", "test_auc", "train_auc_exact", "test_auc_exact",
        "train_loss", "test_loss", "latency_mean", "latency_p90", "latency_p95", "latency_p99"})
public record EpochRecord(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("throughput") Double throughput,
        @JsonProperty("time") Double time,
        @JsonProperty("train_auc") Double trainAuc,
        @JsonProperty("test_auc") Double testAuc,
        @JsonProperty("train_auc_exact") Double trainAucExact,
        @JsonProperty("test_auc_exact") Double testAucExact,
        @JsonProperty("train_loss") Double trainLoss,
        @JsonProperty("test_loss") Double testLoss,
        @JsonProperty("latency_mean") Double latencyMean,
        @JsonProperty("latency_p90") Double latencyP90,
        @JsonProperty("latency_p95") Double latencyP95,
        @JsonProperty("latency_p99") Double latencyP99) implements LogRecord {

    /**
     * An epoch record from the evaluation summaries; {@code train}, {@code test} and {@code latency} may be null when
     * not measured.
     */
    public static EpochRecord of(int epoch, double throughput, double time, Metrics train, Metrics test,
            Latency latency) {
        return new EpochRecord(epoch, throughput, time,
                train == null ? null : train.auc(), test == null ? null : test.auc(),
                train == null ? null : train.exactAuc(), test == null ? null : test.exactAuc(),
                train == null ? null : train.loss(), test == null ? null : test.loss(),
                latency == null ? null : latency.mean(), latency == null ? null : latency.p90(),
                latency == null ? null : latency.p95(), latency == null ? null : latency.p99());
    }
}
