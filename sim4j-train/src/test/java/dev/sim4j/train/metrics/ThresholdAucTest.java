package dev.sim4j.train.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ThresholdAucTest {

    /**
     * TF's unoptimised path written out literally, O(n x thresholds): the float32 threshold list, "positive when
     * prob > threshold" at every threshold, divide_no_nan rates, then the trapezoid sum.
     */
    private static double bruteForceTf(float[] probs, float[] labels, int numThresholds) {
        float[] thresholds = new float[numThresholds];
        thresholds[0] = (float) (0.0 - 1e-7);
        for (int i = 0; i < numThresholds - 2; i++) {
            thresholds[i + 1] = (float) ((i + 1) * 1.0 / (numThresholds - 1));
        }
        thresholds[numThresholds - 1] = (float) (1.0 + 1e-7);
        double[] tpr = new double[numThresholds];
        double[] fpr = new double[numThresholds];
        for (int t = 0; t < numThresholds; t++) {
            long tp = 0, fp = 0, fn = 0, tn = 0;
            for (int i = 0; i < probs.length; i++) {
                boolean predictedPositive = probs[i] > thresholds[t];
                if (labels[i] == 1) {
                    if (predictedPositive) tp++; else fn++;
                } else {
                    if (predictedPositive) fp++; else tn++;
                }
            }
            tpr[t] = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
            fpr[t] = fp + tn == 0 ? 0 : (double) fp / (fp + tn);
        }
        double area = 0;
        for (int i = 0; i < numThresholds - 1; i++) {
            area += (fpr[i] - fpr[i + 1]) * ((tpr[i] + tpr[i + 1]) / 2.0);
        }
        return area;
    }

    @Test
    void thresholdListIsTfs() {
        double[] t = new ThresholdAuc().thresholds();
        assertThat(t).hasSize(8000);
        assertThat(t[0]).isEqualTo(-1e-7);
        assertThat(t[1]).isEqualTo(1.0 / 7999);
        assertThat(t[4000]).isEqualTo(4000.0 / 7999);
        assertThat(t[7998]).isEqualTo(7998.0 / 7999);
        assertThat(t[7999]).isEqualTo(1.0 + 1e-7);
    }

    @Test
    void kerasDocstringExample() {
        // tf.keras.metrics.AUC(num_thresholds=3).update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]) -> 0.75:
        // thresholds [-1e-7, 0.5, 1+1e-7]; 0.5 is not > 0.5, so tp=[2,1,0], fp=[2,0,0], area = 1 * (1 + 0.5) / 2.
        ThresholdAuc auc = new ThresholdAuc(3);
        auc.add(new float[] {0f, 0.5f, 0.3f, 0.9f}, new float[] {0, 0, 1, 1});
        assertThat(auc.compute()).isEqualTo(0.75);
    }

    @Test
    void handComputedEndpoints() {
        ThresholdAuc perfect = new ThresholdAuc();
        perfect.add(new float[] {0f, 0f, 1f, 1f}, new float[] {0, 0, 1, 1});
        assertThat(perfect.compute()).isEqualTo(1.0);
        ThresholdAuc inverse = new ThresholdAuc();
        inverse.add(new float[] {1f, 1f, 0f, 0f}, new float[] {0, 0, 1, 1});
        assertThat(inverse.compute()).isEqualTo(0.0);
        ThresholdAuc tied = new ThresholdAuc();
        tied.add(new float[] {0.37f, 0.37f, 0.37f}, new float[] {0, 1, 0});
        assertThat(tied.compute()).isEqualTo(0.5);
    }

    @Test
    void undefinedWithoutBothClasses() {
        ThresholdAuc onlyPositive = new ThresholdAuc();
        onlyPositive.add(new float[] {0.2f, 0.7f}, new float[] {1, 1});
        assertThat(onlyPositive.compute()).isNaN();
        ThresholdAuc onlyNegative = new ThresholdAuc();
        onlyNegative.add(new float[] {0.2f, 0.7f}, new float[] {0, 0});
        assertThat(onlyNegative.compute()).isNaN();
        assertThat(new ThresholdAuc().compute()).isNaN();
    }

    @Test
    void rejectsProbabilitiesOutsideUnitInterval() {
        ThresholdAuc auc = new ThresholdAuc();
        assertThatThrownBy(() -> auc.add(new float[] {1.0001f}, new float[] {1})).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> auc.add(new float[] {Float.NaN}, new float[] {1})).hasMessageContaining("NaN");
    }

    @Test
    void equalsBruteForceTfAlgorithm() {
        long seed = System.nanoTime();
        System.out.println("ThresholdAucTest.equalsBruteForceTfAlgorithm seed=" + seed);
        Random rnd = new Random(seed);
        for (int numThresholds : new int[] {3, 17, 200, 8000}) {
            int n = numThresholds == 8000 ? 1500 : 3000;
            float[] probs = new float[n];
            float[] labels = new float[n];
            int skipped = 0;
            for (int i = 0; i < n; i++) {
                float p;
                // TF's optimised path (float32 p * (N-1)) and its literal path (p > float32(i/(N-1))) round
                // differently within a few ulps of a threshold: draw away from thresholds for an exact comparison.
                do {
                    p = rnd.nextInt(10) == 0 ? rnd.nextInt(2) : rnd.nextFloat();
                    double scaled = (double) p * (numThresholds - 1);
                    boolean nearThreshold = Math.abs(scaled - Math.rint(scaled)) < 1e-3 && p != 0f && p != 1f;
                    if (!nearThreshold) {
                        break;
                    }
                    skipped++;
                } while (true);
                probs[i] = p;
                labels[i] = rnd.nextDouble() < 0.2 + 0.6 * p ? 1 : 0;
            }
            ThresholdAuc auc = new ThresholdAuc(numThresholds);
            for (int from = 0; from < n; from += 256) {
                auc.add(probs, labels, from, Math.min(n, from + 256));
            }
            System.out.println("  numThresholds=" + numThresholds + " redrawn near thresholds: " + skipped);
            assertThat(auc.compute()).as("seed %d, %d thresholds", seed, numThresholds)
                    .isEqualTo(bruteForceTf(probs, labels, numThresholds));
        }
    }

    @Test
    void closeToExactAucOnWellSpreadScores() {
        long seed = System.nanoTime();
        System.out.println("ThresholdAucTest.closeToExactAucOnWellSpreadScores seed=" + seed);
        Random rnd = new Random(seed);
        int n = 50_000;
        float[] logits = new float[n];
        float[] probs = new float[n];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextDouble() < 0.3 ? 1 : 0;
            logits[i] = (float) (rnd.nextGaussian() * 1.5 + 1.2 * labels[i] - 0.5);
            probs[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
        }
        ExactAuc exact = new ExactAuc();
        exact.add(logits, labels);
        ThresholdAuc approx = new ThresholdAuc();
        approx.add(probs, labels);
        assertThat(approx.compute()).as("seed %d", seed).isCloseTo(exact.compute(), within(1e-3));
    }

    @Test
    void mergeEqualsSingleAccumulator() {
        long seed = System.nanoTime();
        System.out.println("ThresholdAucTest.mergeEqualsSingleAccumulator seed=" + seed);
        Random rnd = new Random(seed);
        float[] probs = new float[1000];
        float[] labels = new float[1000];
        for (int i = 0; i < probs.length; i++) {
            probs[i] = rnd.nextFloat();
            labels[i] = rnd.nextBoolean() ? 1 : 0;
        }
        ThresholdAuc whole = new ThresholdAuc();
        whole.add(probs, labels);
        ThresholdAuc a = new ThresholdAuc();
        ThresholdAuc b = new ThresholdAuc();
        a.add(probs, labels, 0, 400);
        b.add(probs, labels, 400, 1000);
        a.merge(b);
        assertThat(a.compute()).isEqualTo(whole.compute());
        assertThat(a.positives()).isEqualTo(whole.positives());
        assertThatThrownBy(() -> a.merge(new ThresholdAuc(10))).hasMessageContaining("10 thresholds");
    }

    @Test
    void curveRunsFromOneOneToZeroZeroAndDownsamplesKeepingItsArea() {
        long seed = System.nanoTime();
        System.out.println("ThresholdAucTest.curveRunsFromOneOneToZeroZero seed=" + seed);
        Random rnd = new Random(seed);
        ThresholdAuc auc = new ThresholdAuc();
        float[] probs = new float[20_000];
        float[] labels = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            labels[i] = rnd.nextBoolean() ? 1 : 0;
            probs[i] = (float) Math.clamp(0.5 + 0.2 * rnd.nextGaussian() + 0.1 * labels[i], 0, 1);
        }
        auc.add(probs, labels);
        RocCurve curve = auc.curve();
        assertThat(curve.size()).isEqualTo(8000);
        assertThat(curve.fpr()[0]).isEqualTo(1.0);
        assertThat(curve.tpr()[0]).isEqualTo(1.0);
        assertThat(curve.fpr()[7999]).isEqualTo(0.0);
        assertThat(curve.tpr()[7999]).isEqualTo(0.0);
        assertThat(curve.area()).isEqualTo(auc.compute());
        RocCurve small = curve.downsample(200);
        assertThat(small.size()).isBetween(100, 200);
        assertThat(small.fpr()[0]).isEqualTo(1.0);
        assertThat(small.fpr()[small.size() - 1]).isEqualTo(0.0);
        assertThat(small.area()).isCloseTo(curve.area(), within(2e-3));
    }
}
