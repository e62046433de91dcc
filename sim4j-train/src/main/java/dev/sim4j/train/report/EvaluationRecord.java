package dev.sim4j.train.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.sim4j.train.metrics.Metrics;
import dev.sim4j.train.metrics.RocCurve;

import java.util.Arrays;

/**
 * One evaluation pass over a split, with its ROC curve for the report, logged as {@code {"type": "evaluation",
 * "epoch", "split", "auc", "auc_exact", "loss", "count", "positives", "roc_fpr", "roc_tpr"}}. Not in the reference's
 * log: sim4j adds it so the report can draw the ROC curve.
 *
 * @param epoch     epoch after which the evaluation ran
 * @param split     data split, {@code "train"} or {@code "test"}
 * @param auc       8000-threshold AUC
 * @param aucExact  exact AUC
 * @param loss      mean log loss
 * @param count     samples evaluated
 * @param positives positive labels among them
 * @param rocFpr    false positive rates of the threshold ROC curve, [M] with M at most {@link #MAX_ROC_POINTS}
 * @param rocTpr    true positive rates, [M]
 */
@JsonPropertyOrder({"epoch", "split", "auc", "auc_exact", "loss", "count", "positives", "roc_fpr", "roc_tpr"})
public record EvaluationRecord(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("split") String split,
        @JsonProperty("auc") double auc,
        @JsonProperty("auc_exact") double aucExact,
        @JsonProperty("loss") double loss,
        @JsonProperty("count") long count,
        @JsonProperty("positives") long positives,
        @JsonProperty("roc_fpr") double[] rocFpr,
        @JsonProperty("roc_tpr") double[] rocTpr) implements LogRecord {

    /** Most ROC points a record carries: enough for a smooth plot, small enough for one log line (~8 KB). */
    public static final int MAX_ROC_POINTS = 200;

    public EvaluationRecord {
        rocFpr = rocFpr == null ? new double[0] : rocFpr.clone();
        rocTpr = rocTpr == null ? new double[0] : rocTpr.clone();
        if (rocFpr.length != rocTpr.length) {
            throw new IllegalArgumentException(
                    "roc_fpr and roc_tpr differ in length: " + rocFpr.length + " vs " + rocTpr.length);
        }
    }

    /** An evaluation record; {@code roc} (for example the full 8000-point curve) is downsampled here. */
    public static EvaluationRecord of(int epoch, String split, Metrics metrics, RocCurve roc) {
        RocCurve small = roc.downsample(MAX_ROC_POINTS);
        return new EvaluationRecord(epoch, split, metrics.auc(), metrics.exactAuc(), metrics.loss(), metrics.count(),
                metrics.positives(), small.fpr(), small.tpr());
    }

    @Override
    public double[] rocFpr() {
        return rocFpr.clone();
    }

    @Override
    public double[] rocTpr() {
        return rocTpr.clone();
    }

    /** The logged ROC points as a curve. */
    public RocCurve roc() {
        return new RocCurve(rocFpr, rocTpr);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationRecord r && epoch == r.epoch && java.util.Objects.equals(split, r.split)
                && Double.compare(auc, r.auc) == 0 && Double.compare(aucExact, r.aucExact) == 0
                && Double.compare(loss, r.loss) == 0 && count == r.count && positives == r.positives
                && Arrays.equals(rocFpr, r.rocFpr) && Arrays.equals(rocTpr, r.rocTpr);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(epoch, split, auc, aucExact, loss, count, positives)
                + 31 * Arrays.hashCode(rocFpr) + Arrays.hashCode(rocTpr);
    }

    @Override
    public String toString() {
        return "EvaluationRecord[epoch=" + epoch + ", split=" + split + ", auc=" + auc + ", aucExact=" + aucExact
                + ", loss=" + loss + ", count=" + count + ", positives=" + positives + ", roc=" + rocFpr.length
                + " points]";
    }
}
