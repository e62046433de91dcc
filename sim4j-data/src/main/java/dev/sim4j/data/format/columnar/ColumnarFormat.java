package dev.sim4j.data.format.columnar;

import dev.sim4j.data.format.ChunkFormat;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import java.nio.file.Path;
import java.util.List;

/** sim4j's own format: per-feature little-endian columns in memory-mapped, checksummed shards. */
public final class ColumnarFormat implements ChunkFormat {
    @Override
    public ChunkType type() {
        return ChunkType.SIM4J;
    }

    @Override
    public String extension() {
        return ".s4j";
    }

    @Override
    public RowReader openReader(Path file, List<FeatureDef> features) {
        return new ShardReader(file, features);
    }

    @Override
    public RowWriter openWriter(Path file, List<FeatureDef> features, WriteOptions options) {
        return new ShardWriter(file, features);
    }
}
