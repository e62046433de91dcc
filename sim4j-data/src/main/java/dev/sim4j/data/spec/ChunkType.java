package dev.sim4j.data.spec;

import java.util.Optional;

/** File formats a chunk of a mapping can be stored in; {@link #specName()} is the chunk {@code type} string. */
public enum ChunkType {
    /** The reference's format: TFRecord framing around {@code tf.train.Example} rows of int64 lists. */
    TFRECORD("tfrecord"),
    /** Comma-separated text, as in the reference model card's example. */
    CSV("csv"),
    /** sim4j's own memory-mapped columnar shards. */
    SIM4J("sim4j");

    private final String specName;

    ChunkType(String specName) {
        this.specName = specName;
    }

    public String specName() {
        return specName;
    }

    public static Optional<ChunkType> parse(String text) {
        for (ChunkType t : values()) {
            if (t.specName.equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
