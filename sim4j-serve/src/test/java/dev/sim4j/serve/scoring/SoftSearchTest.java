package dev.sim4j.serve.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-request soft search picks what a sort of every event's dot product picks, ties and padding included. */
class SoftSearchTest {
    @Test
    void picksTheLargestDotProductsTiesToTheMoreRecent() {
        SplittableRandom rnd = new SplittableRandom(5);
        int e = 16;
        for (int round = 0; round < 200; round++) {
            // Few distinct items and categories: many exact ties; item 0 is padding.
            int items = 2 + rnd.nextInt(40);
            int cats = 1 + rnd.nextInt(6);
            float[] itemTable = new float[(items + 1) * e];
            float[] catTable = new float[(cats + 1) * e];
            for (int k = e; k < itemTable.length; k++) {
                itemTable[k] = (float) rnd.nextGaussian();
            }
            for (int k = e; k < catTable.length; k++) {
                catTable[k] = rnd.nextInt(3) - 1; // small integers: ties between categories too
            }
            int n = 1 + rnd.nextInt(1200);
            int[] evItem = new int[n];
            int[] evCat = new int[n];
            for (int k = 0; k < n; k++) {
                evItem[k] = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(items);
                evCat[k] = evItem[k] == 0 ? 0 : 1 + rnd.nextInt(cats);
            }
            int from = Math.min(n, rnd.nextInt(12));
            int older = n - from;
            if (older < 2) {
                continue;
            }
            int longLength = 1 + rnd.nextInt(older - 1);
            SoftSearch soft = new SoftSearch(evItem, evCat, from, itemTable, catTable, e);
            for (int c = 0; c < 5; c++) {
                int ci = 1 + rnd.nextInt(items);
                int cc = 1 + rnd.nextInt(cats);
                double[] score = new double[n];
                for (int k = from; k < n; k++) {
                    score[k] = evItem[k] == 0 ? Double.NEGATIVE_INFINITY
                            : dot(itemTable, evItem[k], ci, e) + dot(catTable, evCat[k], cc, e);
                }
                int[] want = IntStream.range(from, n).boxed()
                        .sorted(Comparator.comparingDouble((Integer k) -> -score[k]).thenComparingInt(k -> k))
                        .limit(longLength).mapToInt(Integer::intValue).sorted().toArray();
                assertThat(soft.pick(ci, cc, longLength)).as("round " + round + " candidate " + c).containsExactly(want);
            }
        }
    }

    private static double dot(float[] t, int row, int cand, int e) {
        double s = 0;
        for (int d = 0; d < e; d++) {
            s += (double) t[row * e + d] * t[cand * e + d];
        }
        return s;
    }

    @Test
    void kthSmallestIsTheSortedArraysElement() {
        SplittableRandom rnd = new SplittableRandom(9);
        double[] specials = {-0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.5, -1.5, Double.NaN,
                Double.MIN_VALUE, -Double.MAX_VALUE};
        for (int round = 0; round < 2000; round++) {
            double[] a = new double[1 + rnd.nextInt(300)];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextInt(4) == 0 ? specials[rnd.nextInt(specials.length)] : rnd.nextInt(7) - 3;
            }
            double[] sorted = a.clone();
            Arrays.sort(sorted);
            int k = rnd.nextInt(a.length);
            assertThat(Double.compare(SoftSearch.kthSmallest(a, new long[a.length], k), sorted[k])).as("round " + round)
                    .isZero();
        }
    }
}
