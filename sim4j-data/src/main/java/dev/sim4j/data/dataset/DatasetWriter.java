package dev.sim4j.data.dataset;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.ChunkFormat;
import dev.sim4j.data.format.ChunkFormats;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.FeatureSpecYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a dataset folder: one chunk per mapping, split into files of at most {@code rowsPerFile} rows, and the
 * feature spec describing them. Everything goes to a hidden temporary folder that replaces the output folder only
 * when {@link #commit()} succeeds, so a failed or interrupted write never leaves a half-written dataset.
 */
public final class DatasetWriter implements AutoCloseable {
    private final Path out;
    private final Path temp;
    private final FeatureSpec template;
    private final ChunkFormat format;
    private final long rowsPerFile;
    private final WriteOptions options;
    private final Map<String, List<ChunkSpec>> sources = new LinkedHashMap<>();
    private boolean committed;

    /**
     * @param out         the dataset folder to create; it must not exist or be empty
     * @param template    features, channels and metadata of the new dataset (its sources are replaced)
     * @param type        file format of the new chunks
     * @param rowsPerFile rows per data file (the last file of a mapping may hold fewer)
     */
    public DatasetWriter(Path out, FeatureSpec template, ChunkType type, long rowsPerFile, WriteOptions options) {
        if (rowsPerFile < 1) {
            throw new IllegalArgumentException("rows per file must be at least 1, got " + rowsPerFile);
        }
        this.out = out.toAbsolutePath().normalize();
        requireEmptyOrAbsent(this.out);
        this.template = template;
        this.format = ChunkFormats.of(type);
        this.rowsPerFile = rowsPerFile;
        this.options = options;
        this.temp = this.out.resolveSibling("." + this.out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            deleteTree(temp);
            Files.createDirectories(temp);
        } catch (IOException e) {
            throw new DataException(temp + ": cannot create a working folder: " + e.getMessage(), e);
        }
    }

    private static void requireEmptyOrAbsent(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": output exists and is not a folder; choose another output path");
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new DataException(dir + ": output folder is not empty; choose a new folder or remove this one");
            }
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list the output folder: " + e.getMessage(), e);
        }
    }

    /** Writes the rows of one mapping; close the returned writer before starting the next mapping. */
    public MappingWriter mapping(String name, List<FeatureDef> features) {
        return new MappingWriter(name, features, rowsPerFile);
    }

    /** As {@link #mapping(String, List)}, with this mapping's own number of rows per file. */
    public MappingWriter mapping(String name, List<FeatureDef> features, long rowsPerFileOfMapping) {
        if (rowsPerFileOfMapping < 1) {
            throw new IllegalArgumentException("rows per file must be at least 1, got " + rowsPerFileOfMapping);
        }
        return new MappingWriter(name, features, rowsPerFileOfMapping);
    }

    /**
     * The folder being written, for files the caller writes itself (data in a format of its own, vocabularies,
     * statistics); they move into place with everything else on {@link #commit()}.
     */
    public Path workingFolder() {
        return temp;
    }

    /** Declares a mapping whose chunk files the caller wrote into {@link #workingFolder()} itself. */
    public void addMapping(String name, ChunkSpec chunk) {
        sources.put(name, List.of(chunk));
    }

    /** Rows of one mapping, spread over files {@code name/part_NNNNN.ext}. */
    public final class MappingWriter implements AutoCloseable {
        private final String name;
        private final List<FeatureDef> features;
        private final List<String> files = new ArrayList<>();
        private final long rowsPerFile;
        private RowWriter current;
        private long rowsInFile;
        private boolean closed;

        private MappingWriter(String name, List<FeatureDef> features, long rowsPerFile) {
            this.name = name;
            this.features = List.copyOf(features);
            this.rowsPerFile = rowsPerFile;
        }

        public void write(int[][] columns, int srcRow, int count) {
            int done = 0;
            while (done < count) {
                if (current == null || rowsInFile == rowsPerFile) {
                    rotate();
                }
                int n = (int) Math.min(count - done, rowsPerFile - rowsInFile);
                current.write(columns, srcRow + done, n);
                rowsInFile += n;
                done += n;
            }
        }

        private void rotate() {
            if (current != null) {
                current.close();
            }
            String file = name + "/part_" + String.format("%05d", files.size()) + format.extension();
            files.add(file);
            current = format.openWriter(temp.resolve(file), features, options);
            rowsInFile = 0;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (current == null) {
                rotate();
            }
            current.close();
            sources.put(name, List.of(new ChunkSpec(format.type().specName(),
                    features.stream().map(FeatureDef::name).toList(), files)));
        }

        void abort() {
            if (current != null) {
                current.abort();
            }
        }
    }

    /** Writes the feature spec and moves the finished folder into place. */
    public void commit() {
        FeatureSpecYaml.write(template.withSources(sources), temp);
        try {
            if (Files.exists(out)) {
                Files.delete(out);
            }
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } catch (IOException e) {
            throw new DataException(out + ": cannot move the finished dataset into place: " + e.getMessage(), e);
        }
    }

    /** Without a commit, removes everything written. */
    @Override
    public void close() {
        if (!committed) {
            try {
                deleteTree(temp);
            } catch (IOException ignored) {
                // A leftover hidden working folder is harmless; the next run with this output replaces it.
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
