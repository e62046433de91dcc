package dev.sim4j.data.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset's {@code feature_spec.yaml}: features, where they are stored (per mapping), which model channel reads
 * them, and free-form metadata. Maps keep the order in which the file lists them.
 *
 * @param features feature name -> definition
 * @param sources  mapping name ({@code train}, {@code test}, ...) -> chunks
 * @param channels channel name -> feature names
 * @param metadata free-form metadata (YAML scalars, lists and maps)
 */
public record FeatureSpec(Map<String, FeatureDef> features, Map<String, List<ChunkSpec>> sources,
                          Map<String, List<String>> channels, Map<String, Object> metadata) {

    public static final String FILE_NAME = "feature_spec.yaml";

    public FeatureSpec {
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public FeatureDef feature(String name) {
        FeatureDef f = features.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no feature named " + name);
        }
        return f;
    }

    /** The same spec with other sources (used when a dataset is converted to another format). */
    public FeatureSpec withSources(Map<String, List<ChunkSpec>> newSources) {
        return new FeatureSpec(features, newSources, channels, metadata);
    }
}
