package dev.sim4j.model.testing;

import dev.sim4j.engine.Backend;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import java.util.SplittableRandom;

/** Random batches with the reference's layout: left-padded histories, real ids from 1. */
public final class TestBatches {
    private TestBatches() {
    }

    /**
     * A batch of {@code lengths.length} rows; row b has {@code lengths[b]} real history items (the newest positions),
     * the same padding for its negatives, and label {@code b % 2 == 0 ? 1 : 0}.
     */
    public static ModelInput create(Backend be, ModelConfig c, long seed, int... lengths) {
        SplittableRandom rng = new SplittableRandom(seed);
        int b = lengths.length;
        int t = c.historyLength();
        int[] uid = new int[b];
        int[] item = new int[b];
        int[] cat = new int[b];
        int[] hi = new int[b * t];
        int[] hc = new int[b * t];
        int[] ni = new int[b * t];
        int[] nc = new int[b * t];
        double[] label = new double[b];
        for (int r = 0; r < b; r++) {
            uid[r] = 1 + rng.nextInt(c.users());
            item[r] = 1 + rng.nextInt(c.items());
            cat[r] = 1 + rng.nextInt(c.categories());
            label[r] = r % 2 == 0 ? 1 : 0;
            for (int p = t - lengths[r]; p < t; p++) {
                hi[r * t + p] = 1 + rng.nextInt(c.items());
                hc[r * t + p] = 1 + rng.nextInt(c.categories());
                ni[r * t + p] = 1 + rng.nextInt(c.items());
                nc[r * t + p] = 1 + rng.nextInt(c.categories());
            }
        }
        return new ModelInput(be.upload(uid, b), be.upload(item, b), be.upload(cat, b), be.upload(hi, b, t),
                be.upload(hc, b, t), be.upload(ni, b, t), be.upload(nc, b, t), be.upload(label, b));
    }
}
