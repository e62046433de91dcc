package dev.sim4j.train.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The end of a run, logged as {@code {"type": "summary", "time_to_train", ...final metrics}}: the last epoch's
 * figures, plus the total training time. Null values are left out of the line. A resumed run's summary covers all its
 * epochs, those trained before the resume included.
 *
 * @param timeToTrain   the sum of the epochs' training times in seconds, as the reference computes it (evaluation and
 *                      checkpoints excluded)
 * @param epochs        number of epochs run
 * @param throughput    mean of the epochs' training throughputs, samples per second
 * @param trainAuc      final 8000-threshold AUC on the training set
 * @param testAuc       final 8000-threshold AUC on the test set
 * @param trainAucExact final exact AUC on the training set
 * @param testAucExact  final exact AUC on the test set
 * @param trainLoss     final training-set loss
 * @param testLoss      final test-set loss
 * @param latencyMean   mean step latency, ms (benchmark mode)
 * @param latencyP90    p90 step latency, ms
 * @param latencyP95    p95 step latency, ms
 * @param latencyP99    p99 step latency, ms
 */
@JsonPropertyOrder({"time_to_train", "epochs", "throughput", "train_auc", "test_auc", "train_auc_exact",
        "test_auc_exact", "train_loss", "test_loss", "latency_mean", "latency_p90", "latency_p95", "latency_p99"})
public record SummaryRecord(
        @JsonProperty("time_to_train") double timeToTrain,
        @JsonProperty("epochs") Integer epochs,
        @JsonProperty("throughput") Double throughput,
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

    /** The summary of a run whose last epoch is {@code last}, with {@code meanThroughput} over all epochs. */
    public static SummaryRecord of(double timeToTrain, double meanThroughput, EpochRecord last) {
        return new SummaryRecord(timeToTrain, last.epoch(), meanThroughput, last.trainAuc(), last.testAuc(),
                last.trainAucExact(), last.testAucExact(), last.trainLoss(), last.testLoss(), last.latencyMean(),
                last.latencyP90(), last.latencyP95(), last.latencyP99());
    }
}
