package dev.sim4j.train.metrics;

/**
 * An evaluation summary over one data split.
 *
 * @param exactAuc  rank-based ROC AUC, ties averaged ({@link ExactAuc}); NaN when a class is absent
 * @param auc       the reference's AUC, TF's 8000-threshold interpolated ROC AUC ({@link ThresholdAuc}); NaN when a
 *                  class is absent
 * @param loss      mean binary cross-entropy per sample ({@link LogLoss}); NaN when empty
 * @param count     number of samples
 * @param positives number of positive labels
 */
public record Metrics(double exactAuc, double auc, double loss, long count, long positives) {
    public Metrics {
        if (count < 0 || positives < 0 || positives > count) {
            throw new IllegalArgumentException("need 0 <= positives <= count, got " + positives + " of " + count);
        }
    }

    /** Fraction of positive labels (the click-through rate of the split); NaN when empty. */
    public double positiveRate() {
        return count == 0 ? Double.NaN : (double) positives / count;
    }
}
