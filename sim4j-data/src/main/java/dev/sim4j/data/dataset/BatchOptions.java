package dev.sim4j.data.dataset;

/**
 * How a pipeline cuts a mapping into batches.
 *
 * @param batchSize     rows per batch on this rank (the reference's global batch divided by the world size)
 * @param dropRemainder drop a last batch that has fewer than {@code batchSize} rows
 * @param rank          this process's rank, 0..worldSize-1; row i of the mapping goes to rank i mod worldSize, as in
 *                      the reference ({@code tf.data.Dataset.shard})
 * @param worldSize     number of ranks
 * @param prefetch      batches prepared ahead on the background thread(s)
 * @param readers       background threads reading the mapping, each with its own reader: thread t prepares batches
 *                      t, t + readers, ... and skips the rows of the others' (cheap in the columnar format and the
 *                      sequence store, a full parse in TFRecord and CSV); the batches are the same for any number
 */
public record BatchOptions(int batchSize, boolean dropRemainder, int rank, int worldSize, int prefetch, int readers) {
    public BatchOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in 0.." + (worldSize - 1));
        }
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
        }
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1, got " + readers);
        }
    }

    public static BatchOptions of(int batchSize) {
        return new BatchOptions(batchSize, false, 0, 1, 2, 1);
    }

    public BatchOptions dropRemainder(boolean drop) {
        return new BatchOptions(batchSize, drop, rank, worldSize, prefetch, readers);
    }

    public BatchOptions shard(int newRank, int newWorldSize) {
        return new BatchOptions(batchSize, dropRemainder, newRank, newWorldSize, prefetch, readers);
    }

    public BatchOptions prefetch(int batches) {
        return new BatchOptions(batchSize, dropRemainder, rank, worldSize, batches, readers);
    }

    /** The same batches read by {@code threads} background readers. */
    public BatchOptions readers(int threads) {
        return new BatchOptions(batchSize, dropRemainder, rank, worldSize, prefetch, threads);
    }
}
