package dev.sim4j.data.format.csv;

import dev.sim4j.data.format.ChunkFormat;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import java.nio.file.Path;
import java.util.List;

/**
 * Comma-separated text: one line per row, one field per feature in the chunk's feature order, the values of a
 * sequence feature separated by single spaces inside its field. A header line naming the features is written and,
 * when present, checked on reading.
 */
public final class CsvFormat implements ChunkFormat {
    @Override
    public ChunkType type() {
        return ChunkType.CSV;
    }

    @Override
    public String extension() {
        return ".csv";
    }

    @Override
    public RowReader openReader(Path file, List<FeatureDef> features) {
        return new CsvReader(file, features);
    }

    @Override
    public RowWriter openWriter(Path file, List<FeatureDef> features, WriteOptions options) {
        return new CsvWriter(file, features);
    }
}
