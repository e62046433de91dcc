package dev.sim4j.train.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ExactAucTest {

    private static double auc(float[] scores, float[] labels) {
        ExactAuc auc = new ExactAuc();
        auc.add(scores, labels);
        return auc.compute();
    }

    @Test
    void perfectRankingIsOne() {
        assertThat(auc(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, new float[] {0, 0, 1, 1})).isEqualTo(1.0);
    }

    @Test
    void invertedRankingIsZero() {
        assertThat(auc(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, new float[] {0, 0, 1, 1})).isEqualTo(0.0);
    }

    @Test
    void allTiedIsOneHalf() {
        assertThat(auc(new float[] {0.3f, 0.3f, 0.3f, 0.3f, 0.3f}, new float[] {1, 0, 0, 1, 0})).isEqualTo(0.5);
    }

    @Test
    void mixedCaseWithTiesWorkedByHand() {
        // negatives 0.1, 0.4, 0.4, 0.9; positives 0.4, 0.7. Pairs (8):
        // positive 0.4 beats 0.1 (1), ties both 0.4s (0.5 + 0.5), loses to 0.9 (0)  -> 2
        // positive 0.7 beats 0.1, 0.4, 0.4 (3), loses to 0.9 (0)                     -> 3
        // AUC = 5 / 8
        float[] scores = {0.4f, 0.1f, 0.9f, 0.4f, 0.7f, 0.4f};
        float[] labels = {0, 0, 0, 1, 1, 0};
        assertThat(auc(scores, labels)).isEqualTo(0.625);
    }

    @Test
    void negativeZeroTiesWithZero() {
        assertThat(auc(new float[] {-0.0f, 0.0f}, new float[] {1, 0})).isEqualTo(0.5);
        assertThat(auc(new float[] {0.0f, -0.0f}, new float[] {1, 0})).isEqualTo(0.5);
    }

    @Test
    void undefinedWithoutBothClasses() {
        assertThat(auc(new float[] {0.1f, 0.9f}, new float[] {1, 1})).isNaN();
        assertThat(auc(new float[] {0.1f, 0.9f}, new float[] {0, 0})).isNaN();
        assertThat(new ExactAuc().compute()).isNaN();
    }

    @Test
    void rejectsBadInput() {
        ExactAuc auc = new ExactAuc();
        assertThatThrownBy(() -> auc.add(new float[] {Float.NaN}, new float[] {1}))
                .hasMessageContaining("index 0").hasMessageContaining("not finite");
        assertThatThrownBy(() -> auc.add(new float[] {0.5f}, new float[] {0.5f}))
                .hasMessageContaining("expected 0 or 1");
        assertThatThrownBy(() -> auc.add(new float[] {0.5f}, new float[] {1, 0})).hasMessageContaining("length");
    }

    @Test
    void matchesPairCountingOnRandomData() {
        long seed = System.nanoTime();
        System.out.println("ExactAucTest.matchesPairCountingOnRandomData seed=" + seed);
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(300);
            float[] scores = new float[n];
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = rnd.nextInt(20) / 4.0f - 2f; // coarse grid: many ties, negatives and -0.0 excluded
                labels[i] = rnd.nextDouble() < 0.4 ? 1 : 0;
            }
            double pairs = 0;
            double correct = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (labels[i] == 1 && labels[j] == 0) {
                        pairs++;
                        correct += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            }
            double expected = pairs == 0 ? Double.NaN : correct / pairs;
            assertThat(auc(scores, labels)).as("seed %d trial %d", seed, trial).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void invariantUnderStrictlyIncreasingTransforms() {
        long seed = System.nanoTime();
        System.out.println("ExactAucTest.invariantUnderStrictlyIncreasingTransforms seed=" + seed);
        Random rnd = new Random(seed);
        // Scores on a grid of 1/1024 so that every transform below stays strictly increasing after float rounding:
        // distinct scores remain distinct and ties remain ties.
        DoubleUnaryOperator[] transforms = {
                x -> 1.0 / (1.0 + Math.exp(-(8 * x - 4))), // sigmoid
                x -> Math.exp(5 * x),
                x -> x * x * x + x - 7,
                x -> -1.0 / (x + 0.5),
                x -> Math.log(x + 1e-3) * 1000};
        for (int trial = 0; trial < 10; trial++) {
            int n = 50 + rnd.nextInt(2000);
            float[] scores = new float[n];
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = rnd.nextInt(1024) / 1024.0f;
                labels[i] = rnd.nextDouble() < 0.3 + 0.4 * scores[i] ? 1 : 0;
            }
            double base = auc(scores, labels);
            for (DoubleUnaryOperator f : transforms) {
                float[] mapped = new float[n];
                for (int i = 0; i < n; i++) {
                    mapped[i] = (float) f.applyAsDouble(scores[i]);
                }
                // precondition: float rounding kept the transform strictly increasing on this sample
                assertThat(distinct(mapped)).as("transform keeps distinct scores distinct").isEqualTo(distinct(scores));
                assertThat(auc(mapped, labels)).as("seed %d trial %d", seed, trial).isEqualTo(base);
            }
        }
    }

    private static long distinct(float[] values) {
        return IntStream.range(0, values.length).mapToObj(i -> values[i]).distinct().count();
    }

    @Test
    void batchingAndMergingDoNotChangeTheResult() {
        long seed = System.nanoTime();
        System.out.println("ExactAucTest.batchingAndMergingDoNotChangeTheResult seed=" + seed);
        Random rnd = new Random(seed);
        int n = 5000;
        float[] scores = new float[n];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = (float) rnd.nextGaussian();
            labels[i] = rnd.nextBoolean() ? 1 : 0;
        }
        double whole = auc(scores, labels);
        ExactAuc batched = new ExactAuc();
        ExactAuc other = new ExactAuc();
        for (int from = 0; from < n; from += 777) {
            (from % 2 == 0 ? batched : other).add(scores, labels, from, Math.min(n, from + 777));
        }
        batched.merge(other);
        assertThat(batched.count()).isEqualTo(n);
        assertThat(batched.compute()).isEqualTo(whole);
        assertThat(batched.compute()).as("compute does not consume the data").isEqualTo(whole);
    }
}
