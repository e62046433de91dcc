package dev.sim4j.data.format;

/**
 * Format-specific writing choices.
 *
 * @param prebatch TFRecord only: rows flattened into one {@code tf.train.Example} (1 = one row per record)
 */
public record WriteOptions(int prebatch) {
    public static final WriteOptions DEFAULT = new WriteOptions(1);

    public WriteOptions {
        if (prebatch < 1) {
            throw new IllegalArgumentException("prebatch must be at least 1, got " + prebatch);
        }
    }
}
