package dev.sim4j.data.format;

/**
 * Reads the rows of one data file, in order. Values arrive as int columns, one per feature of the chunk:
 * {@code columns[f][row * width(f) + j]}; a null column means the caller does not want that feature.
 */
public interface RowReader extends AutoCloseable {
    /**
     * Reads up to {@code maxRows} next rows into {@code columns}, starting at row {@code dstRow} of each column.
     *
     * @return rows read; 0 only at the end of the file
     */
    int read(int[][] columns, int dstRow, int maxRows);

    /** Where the last row handed out came from, for error messages (a byte offset, a line number); may be empty. */
    default String positionHint() {
        return "";
    }

    @Override
    void close();
}
