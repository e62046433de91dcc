package dev.sim4j.data.dataset;

import dev.sim4j.data.DataException;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Assembles the rows of one mapping from its chunks (each holding some features of the same rows), in file order,
 * into columns for a chosen list of features. Chunks that disagree on the number of rows are an error.
 */
public final class MappingReader implements AutoCloseable {
    private final String mapping;
    private final List<FeatureDef> wanted;
    private final List<ChunkReader> chunks = new ArrayList<>();
    /** For each chunk, for each of its features, the index in {@link #wanted} or -1. */
    private final int[][] slots;
    private final int[][][] views;
    private long rows;

    MappingReader(Path dir, FeatureSpec spec, String mapping, List<FeatureDef> wanted, Set<String> labelFeatures) {
        this.mapping = mapping;
        this.wanted = List.copyOf(wanted);
        List<ChunkSpec> specs = spec.sources().get(mapping);
        if (specs == null) {
            throw new DataException(dir + ": the dataset has no mapping '" + mapping + "' (it has "
                    + spec.sources().keySet() + ")");
        }
        slots = new int[specs.size()][];
        views = new int[specs.size()][][];
        for (int c = 0; c < specs.size(); c++) {
            ChunkReader reader = new ChunkReader(dir, spec, mapping, specs.get(c), labelFeatures);
            chunks.add(reader);
            List<FeatureDef> fs = reader.features();
            slots[c] = new int[fs.size()];
            views[c] = new int[fs.size()][];
            for (int f = 0; f < fs.size(); f++) {
                slots[c][f] = indexOf(fs.get(f).name());
            }
        }
        for (FeatureDef f : wanted) {
            boolean stored = false;
            for (ChunkReader r : chunks) {
                stored |= r.features().stream().anyMatch(x -> x.name().equals(f.name()));
            }
            if (!stored) {
                throw new DataException(dir + ": mapping " + mapping + " stores no feature " + f.name());
            }
        }
    }

    private int indexOf(String name) {
        for (int i = 0; i < wanted.size(); i++) {
            if (wanted.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public List<FeatureDef> features() {
        return wanted;
    }

    /**
     * Reads up to {@code maxRows} next rows into {@code columns} (indexed like {@link #features()}, each
     * {@code rows * width} long), starting at row {@code dstRow}. Returns fewer only at the end of the mapping.
     */
    public int read(int[][] columns, int dstRow, int maxRows) {
        int n = -1;
        for (int c = 0; c < chunks.size(); c++) {
            int[][] view = views[c];
            for (int f = 0; f < view.length; f++) {
                view[f] = slots[c][f] >= 0 ? columns[slots[c][f]] : null;
            }
            int want = n < 0 ? maxRows : n;
            int got = chunks.get(c).read(view, dstRow, want);
            if (n < 0) {
                n = got;
            } else if (got != n) {
                throw new DataException("mapping " + mapping + ": chunk " + c + " ends after " + (rows + got)
                        + " rows but chunk 0 has more (" + chunks.get(c).position() + "); all chunks of a mapping must hold the same rows");
            }
        }
        if (n == 0) {
            for (int c = 1; c < chunks.size(); c++) {
                int[][] none = new int[chunks.get(c).features().size()][];
                if (chunks.get(c).read(none, 0, 1) > 0) {
                    throw new DataException("mapping " + mapping + ": chunk " + c + " has more rows than chunk 0 ("
                            + rows + "); all chunks of a mapping must hold the same rows");
                }
            }
        }
        rows += n;
        return n;
    }

    /** Rows handed out so far. */
    public long rowsRead() {
        return rows;
    }

    @Override
    public void close() {
        for (ChunkReader r : chunks) {
            r.close();
        }
    }
}
