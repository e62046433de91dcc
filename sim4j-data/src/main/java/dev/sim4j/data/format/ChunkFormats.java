package dev.sim4j.data.format;

import dev.sim4j.data.format.columnar.ColumnarFormat;
import dev.sim4j.data.format.csv.CsvFormat;
import dev.sim4j.data.format.tfrecord.TfRecordFormat;
import dev.sim4j.data.spec.ChunkType;

/** The format implementation for each chunk type. */
public final class ChunkFormats {
    private ChunkFormats() {
    }

    /** The row-per-file format of a chunk type; {@link ChunkType#SIM4J_SEQUENCES} has none and is refused. */
    public static ChunkFormat of(ChunkType type) {
        return switch (type) {
            case TFRECORD -> new TfRecordFormat();
            case CSV -> new CsvFormat();
            case SIM4J -> new ColumnarFormat();
            case SIM4J_SEQUENCES -> throw new IllegalArgumentException(
                    "sim4j_sequences chunks are read as a whole (SequenceRows), not file by file");
        };
    }
}
