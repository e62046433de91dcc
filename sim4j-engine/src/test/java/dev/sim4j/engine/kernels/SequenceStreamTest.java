package dev.sim4j.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequenceStreamTest {
    /** The JDK stream a row's negatives are drawn from, seeded as the data module's sampler seeds it. */
    private static SplittableRandom jdk(long key, long row) {
        return new SplittableRandom(SequenceStream.mix64(key ^ SequenceStream.mix64(row + SequenceStream.ROW_SALT)));
    }

    @Test
    void rawValuesAreSplittableRandomsNextInt() {
        SplittableRandom pick = new SplittableRandom(7);
        for (int c = 0; c < 200; c++) {
            long key = SequenceStream.streamKey(pick.nextLong(), 1 + pick.nextInt(2));
            long row = pick.nextLong(0, 1L << 40);
            SequenceStream ours = new SequenceStream(key, row);
            SplittableRandom theirs = jdk(key, row);
            for (int k = 0; k < 50; k++) {
                assertThat(ours.nextInt()).isEqualTo(theirs.nextInt());
            }
        }
    }

    @Test
    void boundedDrawsAreSplittableRandomsNextIntBound() {
        // Powers of two take the low bits; 2^30 + 1 rejects almost half of all raw values; MAX_VALUE almost none.
        int[] bounds = {1, 2, 3, 7, 64, 1 << 20, 1_000_003, 46_000_001, (1 << 30) + 1, 1 << 30, (1 << 30) + (1 << 29),
                Integer.MAX_VALUE};
        SplittableRandom pick = new SplittableRandom(11);
        for (int bound : bounds) {
            for (int c = 0; c < 20; c++) {
                long key = pick.nextLong();
                long row = pick.nextInt(1 << 24);
                SequenceStream ours = new SequenceStream(key, row);
                SplittableRandom theirs = jdk(key, row);
                for (int k = 0; k < 200; k++) {
                    assertThat(ours.nextInt(bound)).as("bound " + bound).isEqualTo(theirs.nextInt(bound));
                }
            }
        }
    }

    @Test
    void theStreamKeyIsTheSamplersFormula() {
        long seed = 0x1234_5678_9ABCL;
        assertThat(SequenceStream.streamKey(seed, 1)).isEqualTo(seed * 0x9E3779B97F4A7C15L + 0xD1B54A32D192ED03L);
        assertThat(SequenceStream.streamKey(seed, 2)).isEqualTo(seed * 0x9E3779B97F4A7C15L + 2 * 0xD1B54A32D192ED03L);
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new SequenceStream(1, 2).nextInt(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
