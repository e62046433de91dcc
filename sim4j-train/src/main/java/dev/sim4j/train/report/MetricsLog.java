package dev.sim4j.train.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the JSON-lines metrics log: one {@link LogRecord} per line.
 *
 * <p>Every record is flushed to the operating system as soon as it is written, so a run that is killed keeps
 * every record logged before (at worst a half-written last line, which {@link MetricsLogReader} skips). The file is
 * not fsync'ed per record: that would cost a disk round trip per step and only matters on power loss.
 *
 * <p>Writes are serialised, so training and evaluation threads may share one log.
 */
public final class MetricsLog implements AutoCloseable {
    private final Path file;
    private final Writer out;
    private final ObjectWriter json = Json.mapper().writerFor(LogRecord.class);

    private MetricsLog(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** Creates (or truncates) {@code file} and its parent directories. */
    public static MetricsLog create(Path file) {
        return open(file, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Opens {@code file} for appending, creating it if absent: for a run resumed from a checkpoint. */
    public static MetricsLog append(Path file) {
        return open(file, StandardOpenOption.APPEND);
    }

    private static MetricsLog open(Path file, StandardOpenOption mode) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, mode);
            return new MetricsLog(file, out);
        } catch (IOException e) {
            throw new MetricsLogException("cannot open metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The log's path. */
    public Path file() {
        return file;
    }

    /** Appends {@code record} as one line and flushes it. */
    public synchronized void write(LogRecord record) {
        String line;
        try {
            line = json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new MetricsLogException("cannot serialise " + record + " for " + file, e);
        }
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics log " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics log " + file, e);
        }
    }
}
