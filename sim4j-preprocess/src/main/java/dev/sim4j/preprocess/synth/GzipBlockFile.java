package dev.sim4j.preprocess.synth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a file made of numbered blocks, each compressed as its own gzip member, in block order, while worker
 * threads encode and compress the blocks ahead. A multi-member gzip file is one valid gzip stream (RFC 1952;
 * {@code GZIPInputStream}, {@code zcat} and Python's {@code gzip} read it whole), and since a block's bytes depend
 * only on its number, the file is the same for any number of threads. Java's gzip header has mtime 0.
 */
final class GzipBlockFile {
    /** Encodes one block's uncompressed lines into {@code out}; returns the number of lines. */
    interface Encoder {
        long encode(int block, OutputStream out) throws IOException;
    }

    private record Member(byte[] gzip, long lines, long rawBytes) {
    }

    private GzipBlockFile() {
    }

    /**
     * Writes {@code blocks} blocks to {@code file} (created or truncated); {@code done} is told the number of each
     * block written; {@code name} is the file's name in the returned statistics.
     *
     * @return lines, uncompressed bytes and compressed bytes written
     */
    static SynthSummary.FileStats write(Path file, String name, int blocks, Encoder encoder, ExecutorService pool, int threads,
                                        int level, LongConsumer done) throws IOException {
        long lines = 0;
        long raw = 0;
        long compressed = 0;
        Deque<Future<Member>> ahead = new ArrayDeque<>();
        try (OutputStream out = Files.newOutputStream(file)) {
            int next = 0;
            for (int written = 0; written < blocks; written++) {
                while (next < blocks && ahead.size() < 2 * threads) {
                    int b = next++;
                    ahead.add(pool.submit(() -> member(b, encoder, level)));
                }
                Member m = await(ahead.poll());
                out.write(m.gzip());
                lines += m.lines();
                raw += m.rawBytes();
                compressed += m.gzip().length;
                done.accept(written);
            }
        } finally {
            for (Future<Member> f : ahead) {
                f.cancel(true);
            }
        }
        return new SynthSummary.FileStats(name, lines, raw, compressed);
    }

    private static Member member(int block, Encoder encoder, int level) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        long lines;
        long raw;
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16) {
                {
                    def.setLevel(level);
                }
            };
             CountingStream counted = new CountingStream(gz)) {
            lines = encoder.encode(block, counted);
            counted.flush();
            raw = counted.count();
        }
        return new Member(bytes.toByteArray(), lines, raw);
    }

    private static Member await(Future<Member> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException rt) {
                throw rt;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /** Counts the uncompressed bytes on their way into the compressor. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        private long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
