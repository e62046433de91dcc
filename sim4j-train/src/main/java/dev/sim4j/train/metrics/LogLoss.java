package dev.sim4j.train.metrics;

import java.util.Objects;

/**
 * Mean binary cross-entropy over every sample added: {@code -mean(y log p + (1 - y) log(1 - p))}.
 *
 * <p>From logits ({@link #addLogits}) it uses the stable form {@code max(x, 0) - x y + log1p(exp(-|x|))}, the same
 * as the training loss (spec section 5). From probabilities ({@link #addProbabilities}) they are clipped to
 * {@code [1e-7, 1 - 1e-7]} first, as Keras does, so a confident wrong answer costs about 16.1, not infinity.
 *
 * <p>Sums in double per sample; the mean over n samples is what is reported, not a mean of batch means, so the last
 * smaller batch is not over-weighted. Returns {@link Double#NaN} when nothing was added. Not thread-safe.
 */
public final class LogLoss {
    /** Keras {@code backend.epsilon()}, the probability clip. */
    public static final double EPSILON = 1e-7;

    private double sum;
    private long count;

    /** Adds a batch of probabilities [B] with labels [B] of 0 / 1. */
    public void addProbabilities(float[] probabilities, float[] labels) {
        checkLengths(probabilities, labels);
        for (int i = 0; i < probabilities.length; i++) {
            if (Float.isNaN(probabilities[i])) {
                throw new IllegalArgumentException("probability at index " + i + " is NaN");
            }
            double p = Math.clamp((double) probabilities[i], EPSILON, 1.0 - EPSILON);
            sum -= Labels.isPositive(labels[i], i) ? Math.log(p) : Math.log1p(-p);
        }
        count += probabilities.length;
    }

    /** Adds a batch of logits [B] with labels [B] of 0 / 1. */
    public void addLogits(float[] logits, float[] labels) {
        checkLengths(logits, labels);
        for (int i = 0; i < logits.length; i++) {
            double x = logits[i];
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException("logit at index " + i + " is NaN");
            }
            double y = Labels.isPositive(labels[i], i) ? 1.0 : 0.0;
            sum += Math.max(x, 0.0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
        }
        count += logits.length;
    }

    /** Adds every sample seen by {@code other}. */
    public void merge(LogLoss other) {
        sum += other.sum;
        count += other.count;
    }

    /** Number of samples added. */
    public long count() {
        return count;
    }

    /** The mean loss, or {@link Double#NaN} when nothing was added. */
    public double compute() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Forgets every sample added. */
    public void reset() {
        sum = 0.0;
        count = 0;
    }

    private static void checkLengths(float[] values, float[] labels) {
        Objects.requireNonNull(values, "values");
        if (values.length != labels.length) {
            throw new IllegalArgumentException(
                    "values and labels differ in length: " + values.length + " vs " + labels.length);
        }
    }
}
