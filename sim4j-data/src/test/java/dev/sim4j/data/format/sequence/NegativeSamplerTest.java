package dev.sim4j.data.format.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seeded sampler draws items in proportion to their reviews, reproducibly per row. */
class NegativeSamplerTest {
    static SequenceStore store(long seed) {
        // Items 1..4 with 1, 3, 0, 6 reviews.
        return new SequenceStore(new int[] {10}, new int[10], new int[10], new int[] {0, 1, 1, 1, 1},
                new int[] {0, 1, 4, 4, 10}, seed, 5, Map.of("train", SequenceStore.RowKind.TRAIN));
    }

    @Test
    void drawsFollowPopularity() {
        long seed = 7;
        System.out.println("seed " + seed);
        NegativeSampler s = new NegativeSampler(store(seed));
        int[] counts = new int[5];
        int n = 200_000;
        for (int r = 0; r < n / 10; r++) {
            Negatives.Draws d = s.forRow(SequenceStore.RowKind.TRAIN, r);
            for (int k = 0; k < 10; k++) {
                counts[d.nextItem()]++;
            }
        }
        assertThat(counts[0]).isZero();
        assertThat(counts[3]).as("an item nobody reviewed is never drawn").isZero();
        // Expected shares 0.1, 0.3, 0.6; 5 standard deviations of a binomial at n = 200k is under 0.006.
        assertThat(counts[1] / (double) n).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.006));
        assertThat(counts[2] / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.006));
        assertThat(counts[4] / (double) n).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.006));
    }

    @Test
    void aRowsDrawsDependOnlyOnSeedKindAndRow() {
        NegativeSampler a = new NegativeSampler(store(1));
        NegativeSampler b = new NegativeSampler(store(1));
        int[] first = draws(a, SequenceStore.RowKind.TRAIN, 41);
        draws(b, SequenceStore.RowKind.TRAIN, 3);
        assertThat(draws(b, SequenceStore.RowKind.TRAIN, 41)).isEqualTo(first);
        assertThat(draws(new NegativeSampler(store(2)), SequenceStore.RowKind.TRAIN, 41)).isNotEqualTo(first);
        assertThat(draws(a, SequenceStore.RowKind.TEST, 41)).isNotEqualTo(first);
        assertThat(draws(a, SequenceStore.RowKind.TRAIN, 42)).isNotEqualTo(first);
    }

    static int[] draws(NegativeSampler s, SequenceStore.RowKind kind, long row) {
        Negatives.Draws d = s.forRow(kind, row);
        int[] out = new int[32];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.nextItem();
        }
        return out;
    }

    @Test
    void theDrawTableGivesTheSameItemsAsTheBinarySearch() {
        // Items with zero, one and many reviews, so empty ranges and long runs are both covered.
        int[] counts = {0, 3, 0, 0, 1, 7, 2, 0, 5, 1};
        int[] cumulative = new int[counts.length];
        for (int i = 1; i < counts.length; i++) {
            cumulative[i] = cumulative[i - 1] + counts[i];
        }
        NegativeSampler table = new NegativeSampler(cumulative, 99, Integer.MAX_VALUE);
        NegativeSampler search = new NegativeSampler(cumulative, 99, 0);
        for (int u = 0; u < cumulative[cumulative.length - 1]; u++) {
            int item = search.search(u);
            assertThat(cumulative[item - 1]).isLessThanOrEqualTo(u);
            assertThat(cumulative[item]).isGreaterThan(u);
        }
        for (long row = 0; row < 50; row++) {
            var a = table.forRow(SequenceStore.RowKind.TRAIN, row);
            var b = search.forRow(SequenceStore.RowKind.TRAIN, row);
            for (int k = 0; k < 100; k++) {
                assertThat(a.nextItem()).isEqualTo(b.nextItem());
            }
        }
    }
}
