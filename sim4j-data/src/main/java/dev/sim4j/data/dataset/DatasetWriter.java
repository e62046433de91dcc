package dev.sim4j.data.dataset;

import dev.sim4j.data.OutputException;
import dev.sim4j.data.TempCleanup;
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
 * feature spec describing them. Everything goes to a hidden temporary folder ({@code .NAME.tmp-PID} beside the output)
 * that replaces the output folder only when {@link #commit()} succeeds, so a failed or interrupted write never leaves
 * a half-written dataset: {@link #close()} removes it, and so does a {@link TempCleanup} shutdown hook on Ctrl-C or
 * SIGTERM. Working folders that dead processes left beside the output (SIGKILL) are removed when the next writer starts.
 */
public final class DatasetWriter implements AutoCloseable {
    private final Path out;
    private final Path temp;
    private final FeatureSpec template;
    private final ChunkFormat format;
    private final long rowsPerFile;
    private final WriteOptions options;
    private final Map<String, List<ChunkSpec>> sources = new LinkedHashMap<>();
    private final TempCleanup cleanup;

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
        String name = this.out.getFileName().toString();
        this.temp = this.out.resolveSibling(TempCleanup.tempName(name));
        TempCleanup.removeStale(this.out.getParent(), name);
        this.cleanup = TempCleanup.open();
        try {
            cleanup.checkRunning();
            cleanup.register(temp);
            deleteTree(temp);
            Files.createDirectories(temp);
        } catch (IOException e) {
            cleanup.close();
            throw new OutputException(temp + ": cannot create a working folder: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cleanup.close();
            throw e;
        }
    }

    private static void requireEmptyOrAbsent(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new OutputException(dir + ": output exists and is not a folder; choose another output path");
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new OutputException(dir + ": output folder is not empty; choose a new folder or remove this one");
            }
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot list the output folder: " + e.getMessage(), e);
        }
    }

    /**
     * Rows per block for callers that copy rows of {@code features} through int columns: 4096, or fewer for wide
     * rows (long histories), so that a block stays near 16 MB and no column's length overflows an int.
     */
    public static int blockRows(List<FeatureDef> features) {
        long width = Math.max(1, features.stream().mapToLong(FeatureDef::width).sum());
        return (int) Math.clamp((4L << 20) / width, 1, 4096);
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
            cleanup.checkRunning();
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
            // On Ctrl-C the hook deletes the working folder: creating the next file would bring it back.
            cleanup.checkRunning();
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
        cleanup.checkRunning();
        FeatureSpecYaml.write(template.withSources(sources), temp);
        try {
            cleanup.publish(() -> {
                if (Files.exists(out)) {
                    Files.delete(out);
                }
                Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
            }, temp);
        } catch (IOException e) {
            throw new OutputException(out + ": cannot move the finished dataset into place: " + e.getMessage(), e);
        }
    }

    /** Without a commit, removes everything written. */
    @Override
    public void close() {
        // The cleanup deletes the working folder unless commit published it.
        cleanup.close();
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
