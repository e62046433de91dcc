package dev.sim4j.data.format.tfrecord;

import dev.sim4j.data.format.ChunkFormat;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import java.nio.file.Path;
import java.util.List;

/** The reference's format: uncompressed TFRecord files of {@code tf.train.Example} rows, optionally prebatched. */
public final class TfRecordFormat implements ChunkFormat {
    @Override
    public ChunkType type() {
        return ChunkType.TFRECORD;
    }

    @Override
    public String extension() {
        return ".tfrecord";
    }

    @Override
    public RowReader openReader(Path file, List<FeatureDef> features) {
        return new TfRecordReader(file, features);
    }

    @Override
    public RowWriter openWriter(Path file, List<FeatureDef> features, WriteOptions options) {
        return new TfRecordWriter(file, features, options.prebatch());
    }
}
