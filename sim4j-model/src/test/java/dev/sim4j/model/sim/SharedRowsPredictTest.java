package dev.sim4j.model.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.cpu.CpuBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CtrModel#predict(ModelInput, SharedRows)} gives exactly the logits of {@link CtrModel#predict(ModelInput)}
 * when its groups truly share the user and the short history: rows of three interleaved groups (sizes 5, 1 and 7)
 * with their own targets and older history, at the reference's sizes, on one and two threads.
 */
class SharedRowsPredictTest {
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void sharedWorkGivesTheUnsharedLogitsBitForBit(ModelType type) {
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                ModelConfig c = ModelConfig.defaults(type, 300, 2000, 40);
                CtrModel model = Models.create(c, be, 20261203L);
                int[] groupOfRow = {0, 2, 0, 1, 2, 2, 0, 2, 0, 2, 0, 2, 2};
                int[] firstRows = {0, 3, 1};
                ModelInput in = batch(be, c, groupOfRow, new SplittableRandom(7));
                float[] alone = be.toFloats(model.predict(in));
                float[] shared = be.toFloats(model.predict(in, new SharedRows(be.upload(firstRows, firstRows.length),
                        be.upload(groupOfRow, groupOfRow.length))));
                assertThat(shared).as(type + ", %d threads", threads).isEqualTo(alone);
            }
        }
    }

    /** Rows whose user and newest S history positions are their group's; targets and older positions their own. */
    private static ModelInput batch(Backend be, ModelConfig c, int[] groupOfRow, SplittableRandom rng) {
        int b = groupOfRow.length;
        int t = c.historyLength();
        int s = c.shortLength();
        int groups = 3;
        int[][] groupItems = new int[groups][s];
        int[][] groupCats = new int[groups][s];
        for (int g = 0; g < groups; g++) {
            for (int p = 0; p < s; p++) {
                groupItems[g][p] = 1 + rng.nextInt(c.items());
                groupCats[g][p] = 1 + rng.nextInt(c.categories());
            }
        }
        int[] uid = new int[b];
        int[] item = new int[b];
        int[] cat = new int[b];
        int[] hi = new int[b * t];
        int[] hc = new int[b * t];
        for (int r = 0; r < b; r++) {
            int g = groupOfRow[r];
            uid[r] = 1 + g;
            item[r] = 1 + rng.nextInt(c.items());
            cat[r] = 1 + rng.nextInt(c.categories());
            int from = rng.nextInt(t - s);
            for (int p = from; p < t - s; p++) {
                hi[r * t + p] = 1 + rng.nextInt(c.items());
                hc[r * t + p] = 1 + rng.nextInt(c.categories());
            }
            for (int p = 0; p < s; p++) {
                hi[r * t + t - s + p] = groupItems[g][p];
                hc[r * t + t - s + p] = groupCats[g][p];
            }
        }
        return new ModelInput(be.upload(uid, b), be.upload(item, b), be.upload(cat, b), be.upload(hi, b, t),
                be.upload(hc, b, t), be.upload(new int[b * t], b, t), be.upload(new int[b * t], b, t),
                be.upload(new double[b], b));
    }
}
