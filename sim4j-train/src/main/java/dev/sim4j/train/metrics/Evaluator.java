package dev.sim4j.train.metrics;

/**
 * Accumulates everything an evaluation pass reports over one split: exact AUC, the 8000-threshold AUC, log loss and
 * the ROC curve. Feed it each batch's stage-two logits or probabilities; read {@link #metrics()} and {@link #roc()} at
 * the end. Not thread-safe: one per thread, then {@link #merge}.
 */
public final class Evaluator {
    private final ExactAuc exactAuc = new ExactAuc();
    private final ThresholdAuc thresholdAuc;
    private final LogLoss logLoss = new LogLoss();

    /** An evaluator with the reference's 8000 thresholds. */
    public Evaluator() {
        this(ThresholdAuc.DEFAULT_NUM_THRESHOLDS);
    }

    /** An evaluator whose threshold AUC uses {@code numThresholds} thresholds. */
    public Evaluator(int numThresholds) {
        this.thresholdAuc = new ThresholdAuc(numThresholds);
    }

    /**
     * Adds a batch given as logits [B] and their sigmoid probabilities [B] (as the model computed them), labels [B].
     * The exact AUC ranks the logits, which float32 sigmoid saturation cannot tie; the threshold AUC buckets the
     * probabilities as TF does; the loss uses the stable logit form.
     */
    public void add(float[] logits, float[] probabilities, float[] labels) {
        exactAuc.add(logits, labels);
        thresholdAuc.add(probabilities, labels);
        logLoss.addLogits(logits, labels);
    }

    /** Adds a batch given only as probabilities [B] with labels [B]. */
    public void addProbabilities(float[] probabilities, float[] labels) {
        exactAuc.add(probabilities, labels);
        thresholdAuc.add(probabilities, labels);
        logLoss.addProbabilities(probabilities, labels);
    }

    /** Adds everything {@code other} has seen. */
    public void merge(Evaluator other) {
        exactAuc.merge(other.exactAuc);
        thresholdAuc.merge(other.thresholdAuc);
        logLoss.merge(other.logLoss);
    }

    /** The summary of everything added. */
    public Metrics metrics() {
        return new Metrics(exactAuc.compute(), thresholdAuc.compute(), logLoss.compute(), exactAuc.count(),
                exactAuc.positives());
    }

    /** The full threshold ROC curve ([numThresholds] points); downsample it before logging. */
    public RocCurve roc() {
        return thresholdAuc.curve();
    }

    /** Forgets everything added. */
    public void reset() {
        exactAuc.reset();
        thresholdAuc.reset();
        logLoss.reset();
    }
}
