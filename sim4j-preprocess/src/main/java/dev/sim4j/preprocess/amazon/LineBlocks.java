package dev.sim4j.preprocess.amazon;

import dev.sim4j.data.DataException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a raw dump ({@code .json} or gzip-compressed, recognised by its magic bytes, not its name) as blocks of whole
 * lines, so that lines can be parsed on several threads and merged back in file order. A gzip stream that ends
 * early is not an I/O failure here: {@link #truncatedAtLine()} says where it ended, and the caller counts it.
 */
public final class LineBlocks implements AutoCloseable {
    private static final int BLOCK_BYTES = 4 << 20;

    /** Whole lines {@code firstLine, firstLine + 1, ...} in {@code data[0, length)}. */
    public record Block(long firstLine, byte[] data, int length) {
    }

    private final String file;
    private final CountingInputStream raw;
    private final InputStream in;
    private byte[] carry = new byte[0];
    private int carryLength;
    private long nextLine = 1;
    private boolean eof;
    private long truncatedAtLine = -1;

    /** Counts compressed bytes read, for progress. */
    static final class CountingInputStream extends java.io.FilterInputStream {
        private volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }

    /** Reads a local file. */
    public LineBlocks(Path file) {
        this(file.toString(), open(file));
    }

    /** Reads {@code stream} (closed with this), named {@code file} in messages; gzip is recognised by its magic bytes. */
    public LineBlocks(String file, InputStream stream) {
        this.file = file;
        try {
            this.raw = new CountingInputStream(stream);
            BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 20);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            this.in = gzip ? new GZIPInputStream(buffered, 1 << 20) : buffered;
        } catch (EOFException e) {
            throw new DataException(file + ": truncated gzip header; the file is damaged", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Compressed (on-disk) bytes consumed so far. */
    public long bytesRead() {
        return raw.count();
    }

    /** The line at which a gzip stream ended early, or -1. */
    public long truncatedAtLine() {
        return truncatedAtLine;
    }

    /** The next block of whole lines, or null at the end. A last line without a newline is still a line. */
    public Block next() {
        if (eof) {
            return null;
        }
        byte[] buf = Arrays.copyOf(carry, Math.max(BLOCK_BYTES, carryLength * 2));
        int len = carryLength;
        try {
            while (len < buf.length) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    eof = true;
                    break;
                }
                len += n;
            }
        } catch (EOFException | ZipException e) {
            // A truncated or corrupt gzip stream: keep the complete lines read so far, drop the torn last one.
            eof = true;
            int end = lastNewline(buf, len);
            long lines = countLines(buf, end);
            truncatedAtLine = nextLine + lines;
            return emit(buf, end, lines, 0);
        } catch (IOException e) {
            throw new DataException(file + ": read failed: " + e.getMessage(), e);
        }
        if (eof) {
            if (len == 0) {
                return null;
            }
            if (buf[len - 1] != '\n') {
                buf = Arrays.copyOf(buf, len + 1);
                buf[len++] = '\n';
            }
            return emit(buf, len, countLines(buf, len), 0);
        }
        int end = lastNewline(buf, len);
        if (end == 0) {
            // One line longer than the buffer: grow and keep reading it.
            carry = buf;
            carryLength = len;
            return next();
        }
        return emit(buf, end, countLines(buf, end), len - end);
    }

    private Block emit(byte[] buf, int end, long lines, int rest) {
        carry = Arrays.copyOfRange(buf, end, end + rest);
        carryLength = rest;
        Block b = new Block(nextLine, buf, end);
        nextLine += lines;
        return b;
    }

    private static int lastNewline(byte[] buf, int len) {
        for (int i = len - 1; i >= 0; i--) {
            if (buf[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static long countLines(byte[] buf, int end) {
        long n = 0;
        for (int i = 0; i < end; i++) {
            if (buf[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // Reading is over; a failing close of an input stream loses nothing.
        }
    }
}
