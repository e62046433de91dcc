package dev.sim4j.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.FeatureSpecYaml;
import dev.sim4j.data.spec.ReferenceSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers resolve every data file when they open it and refuse one that a symbolic link puts outside the dataset. */
class SymbolicLinkTest {
    @TempDir
    Path tmp;

    @Test
    void aPartReplacedByALinkOutAfterValidationIsRefusedWhenRead() throws IOException {
        Path ds = tmp.resolve("ds");
        FormatRoundTripTest.writeRandom(ds, ChunkType.SIM4J, 20, 10, 1);
        Dataset dataset = Dataset.open(ds);
        // Swapped after validation: a valid shard outside, linked in place of the second part.
        Path outside = Files.move(ds.resolve("train/part_00001.s4j"), tmp.resolve("elsewhere.s4j"));
        Files.createSymbolicLink(ds.resolve("train/part_00001.s4j"), outside);
        assertThatThrownBy(() -> FormatRoundTripTest.readAll(ds, "train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("train/part_00001.s4j")
                .hasMessageContaining("through a symbolic link");
        assertThatThrownBy(() -> dataset.countRows("train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("through a symbolic link");
        // A spec that was never validated is held to the same rule.
        FeatureSpec spec = dataset.spec().withSources(Map.of("train",
                List.of(new ChunkSpec("sim4j", dataset.spec().sources().get("train").getFirst().features(),
                        List.of("train/part_00000.s4j", "../elsewhere.s4j")))));
        assertThatThrownBy(() -> new Dataset(ds, spec).countRows("train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("path leaves the dataset folder");
    }

    @Test
    void aSequenceStorePartLinkedOutOfTheFolderIsRefused() throws IOException {
        Path ds = Files.createDirectories(tmp.resolve("ds/sequences"));
        SequenceStore store = new SequenceStore(new int[] {3, 4}, new int[] {1, 2, 1, 2, 1, 2, 1},
                new int[] {1, 1, 1, 1, 1, 1, 1}, new int[] {0, 1, 1}, new int[] {0, 4, 7}, 1L, 5,
                Map.of("train", SequenceStore.RowKind.TRAIN));
        SequenceStoreFiles.write(store, ds);
        List<String> files = SequenceStoreFiles.files(tmp.resolve("ds"), ds);
        FeatureSpec spec = ReferenceSpecs.amazon(2, 2, 1, 5);
        FeatureSpecYaml.write(spec.withSources(Map.of("train", List.of(new ChunkSpec("sim4j_sequences",
                List.copyOf(spec.features().keySet()), files)))), tmp.resolve("ds"));
        assertThat(Dataset.open(tmp.resolve("ds")).countRows("train")).isEqualTo(6);

        Path outside = Files.move(ds.resolve(SequenceStoreFiles.EVENTS), tmp.resolve("events.s4j"));
        Files.createSymbolicLink(ds.resolve(SequenceStoreFiles.EVENTS), outside);
        assertThatThrownBy(() -> Dataset.open(tmp.resolve("ds")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("sequences/events.s4j")
                .hasMessageContaining("through a symbolic link");
        // Even when the spec does not list it, the store's own part may not leave its folder.
        Dataset unchecked = new Dataset(tmp.resolve("ds"), FeatureSpecYaml.read(tmp.resolve("ds")).withSources(
                Map.of("train", List.of(new ChunkSpec("sim4j_sequences", List.copyOf(spec.features().keySet()),
                        List.of(files.getFirst()))))));
        assertThatThrownBy(() -> unchecked.countRows("train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("symbolic link out of its folder");
    }
}
