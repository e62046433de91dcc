package dev.sim4j.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.ReferenceSpecs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tfrecord -> sim4j -> csv -> tfrecord preserves every value of every row, in order. Its helpers write and read the
 * small Amazon-shaped datasets the other data tests use.
 */
public class FormatRoundTripTest {
    public static final long SEED = 20261127L;

    /** Cardinalities: users 50, items 300, categories 7; histories of 10. Features in the reference's order. */
    public static final FeatureSpec SPEC = ReferenceSpecs.amazon(50, 300, 7, 10);

    /** Writes a random Amazon-shaped dataset (the same rows in train and test); returns feature name -> values. */
    public static Map<String, int[]> writeRandom(Path dir, ChunkType type, int rows, long rowsPerFile, int prebatch) {
        int[][] cols = randomColumns(rows, SEED);
        write(dir, cols, rows, type, rowsPerFile, prebatch);
        return byName(features(), cols);
    }

    /** The features of {@link #SPEC}, in the order the helpers' columns use. */
    public static List<FeatureDef> features() {
        return List.copyOf(SPEC.features().values());
    }

    /** Valid random rows of {@link #SPEC}, one column per feature of {@link #features()}. */
    public static int[][] randomColumns(int rows, long seed) {
        System.out.println("random rows: seed " + seed + ", " + rows + " rows");
        List<FeatureDef> features = features();
        int[][] cols = new int[features.size()][];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = new int[rows * features.get(f).width()];
        }
        new RandomRows(SPEC, features, seed).fill(cols, 0, rows);
        return cols;
    }

    /** Writes the given rows (valid or not: the writer does not check ranges) as both train and test. */
    public static void write(Path dir, int[][] cols, int rows, ChunkType type, long rowsPerFile, int prebatch) {
        List<FeatureDef> features = features();
        try (DatasetWriter w = new DatasetWriter(dir, SPEC, type, rowsPerFile, new WriteOptions(prebatch))) {
            for (String mapping : List.of("train", "test")) {
                try (DatasetWriter.MappingWriter m = w.mapping(mapping, features)) {
                    m.write(cols, 0, rows);
                }
            }
            w.commit();
        }
    }

    public static Map<String, int[]> byName(List<FeatureDef> features, int[][] cols) {
        Map<String, int[]> out = new TreeMap<>();
        for (int f = 0; f < cols.length; f++) {
            out.put(features.get(f).name(), cols[f]);
        }
        return out;
    }

    public static Map<String, int[]> readAll(Path dir, String mapping) {
        Dataset ds = Dataset.open(dir);
        List<FeatureDef> features = ds.storedFeatures(mapping);
        long rows = ds.countRows(mapping);
        int[][] cols = new int[features.size()][];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = new int[(int) rows * features.get(f).width()];
        }
        try (MappingReader r = ds.reader(mapping, features)) {
            int at = 0;
            int n;
            while ((n = r.read(cols, at, 7)) > 0) {
                at += n;
            }
            assertThat(at).isEqualTo(rows);
        }
        return byName(features, cols);
    }

    @Test
    void everyValueSurvivesTfrecordToSim4jToCsvAndBack(@TempDir Path tmp) {
        System.out.println("seed " + SEED);
        Map<String, int[]> original = writeRandom(tmp.resolve("tf"), ChunkType.TFRECORD, 1000, 300, 1);
        assertThat(readAll(tmp.resolve("tf"), "train")).containsExactlyEntriesOf(original);

        DatasetConverter.convert(tmp.resolve("tf"), tmp.resolve("s4j"), ChunkType.SIM4J, 256, WriteOptions.DEFAULT);
        assertThat(readAll(tmp.resolve("s4j"), "train")).containsExactlyEntriesOf(original);
        assertThat(readAll(tmp.resolve("s4j"), "test")).containsExactlyEntriesOf(original);

        DatasetConverter.convert(tmp.resolve("s4j"), tmp.resolve("csv"), ChunkType.CSV, 333, WriteOptions.DEFAULT);
        assertThat(readAll(tmp.resolve("csv"), "train")).containsExactlyEntriesOf(original);

        DatasetConverter.convert(tmp.resolve("csv"), tmp.resolve("tf2"), ChunkType.TFRECORD, 1000, new WriteOptions(16));
        assertThat(readAll(tmp.resolve("tf2"), "test")).containsExactlyEntriesOf(original);
    }
}
