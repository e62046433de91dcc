package dev.sim4j.data.format.csv;

import dev.sim4j.data.OutputException;
import dev.sim4j.data.format.AtomicFile;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.spec.FeatureDef;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Writes a header line, then one line per row. */
final class CsvWriter implements RowWriter {
    private final AtomicFile out;
    private final int[] widths;
    private final Writer writer;
    private final StringBuilder line = new StringBuilder(4096);
    private boolean closed;

    CsvWriter(Path file, List<FeatureDef> features) {
        this.out = AtomicFile.of(file);
        this.widths = features.stream().mapToInt(FeatureDef::width).toArray();
        try {
            this.writer = new BufferedWriter(Files.newBufferedWriter(out.temp(), StandardCharsets.UTF_8), 1 << 20);
            writer.write(features.stream().map(FeatureDef::name).collect(Collectors.joining(",")));
            writer.write('\n');
        } catch (IOException e) {
            throw new OutputException(file + ": cannot create: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(int[][] columns, int srcRow, int count) {
        try {
            for (int r = srcRow; r < srcRow + count; r++) {
                line.setLength(0);
                for (int f = 0; f < widths.length; f++) {
                    if (f > 0) {
                        line.append(',');
                    }
                    int w = widths[f];
                    for (int k = 0; k < w; k++) {
                        if (k > 0) {
                            line.append(' ');
                        }
                        line.append(columns[f][r * w + k]);
                    }
                }
                line.append('\n');
                writer.append(line);
            }
        } catch (IOException e) {
            abort();
            throw new OutputException(out.target() + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            writer.close();
            out.commit();
            closed = true;
        } catch (IOException e) {
            abort();
            throw new OutputException(out.target() + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void abort() {
        closed = true;
        try {
            writer.close();
        } catch (IOException ignored) {
            // The temp file is removed next.
        }
        out.discard();
    }
}
