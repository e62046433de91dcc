package dev.sim4j.cli.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.MappingReader;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.FeatureDef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows of a dataset as the project's reader gives them, and as an independent TFRecord decoder finds them. */
public final class DatasetRows {
    private DatasetRows() {
    }

    /** Every row of {@code mapping}: feature name -> values, in the spec's feature order. */
    public static List<Map<String, List<Long>>> read(Path dataset, String mapping) {
        Dataset ds = Dataset.open(dataset);
        List<FeatureDef> features = ds.storedFeatures(mapping);
        int[][] cols = new int[features.size()][];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = new int[64 * features.get(f).width()];
        }
        List<Map<String, List<Long>>> rows = new ArrayList<>();
        try (MappingReader r = ds.reader(mapping, features)) {
            int n;
            while ((n = r.read(cols, 0, 64)) > 0) {
                for (int i = 0; i < n; i++) {
                    Map<String, List<Long>> row = new LinkedHashMap<>();
                    for (int f = 0; f < cols.length; f++) {
                        int w = features.get(f).width();
                        row.put(features.get(f).name(),
                                Arrays.stream(cols[f], i * w, i * w + w).asLongStream().boxed().toList());
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /**
     * Every row of {@code mapping} decoded by {@link IndependentTfRecord} from the files its single tfrecord chunk
     * lists, in order; a record of {@code prebatch} rows is split back into rows (its lists hold prebatch x width
     * values). The file list comes from the spec; the bytes are read without any of sim4j's format code.
     */
    public static List<Map<String, List<Long>>> decodeTfRecords(Path dataset, String mapping, int prebatch)
            throws IOException {
        Dataset ds = Dataset.open(dataset);
        ChunkSpec chunk = ds.spec().sources().get(mapping).getFirst();
        assertThat(chunk.type()).isEqualTo("tfrecord");
        List<Map<String, List<Long>>> rows = new ArrayList<>();
        for (String file : chunk.files()) {
            assertThat(file).endsWith(".tfrecord");
            for (Map<String, long[]> record : IndependentTfRecord.read(dataset.resolve(file))) {
                assertThat(record.keySet()).containsExactlyInAnyOrderElementsOf(chunk.features());
                int n = -1;
                for (String name : chunk.features()) {
                    int w = ds.spec().feature(name).width();
                    assertThat(record.get(name).length % w).as(name).isZero();
                    int rowsHere = record.get(name).length / w;
                    assertThat(n < 0 || n == rowsHere).as("%s: every list holds the same rows", name).isTrue();
                    n = rowsHere;
                }
                assertThat(n).isBetween(1, prebatch);
                for (int i = 0; i < n; i++) {
                    Map<String, List<Long>> row = new LinkedHashMap<>();
                    for (String name : ds.storedFeatures(mapping).stream().map(FeatureDef::name).toList()) {
                        int w = ds.spec().feature(name).width();
                        row.put(name, Arrays.stream(record.get(name), i * w, i * w + w).boxed().toList());
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
