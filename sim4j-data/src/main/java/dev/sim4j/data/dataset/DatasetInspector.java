package dev.sim4j.data.dataset;

import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.ModelChannels;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Reads every row of every mapping once and summarises it as a {@link DatasetInspection}. */
public final class DatasetInspector {
    private static final int BLOCK_ROWS = 4096;

    private DatasetInspector() {
    }

    public static DatasetInspection inspect(Dataset dataset, List<String> mappings) {
        List<DatasetInspection.Mapping> out = new ArrayList<>();
        for (String m : mappings) {
            out.add(inspectMapping(dataset, m));
        }
        return new DatasetInspection(dataset.dir().toString(), out);
    }

    private static DatasetInspection.Mapping inspectMapping(Dataset dataset, String mapping) {
        ModelChannels channels = dataset.channels();
        List<FeatureDef> features = dataset.storedFeatures(mapping);
        int labelIndex = indexOf(features, channels.label().name());
        int historyIndex = indexOf(features, channels.positiveHistory().getFirst().name());
        int historyWidth = features.get(historyIndex).width();
        int[][] block = new int[features.size()][];
        BitSet[] seen = new BitSet[features.size()];
        long[] max = new long[features.size()];
        long[] zeros = new long[features.size()];
        for (int f = 0; f < features.size(); f++) {
            block[f] = new int[BLOCK_ROWS * features.get(f).width()];
            if (features.get(f).cardinality().isPresent()) {
                seen[f] = new BitSet();
            }
        }
        long[] lengthCounts = new long[historyWidth + 1];
        long rows = 0;
        long positives = 0;
        try (MappingReader reader = dataset.reader(mapping, features)) {
            int n;
            while ((n = reader.read(block, 0, BLOCK_ROWS)) > 0) {
                rows += n;
                for (int r = 0; r < n; r++) {
                    positives += block[labelIndex][r];
                    int len = 0;
                    for (int k = r * historyWidth; k < (r + 1) * historyWidth; k++) {
                        len += block[historyIndex][k] != 0 ? 1 : 0;
                    }
                    lengthCounts[len]++;
                }
                for (int f = 0; f < features.size(); f++) {
                    if (seen[f] == null) {
                        continue;
                    }
                    int[] col = block[f];
                    int end = n * features.get(f).width();
                    for (int i = 0; i < end; i++) {
                        int v = col[i];
                        if (v == 0) {
                            zeros[f]++;
                        } else {
                            seen[f].set(v);
                            max[f] = Math.max(max[f], v);
                        }
                    }
                }
            }
        }
        List<DatasetInspection.FeatureIds> ids = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            if (seen[f] != null) {
                FeatureDef def = features.get(f);
                ids.add(new DatasetInspection.FeatureIds(def.name(), def.cardinality().getAsLong(), max[f],
                        seen[f].cardinality(), zeros[f]));
            }
        }
        return new DatasetInspection.Mapping(mapping, rows, positives, rows - positives, ids, lengths(lengthCounts, rows));
    }

    private static DatasetInspection.HistoryLengths lengths(long[] counts, long rows) {
        int width = counts.length - 1;
        int min = -1;
        int max = 0;
        double sum = 0;
        for (int len = 0; len <= width; len++) {
            if (counts[len] > 0) {
                if (min < 0) {
                    min = len;
                }
                max = len;
                sum += (double) len * counts[len];
            }
        }
        // Bucket 0 alone (rows with no history at all), then ten equal ranges up to the full length.
        List<DatasetInspection.Bucket> buckets = new ArrayList<>();
        buckets.add(new DatasetInspection.Bucket(0, 0, counts[0]));
        int step = Math.max(1, (width + 9) / 10);
        for (int from = 1; from <= width; from += step) {
            int to = Math.min(width, from + step - 1);
            long c = 0;
            for (int len = from; len <= to; len++) {
                c += counts[len];
            }
            buckets.add(new DatasetInspection.Bucket(from, to, c));
        }
        return new DatasetInspection.HistoryLengths(Math.max(min, 0), rows == 0 ? 0 : sum / rows, max, buckets);
    }

    private static int indexOf(List<FeatureDef> features, String name) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("feature " + name + " is not stored");
    }
}
