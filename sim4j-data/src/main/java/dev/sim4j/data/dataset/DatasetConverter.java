package dev.sim4j.data.dataset;

import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a dataset to another file format ("transcoding" in the reference's words): every mapping, every feature,
 * every value, in the same row order; one chunk per mapping in the new dataset.
 */
public final class DatasetConverter {
    private DatasetConverter() {
    }

    /** Rows written per mapping. */
    public static Map<String, Long> convert(Path input, Path output, ChunkType format, long rowsPerFile,
                                            WriteOptions options) {
        Dataset in = Dataset.open(input);
        Map<String, Long> rows = new LinkedHashMap<>();
        try (DatasetWriter writer = new DatasetWriter(output, in.spec(), format, rowsPerFile, options)) {
            for (String mapping : in.spec().sources().keySet()) {
                List<FeatureDef> features = in.storedFeatures(mapping);
                int blockRows = DatasetWriter.blockRows(features);
                int[][] block = new int[features.size()][];
                for (int f = 0; f < features.size(); f++) {
                    block[f] = new int[blockRows * features.get(f).width()];
                }
                long total = 0;
                try (MappingReader reader = in.reader(mapping, features);
                     DatasetWriter.MappingWriter out = writer.mapping(mapping, features)) {
                    int n;
                    while ((n = reader.read(block, 0, blockRows)) > 0) {
                        out.write(block, 0, n);
                        total += n;
                    }
                }
                rows.put(mapping, total);
            }
            writer.commit();
        }
        return rows;
    }
}
