package dev.sim4j.preprocess.amazon;

import dev.sim4j.data.spec.ChunkType;
import java.nio.file.Path;

/**
 * Settings of one preprocessing run; the defaults are the reference's.
 *
 * @param reviews     reviews dump ({@code .json} or {@code .json.gz})
 * @param meta        metadata dump ({@code .json} or {@code .json.gz})
 * @param out         dataset folder to create (must not exist or be empty)
 * @param minReviews  users with fewer review rows are dropped (reference: 20)
 * @param maxSeqLen   L, history length kept and padded to (reference: 100)
 * @param seed        seed of the negative sampling (reference: 12345)
 * @param format      {@link ChunkType#SIM4J_SEQUENCES}: the compact sequence store; {@link ChunkType#TFRECORD}: the
 *                    reference's rows as TFRecord; {@link ChunkType#SIM4J}: the same rows as sim4j columnar shards
 * @param trainParts  files of the train mapping (the row formats)
 * @param testParts   files of the test mapping (the row formats)
 * @param maxBadLines skipped input lines tolerated before the run fails (default 0)
 * @param threads     parsing threads
 * @param progress    show progress bars (only on a terminal)
 */
public record PreprocessOptions(Path reviews, Path meta, Path out, int minReviews, int maxSeqLen, long seed,
                                ChunkType format, int trainParts, int testParts, long maxBadLines, int threads,
                                boolean progress) {

    public PreprocessOptions {
        if (minReviews < 2) {
            throw new IllegalArgumentException("--min-reviews must be at least 2 (a user needs a history and a target), got "
                    + minReviews);
        }
        if (maxSeqLen < 1) {
            throw new IllegalArgumentException("--max-seq-len must be at least 1, got " + maxSeqLen);
        }
        if (format != ChunkType.SIM4J_SEQUENCES && format != ChunkType.SIM4J && format != ChunkType.TFRECORD) {
            throw new IllegalArgumentException("--format must be sim4j, sim4j-columnar or tfrecord, not " + format);
        }
        if (trainParts < 1 || testParts < 1) {
            throw new IllegalArgumentException("--train-parts and --test-parts must be at least 1");
        }
        if (maxBadLines < 0) {
            throw new IllegalArgumentException("--max-bad-lines must be at least 0");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    /** The reference's settings for the given files. */
    public static PreprocessOptions defaults(Path reviews, Path meta, Path out) {
        return new PreprocessOptions(reviews, meta, out, 20, 100, 12345L, ChunkType.SIM4J_SEQUENCES, 8, 4, 0,
                Runtime.getRuntime().availableProcessors(), false);
    }

    public PreprocessOptions withFormat(ChunkType f) {
        return new PreprocessOptions(reviews, meta, out, minReviews, maxSeqLen, seed, f, trainParts, testParts,
                maxBadLines, threads, progress);
    }

    public PreprocessOptions withLimits(int newMinReviews, int newMaxSeqLen) {
        return new PreprocessOptions(reviews, meta, out, newMinReviews, newMaxSeqLen, seed, format, trainParts, testParts,
                maxBadLines, threads, progress);
    }

    public PreprocessOptions withMaxBadLines(long n) {
        return new PreprocessOptions(reviews, meta, out, minReviews, maxSeqLen, seed, format, trainParts, testParts, n,
                threads, progress);
    }
}
