package dev.sim4j.data.dataset;

import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.DataFiles;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.FeatureSpecValidator;
import dev.sim4j.data.spec.ModelChannels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A dataset folder: a validated feature spec and its data files. Opens readers over a mapping's rows and batch
 * pipelines over the model channels.
 *
 * @param dir  the dataset folder
 * @param spec its feature spec, already validated
 */
public record Dataset(Path dir, FeatureSpec spec) {

    /** Reads and validates {@code dir/feature_spec.yaml}. */
    public static Dataset open(Path dir) {
        return new Dataset(dir, FeatureSpecValidator.readValid(dir));
    }

    public ModelChannels channels() {
        return ModelChannels.of(spec);
    }

    /** Features stored by a mapping, in feature_spec order. */
    public List<FeatureDef> storedFeatures(String mapping) {
        Set<String> stored = new LinkedHashSet<>();
        spec.sources().getOrDefault(mapping, List.of()).forEach(c -> stored.addAll(c.features()));
        List<FeatureDef> out = new ArrayList<>();
        for (FeatureDef f : spec.features().values()) {
            if (stored.contains(f.name())) {
                out.add(f);
            }
        }
        return out;
    }

    /** A reader over a mapping's rows, for the given features. */
    public MappingReader reader(String mapping, List<FeatureDef> features) {
        return new MappingReader(dir, spec, mapping, features, Set.of(channels().label().name()));
    }

    /** Counts the rows of a mapping by reading it (the headers of sim4j shards make this cheap). */
    public long countRows(String mapping) {
        try (MappingReader r = reader(mapping, List.of())) {
            int[][] none = new int[0][];
            long total = 0;
            int n;
            while ((n = r.read(none, 0, 1 << 16)) > 0) {
                total += n;
            }
            return total;
        }
    }

    /** Batches of a mapping's rows for the model channels. */
    public BatchPipeline batches(String mapping, BatchOptions options) {
        return new BatchPipeline(this, mapping, options);
    }

    /**
     * Whether several reader threads speed up reading a mapping (see {@link BatchOptions#readers()}): true when
     * every chunk skips rows cheaply (the sequence store computes them, TFRecord frames records and reads one
     * feature's count, CSV finds line ends); false for sim4j columnar shards, whose every reader would check each
     * shard's checksums again. Vacuously true for a mapping the dataset does not have.
     */
    public boolean readsInParallel(String mapping) {
        List<ChunkSpec> chunks = spec.sources().getOrDefault(mapping, List.of());
        return chunks.stream().allMatch(c -> c.chunkType() == ChunkType.SIM4J_SEQUENCES
                || c.chunkType() == ChunkType.TFRECORD || c.chunkType() == ChunkType.CSV);
    }

    /**
     * The sequence store a mapping's rows are rebuilt from ({@code store.yaml}, resolved inside the folder), when the
     * mapping is exactly one {@code sim4j_sequences} chunk whose eight features are the model channels' in the
     * reference order (label, user, target item and category, positive items and categories, negative items and
     * categories): then its batches can be built wherever the store is, a GPU included. Empty otherwise.
     */
    public Optional<Path> sequenceStore(String mapping) {
        List<ChunkSpec> chunks = spec.sources().getOrDefault(mapping, List.of());
        if (chunks.size() != 1 || chunks.getFirst().chunkType() != ChunkType.SIM4J_SEQUENCES
                || chunks.getFirst().files().isEmpty()) {
            return Optional.empty();
        }
        ModelChannels ch = channels();
        List<String> order = new ArrayList<>();
        order.add(ch.label().name());
        for (List<FeatureDef> group : List.of(ch.user(), ch.targetItem(), ch.positiveHistory(), ch.negativeHistory())) {
            group.forEach(f -> order.add(f.name()));
        }
        if (!chunks.getFirst().features().equals(order)) {
            return Optional.empty();
        }
        return Optional.of(DataFiles.resolve(dir, chunks.getFirst().files().getFirst()));
    }
}
