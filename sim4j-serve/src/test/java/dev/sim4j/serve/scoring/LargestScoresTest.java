package dev.sim4j.serve.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The histogram selection picks exactly what the rule it replaced picks (the k-th largest by a sort in
 * {@link Double#compare}'s order as the threshold; every score above it, then those equal to it, lowest index first),
 * over awkward sizes and the distributions that stress it: ties, padding, one bucket holding nearly everything, and
 * the scores it hands to the heap selection.
 */
class LargestScoresTest {
    private static final int[] SIZES = {2, 3, 7, 8, 9, 17, 33, 127, 1021, 1200};

    /** The soft search's rule as the commit before this class stated it, by a sort instead of a heap. */
    private static int[] expected(double[] score, int n, int k, int offset) {
        double[] sorted = Arrays.copyOf(score, n);
        Arrays.sort(sorted);
        double threshold = sorted[n - k];
        int[] out = new int[k];
        int taken = 0;
        for (int j = 0; j < n; j++) {
            if (score[j] > threshold) {
                out[taken++] = offset + j;
            }
        }
        for (int j = 0; j < n && taken < k; j++) {
            if (score[j] == threshold || (Double.isNaN(threshold) && Double.isNaN(score[j]))) {
                out[taken++] = offset + j;
            }
        }
        Arrays.sort(out, 0, taken);
        return Arrays.copyOf(out, taken);
    }

    private static double[] scores(SplittableRandom rnd, int n, int kind) {
        double[] s = new double[n];
        for (int j = 0; j < n; j++) {
            s[j] = switch (kind) {
                case 0 -> rnd.nextGaussian(); // spread out
                case 1 -> rnd.nextInt(5) - 2; // few values: ties at every threshold
                case 2 -> rnd.nextInt(3) == 0 ? Double.NEGATIVE_INFINITY : rnd.nextGaussian(); // padding
                case 3 -> rnd.nextInt(10) == 0 ? 1e6 : 1 + rnd.nextInt(4) * 1e-12; // almost all in one bucket
                case 4 -> j; // sorted: oldest events score highest
                case 5 -> rnd.nextInt(n) == 0 ? 2.5 : Double.NEGATIVE_INFINITY; // fewer scores than k
                default -> 0.25; // all equal
            };
        }
        return s;
    }

    @Test
    void picksWhatTheSortedThresholdRulePicks() {
        long seed = 20261203L;
        System.out.println("[LargestScoresTest] seed " + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n : SIZES) {
            LargestScores largest = new LargestScores(n + 3); // scratch larger than the scores used
            for (int kind = 0; kind <= 6; kind++) {
                for (int round = 0; round < 20; round++) {
                    double[] s = scores(rnd, n, kind);
                    int k = 1 + rnd.nextInt(n - 1);
                    int offset = rnd.nextInt(11);
                    assertThat(largest.pick(s, n, k, offset)).as("n %d kind %d round %d k %d", n, kind, round, k)
                            .containsExactly(expected(s, n, k, offset));
                }
            }
            assertThat(largest.heapSelections()).as("ordinary scores never need the heap").isZero();
        }
    }

    @Test
    void scoresTheBucketsCannotOrderTakeTheHeapAndPickTheSame() {
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MAX_VALUE, -Double.MAX_VALUE,
                Double.MIN_VALUE};
        // Rounds 3, 4, 5 (mod 6) also: MAX_VALUE alone (scales), beside -MAX_VALUE (overflows), 0 beside MIN_VALUE.
        SplittableRandom rnd = new SplittableRandom(11);
        int rounds = 0;
        for (int n : SIZES) {
            LargestScores largest = new LargestScores(n);
            for (int round = 0; round < 30; round++) {
                double[] s = scores(rnd, n, round % 3);
                int at = rnd.nextInt(n);
                s[at] = specials[round % specials.length];
                if (round % specials.length == 4) { // a spread that overflows: -MAX_VALUE and MAX_VALUE
                    s[(at + 1) % n] = Double.MAX_VALUE;
                }
                if (round % specials.length == 5) { // a spread too narrow to scale: 0 and the next double up
                    Arrays.fill(s, 0.0);
                    s[rnd.nextInt(n)] = Double.MIN_VALUE;
                }
                int k = 1 + rnd.nextInt(n - 1);
                assertThat(largest.pick(s, n, k, 0)).as("n %d round %d k %d", n, round, k)
                        .containsExactly(expected(s, n, k, 0));
                rounds++;
            }
            // NaN, +infinity, -0.0 and the two spreads go to the heap (5 of every 6 rounds); MAX_VALUE alone does not.
            assertThat(largest.heapSelections()).as("n %d", n).isEqualTo(25);
        }
        assertThat(rounds).isEqualTo(SIZES.length * 30);
    }

    @Test
    void returnsTheIndicesAscendingWithTheOffset() {
        double[] s = {0.5, 3.0, Double.NEGATIVE_INFINITY, 3.0, 1.0, 2.0, 3.0};
        LargestScores largest = new LargestScores(s.length);
        assertThat(largest.pick(s, s.length, 2, 10)).containsExactly(11, 13); // the two more recent of three ties
        assertThat(largest.pick(s, s.length, 4, 0)).containsExactly(1, 3, 5, 6);
        assertThat(largest.pick(s, s.length, 6, 0)).containsExactly(IntStream.of(0, 1, 3, 4, 5, 6).toArray());
        assertThat(largest.pick(s, 3, 2, 0)).as("only the first n scores count").containsExactly(0, 1);
    }
}
