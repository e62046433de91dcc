package dev.sim4j.data.dataset;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.ChunkFormat;
import dev.sim4j.data.format.ChunkFormats;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.DataFiles;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Reads one chunk of a mapping: its files one after the other, in row order, checking every value it hands out
 * against the feature's {@link ValueRule} and naming file, row and feature when one breaks it.
 */
final class ChunkReader implements AutoCloseable {
    private final Path dir;
    private final ChunkSpec chunk;
    private final List<FeatureDef> features;
    private final ValueRule[] rules;
    private final ChunkFormat format;
    private final String mapping;
    private int fileIndex = -1;
    /** The real path of the file being read. */
    private Path file;
    private RowReader current;
    private long rowInFile;

    ChunkReader(Path dir, FeatureSpec spec, String mapping, ChunkSpec chunk, Set<String> labelFeatures) {
        this.dir = dir;
        this.mapping = mapping;
        this.chunk = chunk;
        this.features = chunk.features().stream().map(spec::feature).toList();
        this.rules = features.stream().map(f -> ValueRule.of(f, labelFeatures.contains(f.name()))).toArray(ValueRule[]::new);
        this.format = chunk.chunkType() == ChunkType.SIM4J_SEQUENCES ? null : ChunkFormats.of(chunk.chunkType());
    }

    List<FeatureDef> features() {
        return features;
    }

    /** Reads up to {@code maxRows} rows (fewer only at the end of the chunk's last file). */
    int read(int[][] columns, int dstRow, int maxRows) {
        int done = 0;
        while (done < maxRows) {
            if (current == null && !openNext()) {
                break;
            }
            int n = current.read(columns, dstRow + done, maxRows - done);
            if (n == 0) {
                current.close();
                current = null;
                continue;
            }
            check(columns, dstRow + done, n);
            rowInFile += n;
            done += n;
        }
        return done;
    }

    private boolean openNext() {
        if (fileIndex + 1 >= chunk.files().size()) {
            return false;
        }
        fileIndex++;
        rowInFile = 0;
        // Resolved when opened, not only when the spec was validated: the file must still be inside the folder.
        file = DataFiles.resolve(dir, chunk.files().get(fileIndex));
        if (format == null) {
            // A sequence store is one unit: its first file describes it, the others are its parts.
            for (String part : chunk.files()) {
                DataFiles.resolve(dir, part);
            }
            current = SequenceChunks.open(file, mapping, features);
            fileIndex = chunk.files().size() - 1;
            return true;
        }
        current = format.openReader(file, features);
        return true;
    }

    private void check(int[][] columns, int from, int rows) {
        for (int f = 0; f < rules.length; f++) {
            int[] col = columns[f];
            if (col == null) {
                continue;
            }
            int w = features.get(f).width();
            int bad = rules[f].firstViolation(col, from * w, (from + rows) * w);
            if (bad >= 0) {
                long row = rowInFile + (bad / w - from) + 1;
                String where = w == 1 ? "" : " (position " + (bad % w + 1) + " of " + w + ")";
                throw new DataException(file + ": row " + row + ", feature " + features.get(f).name() + where
                        + ": value " + col[bad] + " is out of range; " + rules[f].meaning());
            }
        }
    }

    /** The file being read and the row in it, for messages. */
    String position() {
        return fileIndex < 0 ? chunk.files().toString() : file + " row " + rowInFile;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
