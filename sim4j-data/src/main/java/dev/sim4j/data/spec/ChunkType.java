package dev.sim4j.data.spec;

import java.util.Optional;

/** File formats a chunk of a mapping can be stored in; {@link #specName()} is the chunk {@code type} string. */
public enum ChunkType {
    /** The reference's format: TFRecord framing around {@code tf.train.Example} rows of int64 lists. */
    TFRECORD("tfrecord"),
    /** Comma-separated text, as in the reference model card's example. */
    CSV("csv"),
    /** sim4j's own memory-mapped columnar shards. */
    SIM4J("sim4j"),
    /**
     * sim4j's compact store of preprocessed behaviour sequences: each user's sequence once, rows rebuilt on reading
     * (files: {@code store.yaml}, {@code users.s4j}, {@code events.s4j}, {@code items.s4j}).
     */
    SIM4J_SEQUENCES("sim4j_sequences");

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
