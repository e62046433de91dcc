package dev.sim4j.data.format;

import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import java.nio.file.Path;
import java.util.List;

/** A file format for chunks: opens readers and writers for single files holding the given features. */
public interface ChunkFormat {
    ChunkType type();

    /** File name extension for new files, with the dot. */
    String extension();

    RowReader openReader(Path file, List<FeatureDef> features);

    RowWriter openWriter(Path file, List<FeatureDef> features, WriteOptions options);
}
