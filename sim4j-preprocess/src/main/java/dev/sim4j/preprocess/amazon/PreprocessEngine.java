package dev.sim4j.preprocess.amazon;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A preprocessing engine beside the local one, found on the class path by its name (the optional sim4j-spark module
 * provides {@code spark}); it computes the same dataset, byte for byte, as {@link AmazonPreprocessor}.
 */
public interface PreprocessEngine {
    /** The name {@code --engine} takes. */
    String name();

    /**
     * Runs the job. {@code reviews} and {@code meta} are as the user gave them (a local path, a folder of parts, or a
     * URI of any file system the engine reads); {@code options.reviews()} and {@code options.meta()} are not read.
     *
     * @param master     where to run (for Spark: {@code local[*]}, {@code spark://...}, {@code yarn}, ...); null: the
     *                   engine's default or the one its launcher set
     * @param partitions parallelism of the input splits and shuffles; 0: the engine's default
     */
    PreprocessStats run(PreprocessOptions options, String reviews, String meta, String master, int partitions);

    /** The engine of that name on the class path, if any. */
    static Optional<PreprocessEngine> find(String name) {
        return ServiceLoader.load(PreprocessEngine.class).stream().map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals(name)).findFirst();
    }
}
