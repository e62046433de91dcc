package dev.sim4j.train.metrics;

import java.util.Objects;

/**
 * ROC AUC over fixed thresholds, reproducing TensorFlow's {@code tf.keras.metrics.AUC(num_thresholds=8000)} (defaults
 * {@code curve='ROC'}, {@code summation_method='interpolation'}, no sample weights), the reference's AUC (spec section
 * 7).
 *
 * <p>What is matched, from keras {@code AUC.__init__}, {@code metrics_utils._update_confusion_matrix_variables_optimized}
 * and {@code AUC.result}:
 * <ul>
 *   <li>Thresholds: {@code [-1e-7] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1 + 1e-7]}
 *       ({@code backend.epsilon() = 1e-7}), so threshold {@code i} is {@code i / (N - 1)} inside and the two ends sit
 *       just outside [0, 1].</li>
 *   <li>Counting: a prediction is positive at threshold {@code t} when {@code prob > t}. As in TF's path for evenly
 *       spaced thresholds (the one the default takes), each prediction goes to bucket
 *       {@code max(ceil(prob * (N - 1)) - 1, 0)} with the product in float32, and {@code TP[i]}, {@code FP[i]} are the
 *       reversed cumulative sums of the positive / negative bucket counts; {@code FN = P - TP}, {@code TN = Nn - FP}.
 *       O(n + N) instead of O(n * N). Predictions must lie in [0, 1] (TF asserts this); labels 0 or 1.</li>
 *   <li>Area: {@code TPR = TP / (TP + FN)}, {@code FPR = FP / (FP + TN)} and
 *       {@code sum_i (FPR[i] - FPR[i+1]) * (TPR[i] + TPR[i+1]) / 2} over i = 0 .. N - 2: the trapezoid rule, which is
 *       what 'interpolation' means for ROC (the Davis-Goadrich interpolation applies only to PR).</li>
 * </ul>
 *
 * <p>Deliberate differences: counts are exact longs and the area is summed in double, where TF keeps float32
 * variables (whose counts stop being exact past 2^24 per threshold) and sums in float32 in an unspecified order; the
 * results agree to about 1e-6. When a class is absent TF's {@code divide_no_nan} yields 0.0; {@link #compute} returns
 * {@link Double#NaN} instead, because the AUC is undefined there.
 *
 * <p>Not thread-safe: use one instance per thread and {@link #merge} them.
 */
public final class ThresholdAuc {
    /** The reference's {@code num_thresholds}. */
    public static final int DEFAULT_NUM_THRESHOLDS = 8000;
    /** Keras {@code backend.epsilon()}: how far the end thresholds sit outside [0, 1]. */
    public static final double EPSILON = 1e-7;

    private final int numThresholds;
    private final long[] positiveBuckets;
    private final long[] negativeBuckets;

    /** An accumulator with the reference's 8000 thresholds. */
    public ThresholdAuc() {
        this(DEFAULT_NUM_THRESHOLDS);
    }

    /** An accumulator with {@code numThresholds} thresholds (more than 1, as in TF). */
    public ThresholdAuc(int numThresholds) {
        if (numThresholds <= 1) {
            throw new IllegalArgumentException("numThresholds must be > 1, got " + numThresholds);
        }
        this.numThresholds = numThresholds;
        this.positiveBuckets = new long[numThresholds];
        this.negativeBuckets = new long[numThresholds];
    }

    /** Number of thresholds. */
    public int numThresholds() {
        return numThresholds;
    }

    /** TF's threshold list, [N]: {@code -1e-7, 1/(N-1), ..., (N-2)/(N-1), 1 + 1e-7}. */
    public double[] thresholds() {
        double[] t = new double[numThresholds];
        t[0] = 0.0 - EPSILON;
        for (int i = 0; i < numThresholds - 2; i++) {
            t[i + 1] = (i + 1) * 1.0 / (numThresholds - 1);
        }
        t[numThresholds - 1] = 1.0 + EPSILON;
        return t;
    }

    /** Adds a batch: {@code probabilities} [B] in [0, 1], {@code labels} [B] of 0 / 1. */
    public void add(float[] probabilities, float[] labels) {
        if (probabilities.length != labels.length) {
            throw new IllegalArgumentException("probabilities and labels differ in length: "
                    + probabilities.length + " vs " + labels.length);
        }
        add(probabilities, labels, 0, probabilities.length);
    }

    /** Adds the pairs {@code [from, to)} of a batch. */
    public void add(float[] probabilities, float[] labels, int from, int to) {
        Objects.checkFromToIndex(from, to, Math.min(probabilities.length, labels.length));
        float scale = numThresholds - 1; // float32 like TF's y_pred * (num_thresholds - 1)
        for (int i = from; i < to; i++) {
            float p = probabilities[i];
            if (!(p >= 0.0f && p <= 1.0f)) {
                throw new IllegalArgumentException("probability at index " + i + " is " + p + ", expected [0, 1]");
            }
            int bucket = Math.max((int) Math.ceil(p * scale) - 1, 0);
            if (Labels.isPositive(labels[i], i)) {
                positiveBuckets[bucket]++;
            } else {
                negativeBuckets[bucket]++;
            }
        }
    }

    /** Adds every pair seen by {@code other}, which must have the same number of thresholds. */
    public void merge(ThresholdAuc other) {
        if (other.numThresholds != numThresholds) {
            throw new IllegalArgumentException(
                    "cannot merge " + other.numThresholds + " thresholds into " + numThresholds);
        }
        for (int i = 0; i < numThresholds; i++) {
            positiveBuckets[i] += other.positiveBuckets[i];
            negativeBuckets[i] += other.negativeBuckets[i];
        }
    }

    /** Number of pairs added. */
    public long count() {
        return positives() + negatives();
    }

    /** Number of positive labels added. */
    public long positives() {
        return sum(positiveBuckets);
    }

    private long negatives() {
        return sum(negativeBuckets);
    }

    /**
     * The ROC curve at every threshold, [N] points from threshold {@code -1e-7} (point (1, 1)) to {@code 1 + 1e-7}
     * (point (0, 0)). With a class absent its rate is 0 everywhere, as TF's {@code divide_no_nan} makes it.
     */
    public RocCurve curve() {
        long p = positives();
        long n = negatives();
        double[] fpr = new double[numThresholds];
        double[] tpr = new double[numThresholds];
        long tp = 0;
        long fp = 0;
        for (int i = numThresholds - 1; i >= 0; i--) { // reversed cumulative sum
            tp += positiveBuckets[i];
            fp += negativeBuckets[i];
            tpr[i] = p == 0 ? 0.0 : (double) tp / p;
            fpr[i] = n == 0 ? 0.0 : (double) fp / n;
        }
        return new RocCurve(fpr, tpr);
    }

    /** The interpolated (trapezoid) ROC AUC; {@link Double#NaN} when no positive or no negative was added. */
    public double compute() {
        if (positives() == 0 || negatives() == 0) {
            return Double.NaN;
        }
        return curve().area();
    }

    /** Forgets every pair added. */
    public void reset() {
        java.util.Arrays.fill(positiveBuckets, 0);
        java.util.Arrays.fill(negativeBuckets, 0);
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
