package dev.sim4j.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.data.format.ChunkFormats;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.FeatureSpecYaml;
import dev.sim4j.data.spec.ReferenceSpecs;
import dev.sim4j.data.spec.SpecProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A mapping of 0 rows is an error; an empty file beside files with rows is a warning; full datasets have neither. */
class EmptyDataTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(names = {"TFRECORD", "CSV", "SIM4J"})
    void emptyFilesAndEmptyMappings(ChunkType type) throws IOException {
        Path ds = tmp.resolve("ds");
        FormatRoundTripTest.writeRandom(ds, type, 30, 10, 1);
        assertThat(EmptyData.check(Dataset.open(ds))).isEqualTo(new EmptyData.Findings(List.of(), List.of()));

        String ext = ChunkFormats.of(type).extension();
        // An empty file among full ones: a warning naming mapping, chunk and file.
        emptyFile(ds, type, "train/part_00001" + ext);
        EmptyData.Findings some = EmptyData.check(Dataset.open(ds));
        assertThat(some.errors()).isEmpty();
        assertThat(some.warnings()).extracting(SpecProblem::toString)
                .containsExactly("source_spec / train[0] / train/part_00001" + ext
                        + ": data file holds no rows; remove it from the list or fill it");
        // Every file of a mapping empty: an error for the mapping, not one per file.
        for (int i = 0; i < 3; i++) {
            emptyFile(ds, type, "test/part_0000" + i + ext);
        }
        EmptyData.Findings none = EmptyData.check(Dataset.open(ds));
        assertThat(none.errors()).singleElement().satisfies(p -> {
            assertThat(p.subject()).isEqualTo("test");
            assertThat(p.problem()).contains("mapping holds no rows");
        });
        assertThat(none.warnings()).hasSize(1);
    }

    /** Makes {@code file} hold no rows: a 0-byte file for the text and record formats, a 0-row shard for sim4j. */
    private static void emptyFile(Path ds, ChunkType type, String file) throws IOException {
        if (type == ChunkType.SIM4J) {
            Path scratch = ds.resolveSibling("scratch");
            try (DatasetWriter w = new DatasetWriter(scratch, FormatRoundTripTest.SPEC, type, 10, WriteOptions.DEFAULT)) {
                w.mapping("train", FormatRoundTripTest.features()).close();
                w.commit();
            }
            Files.move(scratch.resolve("train/part_00000.s4j"), ds.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            deleteTree(scratch);
        } else {
            Files.write(ds.resolve(file), new byte[0]);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aSequenceStoreWithoutTrainingRows() throws IOException {
        Path ds = Files.createDirectories(tmp.resolve("ds/sequences"));
        // Two users of two events each: no training rows (a user needs 3), two test rows each.
        SequenceStore store = new SequenceStore(new int[] {2, 2}, new int[] {1, 2, 2, 1}, new int[] {1, 1, 1, 1},
                new int[] {0, 1, 1}, new int[] {0, 2, 4}, 1L, 5,
                Map.of("train", SequenceStore.RowKind.TRAIN, "test", SequenceStore.RowKind.TEST));
        SequenceStoreFiles.write(store, ds);
        List<String> files = SequenceStoreFiles.files(tmp.resolve("ds"), ds);
        FeatureSpec spec = ReferenceSpecs.amazon(2, 2, 1, 5);
        List<String> names = List.copyOf(spec.features().keySet());
        FeatureSpecYaml.write(spec.withSources(Map.of("train", List.of(new ChunkSpec("sim4j_sequences", names, files)),
                "test", List.of(new ChunkSpec("sim4j_sequences", names, files)))), tmp.resolve("ds"));
        EmptyData.Findings f = EmptyData.check(Dataset.open(tmp.resolve("ds")));
        assertThat(f.errors()).extracting(SpecProblem::subject).containsExactly("train");
        assertThat(f.warnings()).isEmpty();
    }
}
