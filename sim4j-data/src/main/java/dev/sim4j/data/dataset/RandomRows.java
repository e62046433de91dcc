package dev.sim4j.data.dataset;

import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.ModelChannels;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills columns with seeded random rows that obey a spec: labels 0/1, ids within their cardinality, and histories
 * of a random real length left-padded with 0 (as the reference pads them). For tests and benchmarks of the data
 * path; it carries no learnable signal.
 */
public final class RandomRows {
    private final List<FeatureDef> features;
    private final String label;
    private final SplittableRandom random;

    public RandomRows(FeatureSpec spec, List<FeatureDef> features, long seed) {
        this.features = List.copyOf(features);
        this.label = spec.channels().get(ModelChannels.LABEL).getFirst();
        this.random = new SplittableRandom(seed);
    }

    /** Writes {@code rows} new rows into {@code columns} from row {@code dstRow}. */
    public void fill(int[][] columns, int dstRow, int rows) {
        for (int r = dstRow; r < dstRow + rows; r++) {
            int historyLength = -1;
            for (int f = 0; f < features.size(); f++) {
                FeatureDef def = features.get(f);
                int w = def.width();
                long card = def.cardinality().orElse(1);
                int[] col = columns[f];
                if (def.name().equals(label) || def.cardinality().isEmpty()) {
                    for (int k = 0; k < w; k++) {
                        col[r * w + k] = random.nextInt(2);
                    }
                } else if (w == 1) {
                    col[r] = 1 + (int) random.nextLong(card);
                } else {
                    if (historyLength < 0 || historyLength > w) {
                        historyLength = 1 + random.nextInt(w);
                    }
                    int pad = w - historyLength;
                    for (int k = 0; k < w; k++) {
                        col[r * w + k] = k < pad ? 0 : 1 + (int) random.nextLong(card);
                    }
                }
            }
        }
    }
}
