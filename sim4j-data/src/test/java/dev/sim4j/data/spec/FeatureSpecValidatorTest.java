package dev.sim4j.data.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a spec can be unusable is reported once, naming the section, the feature (or mapping) and the problem. */
class FeatureSpecValidatorTest {
    static final List<String> ALL = FeatureSpecYamlTest.ALL;

    @TempDir
    Path root;
    /** The dataset folder, one level down so that "../x" stays inside the test's temporary folder. */
    Path dir;

    @BeforeEach
    void createDataFiles() throws IOException {
        dir = root.resolve("dataset");
        for (String f : List.of("train/part_0.tfrecord", "train/part_1.tfrecord", "test/part_0.tfrecord")) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.createFile(dir.resolve(f));
        }
    }

    /** The reference's Amazon spec with sources whose files exist (empty). */
    static FeatureSpec valid() {
        return ReferenceSpecs.amazon(105925, 1209081, 2330, 100).withSources(Map.of(
                "train", List.of(new ChunkSpec("tfrecord", ALL, List.of("train/part_0.tfrecord", "train/part_1.tfrecord"))),
                "test", List.of(new ChunkSpec("tfrecord", ALL, List.of("test/part_0.tfrecord")))));
    }

    static FeatureSpec withFeature(FeatureSpec s, FeatureDef f) {
        Map<String, FeatureDef> features = new LinkedHashMap<>(s.features());
        features.put(f.name(), f);
        return new FeatureSpec(features, s.sources(), s.channels(), s.metadata());
    }

    static FeatureSpec withChannels(FeatureSpec s, Consumer<Map<String, List<String>>> change) {
        Map<String, List<String>> channels = new LinkedHashMap<>(s.channels());
        change.accept(channels);
        return new FeatureSpec(s.features(), s.sources(), channels, s.metadata());
    }

    static FeatureSpec withTrainFiles(FeatureSpec s, String type, List<String> files) {
        Map<String, List<ChunkSpec>> sources = new LinkedHashMap<>(s.sources());
        sources.put("train", List.of(new ChunkSpec(type, ALL, files)));
        return s.withSources(sources);
    }

    /** Asserts exactly one problem with this section and subject whose text contains {@code problem}. */
    private void assertSingleProblem(FeatureSpec spec, String section, String subject, String problem) {
        List<SpecProblem> problems = FeatureSpecValidator.validate(spec, dir);
        assertThat(problems).as("problems").hasSize(1);
        SpecProblem p = problems.getFirst();
        assertThat(p.section()).isEqualTo(section);
        assertThat(p.subject()).isEqualTo(subject);
        assertThat(p.problem()).contains(problem);
        assertThatThrownBy(() -> FeatureSpecValidator.requireValid(spec, dir))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining(dir.resolve(FeatureSpec.FILE_NAME).toString())
                .hasMessageContaining(section + " / " + subject + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void validSpecHasNoProblems() {
        assertThat(FeatureSpecValidator.validate(valid(), dir)).isEmpty();
        assertThatCode(() -> FeatureSpecValidator.requireValid(valid(), dir)).doesNotThrowAnyException();
    }

    @Test
    void validSpecWrittenAndReadBackIsAccepted() {
        FeatureSpecYaml.write(valid(), dir);
        assertThat(FeatureSpecValidator.readValid(dir)).isEqualTo(valid());
    }

    @Test
    void missingRequiredChannel() {
        FeatureSpec spec = withChannels(valid(), c -> c.remove(ModelChannels.NEGATIVE_HISTORY));
        assertSingleProblem(spec, "channel_spec", "negative_history", "required channel is missing");
    }

    @Test
    void itemChannelsWithDifferentFeatureCounts() {
        FeatureSpec spec = withChannels(valid(), c -> c.put(ModelChannels.POSITIVE_HISTORY, List.of("item_feat_0_pos")));
        assertSingleProblem(spec, "channel_spec", "positive_history",
                "lists 1 features but target_item_features lists 2; the item channels must line up");
    }

    @Test
    void itemChannelsWithDifferentCardinalities() {
        FeatureSpec spec = withFeature(valid(), FeatureDef.categorical("item_feat_1_neg", "int64", 2331, List.of(100)));
        assertSingleProblem(spec, "channel_spec", "negative_history / item_feat_1_neg",
                "cardinality 2331 does not line up with item_feat_1_trgt (position 1 of target_item_features, cardinality 2330)");
    }

    @Test
    void unknownDtype() {
        FeatureSpec spec = withFeature(valid(), FeatureDef.categorical("user_feat_0", "int128", 105925, List.of()));
        assertSingleProblem(spec, "feature_spec", "user_feat_0", "unknown dtype 'int128'");
    }

    @Test
    void floatDtypeIsNotSupported() {
        FeatureSpec spec = withFeature(valid(), FeatureDef.categorical("user_feat_0", "torch.float32", 105925, List.of()));
        assertSingleProblem(spec, "feature_spec", "user_feat_0", "dtype 'torch.float32' is not supported");
    }

    @Test
    void unknownChunkType() {
        FeatureSpec spec = withTrainFiles(valid(), "parquet", List.of("train/part_0.tfrecord"));
        assertSingleProblem(spec, "source_spec", "train[0]", "unknown chunk type 'parquet'");
    }

    @Test
    void missingDataFile() {
        FeatureSpec spec = withTrainFiles(valid(), "tfrecord", List.of("train/part_0.tfrecord", "train/part_2.tfrecord"));
        assertSingleProblem(spec, "source_spec", "train[0] / train/part_2.tfrecord", "data file is missing");
    }

    @Test
    void relativePathLeavingTheDatasetFolder() throws IOException {
        // The file exists, so the rejection is for where it is, not for being missing.
        Files.createFile(root.resolve("x.tfrecord"));
        FeatureSpec spec = withTrainFiles(valid(), "tfrecord", List.of("../x.tfrecord"));
        assertSingleProblem(spec, "source_spec", "train[0] / ../x.tfrecord", "path leaves the dataset folder");
    }

    @Test
    void symbolicLinksOutOfTheDatasetFolderAreRefused() throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "not data");
        Files.createSymbolicLink(dir.resolve("train/part_9.tfrecord"), outside.resolve("secret"));
        Files.createSymbolicLink(dir.resolve("etc"), outside);
        for (String file : List.of("train/part_9.tfrecord", "etc/secret")) {
            FeatureSpec spec = withTrainFiles(valid(), "tfrecord", List.of("train/part_0.tfrecord", file));
            assertSingleProblem(spec, "source_spec", "train[0] / " + file,
                    "path leaves the dataset folder through a symbolic link");
        }
    }

    @Test
    void symbolicLinksInsideTheDatasetFolderAreFine() throws IOException {
        Files.createSymbolicLink(dir.resolve("train/part_9.tfrecord"), dir.resolve("test/part_0.tfrecord"));
        Files.createSymbolicLink(dir.resolve("all"), Path.of("train"));
        FeatureSpec spec = withTrainFiles(valid(), "tfrecord", List.of("train/part_9.tfrecord", "all/part_1.tfrecord"));
        assertThat(FeatureSpecValidator.validate(spec, dir)).isEmpty();
        // A dataset folder reached through a link is the folder it links to.
        Path link = Files.createSymbolicLink(root.resolve("link"), dir);
        assertThat(FeatureSpecValidator.validate(valid(), link)).isEmpty();
    }

    @Test
    void absolutePath() {
        // Absolute even though it points at an existing file inside the folder: paths must be relative.
        String absolute = dir.resolve("train/part_0.tfrecord").toAbsolutePath().toString();
        FeatureSpec spec = withTrainFiles(valid(), "tfrecord", List.of(absolute));
        assertSingleProblem(spec, "source_spec", "train[0] / " + absolute, "path leaves the dataset folder");
    }

    @Test
    void cardinalityZero() {
        FeatureSpec spec = withFeature(valid(), FeatureDef.categorical("user_feat_0", "int64", 0, List.of()));
        assertSingleProblem(spec, "feature_spec", "user_feat_0", "cardinality is 0; it must be at least 1");
    }

    @Test
    void historyFeatureWithoutDimensions() {
        FeatureSpec spec = withFeature(valid(), FeatureDef.categorical("item_feat_0_pos", "int64", 1209081, List.of()));
        assertSingleProblem(spec, "feature_spec", "item_feat_0_pos",
                "sequence feature of channel positive_history has no 'dimensions'");
    }

    /**
     * Lengths beyond the JVM's small-integer cache (-128..127): equal lengths held in distinct {@code Integer} boxes
     * must compare equal, different ones must still be reported.
     */
    @Test
    void historiesLongerThan127AreComparedByValue() {
        FeatureSpec thousand = ReferenceSpecs.amazon(105925, 1209081, 2330, 1000).withSources(valid().sources());
        assertThat(thousand.feature("item_feat_0_pos").dimensions().getFirst())
                .isNotSameAs(thousand.feature("item_feat_0_neg").dimensions().getFirst());
        assertThat(FeatureSpecValidator.validate(thousand, dir)).isEmpty();

        FeatureSpec mismatch = withFeature(thousand, FeatureDef.categorical("item_feat_1_neg", "int64", 2330, List.of(1001)));
        assertSingleProblem(mismatch, "channel_spec", "negative_history / item_feat_1_neg",
                "sequence length 1001 differs from the other history features' 1000");
    }

    @Test
    void userFeatureWithoutCardinality() {
        FeatureSpec spec = withFeature(valid(),
                new FeatureDef("user_feat_0", "int64", OptionalLong.empty(), List.of(), Map.of()));
        assertSingleProblem(spec, "channel_spec", "user_features / user_feat_0", "has no cardinality");
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        FeatureSpec spec = withFeature(withTrainFiles(valid(), "parquet", List.of("train/part_0.tfrecord")),
                FeatureDef.categorical("user_feat_0", "int64", 0, List.of()));
        assertThat(FeatureSpecValidator.validate(spec, dir)).extracting(SpecProblem::subject)
                .containsExactlyInAnyOrder("user_feat_0", "train[0]");
    }
}
