package dev.sim4j.data.spec;

import java.util.List;

/**
 * One chunk of a mapping: a set of features stored together, split over files in row order.
 *
 * @param type     chunk type string as written in the spec (see {@link ChunkType})
 * @param features features stored in the chunk, in the order the format needs
 * @param files    paths relative to the dataset folder; rows 1..i in the first file, i+1..j in the next, ...
 */
public record ChunkSpec(String type, List<String> features, List<String> files) {
    public ChunkSpec {
        features = List.copyOf(features);
        files = List.copyOf(files);
    }

    /** The parsed type, or null when unknown (validation reports it). */
    public ChunkType chunkType() {
        return ChunkType.parse(type).orElse(null);
    }
}
