package dev.sim4j.preprocess.amazon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.DatasetWriter;
import dev.sim4j.data.dataset.MappingReader;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.FeatureSpecYaml;
import dev.sim4j.data.spec.ReferenceSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Writes a preprocessed Amazon dataset folder, whichever engine computed it: the sequence store (streamed in by the
 * engine), the row layouts materialised from it when {@code --format} asks for rows, {@code vocab/*.tsv},
 * {@code stats.json} and the feature spec. Everything goes to the {@link DatasetWriter}'s working folder and appears
 * only on success, so both engines share one path to the same bytes.
 */
public final class AmazonDatasetOutput {
    /** The mappings of every Amazon dataset: train and test rows. */
    public static final Map<String, SequenceStore.RowKind> MAPPINGS = mappings();

    /** What an engine streams into the output. */
    public interface Contents {
        /** Writes the users' events and the item table, in id order, then {@link SequenceStoreFiles.Writer#finish}. */
        void writeStore(SequenceStoreFiles.Writer store);

        /** Writes {@code users.tsv}, {@code items.tsv} and {@code categories.tsv} into {@code vocab}. */
        void writeVocabulary(Path vocab);
    }

    private AmazonDatasetOutput() {
    }

    private static Map<String, SequenceStore.RowKind> mappings() {
        Map<String, SequenceStore.RowKind> m = new LinkedHashMap<>();
        m.put("train", SequenceStore.RowKind.TRAIN);
        m.put("test", SequenceStore.RowKind.TEST);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Writes the dataset folder {@code options.out()}; {@code stats} is asked for after the data is written (so that it
     * can time the writing).
     */
    public static void write(PreprocessOptions options, int users, int items, int categories, Contents contents,
                             Supplier<PreprocessStats> stats) {
        FeatureSpec spec = ReferenceSpecs.amazon(users, items, categories, options.maxSeqLen());
        List<String> featureNames = List.copyOf(spec.features().keySet());
        boolean compact = options.format() == ChunkType.SIM4J_SEQUENCES;
        // The compact store writes its own files; the writer's row format serves only the row layouts.
        ChunkType rowFormat = compact ? ChunkType.SIM4J : options.format();
        try (DatasetWriter writer = new DatasetWriter(options.out(), spec, rowFormat, 1, WriteOptions.DEFAULT)) {
            Path work = writer.workingFolder();
            Path dir = work.resolve(compact ? "sequences" : ".sequences");
            mkdirs(dir);
            try (SequenceStoreFiles.Writer store = new SequenceStoreFiles.Writer(dir)) {
                contents.writeStore(store);
            }
            List<String> files = SequenceStoreFiles.files(compact ? work : dir, dir);
            if (compact) {
                for (String mapping : MAPPINGS.keySet()) {
                    writer.addMapping(mapping, new ChunkSpec(ChunkType.SIM4J_SEQUENCES.specName(), featureNames, files));
                }
            } else {
                writeRows(options, spec, dir, files, writer);
            }
            Path vocab = work.resolve("vocab");
            mkdirs(vocab);
            contents.writeVocabulary(vocab);
            writeStats(work.resolve("stats.json"), stats.get());
            writer.commit();
        }
    }

    /**
     * The reference's layout: the rows the sequence store in {@code scratch} describes, materialised into the writer's
     * row format (TFRecord or columnar shards) in {@code --train-parts} / {@code --test-parts} files.
     */
    private static void writeRows(PreprocessOptions options, FeatureSpec spec, Path scratch, List<String> files,
                                  DatasetWriter writer) {
        List<String> featureNames = List.copyOf(spec.features().keySet());
        Map<String, List<ChunkSpec>> sources = new LinkedHashMap<>();
        MAPPINGS.keySet().forEach(m -> sources.put(m,
                List.of(new ChunkSpec(ChunkType.SIM4J_SEQUENCES.specName(), featureNames, files))));
        FeatureSpecYaml.write(spec.withSources(sources), scratch);
        SequenceStore store = SequenceStoreFiles.read(scratch.resolve(SequenceStoreFiles.STORE));
        Dataset compact = Dataset.open(scratch);
        List<FeatureDef> features = featureNames.stream().map(spec::feature).toList();
        int blockRows = DatasetWriter.blockRows(features);
        int[][] block = new int[features.size()][];
        for (int f = 0; f < block.length; f++) {
            block[f] = new int[blockRows * features.get(f).width()];
        }
        for (var e : MAPPINGS.entrySet()) {
            long rows = store.rows(e.getValue());
            int parts = e.getValue() == SequenceStore.RowKind.TRAIN ? options.trainParts() : options.testParts();
            long perFile = Math.max(1, (rows + parts - 1) / parts);
            try (MappingReader reader = compact.reader(e.getKey(), features);
                 DatasetWriter.MappingWriter out = writer.mapping(e.getKey(), features, perFile);
                 Progress progress = Progress.of(options.progress(), "writing " + e.getKey(), rows * 4L * 8)) {
                int n;
                long done = 0;
                while ((n = reader.read(block, 0, blockRows)) > 0) {
                    out.write(block, 0, n);
                    done += n;
                    progress.update(done * 4L * 8, done);
                }
            }
        }
        deleteTree(scratch);
    }

    private static void writeStats(Path file, PreprocessStats stats) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), stats);
        } catch (IOException e) {
            throw new OutputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot create: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot remove a scratch folder: " + e.getMessage(), e);
        }
    }
}
