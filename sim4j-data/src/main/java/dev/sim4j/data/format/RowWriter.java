package dev.sim4j.data.format;

/**
 * Writes rows to one data file. Nothing is visible under the final name until {@link #close()} succeeds: the data
 * goes to a temporary file that is renamed into place.
 */
public interface RowWriter extends AutoCloseable {
    /** Writes rows {@code srcRow .. srcRow + count - 1} of {@code columns} (one column per feature of the chunk). */
    void write(int[][] columns, int srcRow, int count);

    /** Finishes the file and moves it into place. */
    @Override
    void close();

    /** Drops the temporary file; the final file is never created. Safe to call after a failure. */
    void abort();
}
