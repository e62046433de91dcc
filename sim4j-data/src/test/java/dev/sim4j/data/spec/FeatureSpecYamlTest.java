package dev.sim4j.data.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** feature_spec.yaml as the reference writes it (PyYAML yaml.dump) is read; sim4j writes the same layout back. */
class FeatureSpecYamlTest {
    static final List<String> ALL = List.of("label", "user_feat_0", "item_feat_0_trgt", "item_feat_1_trgt",
            "item_feat_0_pos", "item_feat_1_pos", "item_feat_0_neg", "item_feat_1_neg");

    /** Exactly what PyYAML's yaml.dump(spec) produces for the reference's Amazon Books dataset. */
    static final String PYYAML_DUMP = """
            channel_spec:
              label:
              - label
              negative_history:
              - item_feat_0_neg
              - item_feat_1_neg
              positive_history:
              - item_feat_0_pos
              - item_feat_1_pos
              target_item_features:
              - item_feat_0_trgt
              - item_feat_1_trgt
              user_features:
              - user_feat_0
            feature_spec:
              item_feat_0_neg:
                cardinality: 1209081
                dimensions:
                - 100
                dtype: int64
              item_feat_0_pos:
                cardinality: 1209081
                dimensions:
                - 100
                dtype: int64
              item_feat_0_trgt:
                cardinality: 1209081
                dtype: int64
              item_feat_1_neg:
                cardinality: 2330
                dimensions:
                - 100
                dtype: int64
              item_feat_1_pos:
                cardinality: 2330
                dimensions:
                - 100
                dtype: int64
              item_feat_1_trgt:
                cardinality: 2330
                dtype: int64
              label:
                dtype: bool
              user_feat_0:
                cardinality: 105925
                dtype: int64
            metadata: {}
            source_spec:
              test:
              - features: &id001
                - label
                - user_feat_0
                - item_feat_0_trgt
                - item_feat_1_trgt
                - item_feat_0_pos
                - item_feat_1_pos
                - item_feat_0_neg
                - item_feat_1_neg
                files:
                - test/part_0.tfrecord
                type: tfrecord
              train:
              - features: *id001
                files:
                - train/part_0.tfrecord
                - train/part_1.tfrecord
                type: tfrecord
            """;

    /** The model card's CSV example: torch dtypes, comments, two chunks in train, the first over two files. */
    static final String MODEL_CARD = """
            feature_spec:
              user_gender:
                dtype: torch.int8
                cardinality: 3 #M,F,Other
              user_age: #treated as numeric value
                dtype: torch.int8
              user_id:
                dtype: torch.int32
                cardinality: 2655
              item_id:
                dtype: torch.int32
                cardinality: 856
              label:
                dtype: torch.float32

            source_spec:
              train:
                - type: csv
                  features:
                    - user_gender
                    - user_age
                  files:
                    - train_data_0_0.csv
                    - train_data_0_1.csv
                - type: csv
                  features:
                    - user_id
                    - item_id
                    - label
                  files:
                    - train_data_1.csv
              test:
                - type: csv
                  features:
                    - user_id
                    - item_id
                    - label
                    - user_gender
                    - user_age
                   \s
                  files:
                    - test_data.csv

            channel_spec:
              numeric_inputs:\s
                - user_age
              categorical_user_inputs:\s
                - user_gender
                - user_id
              categorical_item_inputs:\s
                - item_id
              label_ch:\s
                - label
            """;

    private static FeatureSpec read(Path dir, String text) throws IOException {
        Files.writeString(dir.resolve(FeatureSpec.FILE_NAME), text);
        return FeatureSpecYaml.read(dir);
    }

    @Test
    void readsThePyYamlDumpOfTheReferenceSpec(@TempDir Path dir) throws IOException {
        FeatureSpec spec = read(dir, PYYAML_DUMP);

        assertThat(spec.features()).containsOnlyKeys(ALL);
        FeatureDef label = spec.feature("label");
        assertThat(label.dtype()).isEqualTo("bool");
        assertThat(label.parsedDtype()).isEqualTo(Dtype.BOOL);
        assertThat(label.cardinality()).isEmpty();
        assertThat(label.dimensions()).isEmpty();
        assertThat(spec.feature("user_feat_0")).isEqualTo(FeatureDef.categorical("user_feat_0", "int64", 105925, List.of()));
        for (String suffix : List.of("trgt", "pos", "neg")) {
            List<Integer> dims = suffix.equals("trgt") ? List.of() : List.of(100);
            FeatureDef item = spec.feature("item_feat_0_" + suffix);
            FeatureDef category = spec.feature("item_feat_1_" + suffix);
            assertThat(item).isEqualTo(FeatureDef.categorical(item.name(), "int64", 1209081, dims));
            assertThat(category).isEqualTo(FeatureDef.categorical(category.name(), "int64", 2330, dims));
            assertThat(item.width()).isEqualTo(dims.isEmpty() ? 1 : 100);
        }

        assertThat(spec.channels()).containsOnlyKeys(ModelChannels.REQUIRED);
        assertThat(spec.channels().get("label")).containsExactly("label");
        assertThat(spec.channels().get("user_features")).containsExactly("user_feat_0");
        assertThat(spec.channels().get("target_item_features")).containsExactly("item_feat_0_trgt", "item_feat_1_trgt");
        assertThat(spec.channels().get("positive_history")).containsExactly("item_feat_0_pos", "item_feat_1_pos");
        assertThat(spec.channels().get("negative_history")).containsExactly("item_feat_0_neg", "item_feat_1_neg");

        // The anchored list (&id001 in test) and its alias (*id001 in train) both resolve to the full feature list.
        assertThat(spec.sources()).containsOnlyKeys("test", "train");
        assertThat(spec.sources().get("test")).containsExactly(
                new ChunkSpec("tfrecord", ALL, List.of("test/part_0.tfrecord")));
        assertThat(spec.sources().get("train")).containsExactly(
                new ChunkSpec("tfrecord", ALL, List.of("train/part_0.tfrecord", "train/part_1.tfrecord")));
        assertThat(spec.sources().get("train").getFirst().chunkType()).isEqualTo(ChunkType.TFRECORD);
        assertThat(spec.metadata()).isEmpty();

        ModelChannels channels = ModelChannels.of(spec);
        assertThat(channels.historyLength()).isEqualTo(100);
        assertThat(channels.label().name()).isEqualTo("label");
    }

    @Test
    void writesThePyYamlLayoutWithAnchorsAndReadsItBack(@TempDir Path dir) throws IOException {
        FeatureSpec spec = read(dir, PYYAML_DUMP);

        String yaml = FeatureSpecYaml.toYaml(spec);

        assertThat(yaml).contains("features: &id001").contains("features: *id001").contains("metadata: {}");
        assertThat(yaml).isEqualTo(PYYAML_DUMP);
        Path out = Files.createDirectory(dir.resolve("out"));
        FeatureSpecYaml.write(spec, out);
        assertThat(FeatureSpecYaml.read(out)).isEqualTo(spec);
        assertThat(out).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void roundTripKeepsExtraKeysMetadataAndUnsharedLists(@TempDir Path dir) throws IOException {
        FeatureSpec spec = read(dir, PYYAML_DUMP.replace("metadata: {}", "metadata:\n  source: amazon_books\n  folds: 5")
                .replace("    dtype: bool", "    dtype: bool\n    comment: clicked"));
        assertThat(spec.metadata()).containsEntry("source", "amazon_books").containsEntry("folds", 5);
        assertThat(spec.feature("label").extra()).containsEntry("comment", "clicked");
        assertThat(spec.feature("label").cardinality()).isEqualTo(OptionalLong.empty());

        Path out = Files.createDirectory(dir.resolve("out"));
        FeatureSpecYaml.write(spec, out);
        assertThat(FeatureSpecYaml.read(out)).isEqualTo(spec);
    }

    @Test
    void readsTheModelCardCsvExample(@TempDir Path dir) throws IOException {
        FeatureSpec spec = read(dir, MODEL_CARD);

        assertThat(spec.features().keySet()).containsExactly("user_gender", "user_age", "user_id", "item_id", "label");
        assertThat(spec.feature("user_gender").dtype()).isEqualTo("torch.int8");
        assertThat(spec.feature("user_gender").parsedDtype()).isEqualTo(Dtype.INT8);
        assertThat(spec.feature("user_gender").cardinality()).hasValue(3);
        assertThat(spec.feature("user_age").parsedDtype()).isEqualTo(Dtype.INT8);
        assertThat(spec.feature("user_age").cardinality()).isEmpty();
        assertThat(spec.feature("user_id").parsedDtype()).isEqualTo(Dtype.INT32);
        assertThat(spec.feature("item_id").cardinality()).hasValue(856);
        assertThat(spec.feature("label").parsedDtype()).isEqualTo(Dtype.FLOAT32);

        assertThat(spec.sources().get("train")).containsExactly(
                new ChunkSpec("csv", List.of("user_gender", "user_age"), List.of("train_data_0_0.csv", "train_data_0_1.csv")),
                new ChunkSpec("csv", List.of("user_id", "item_id", "label"), List.of("train_data_1.csv")));
        assertThat(spec.sources().get("test")).containsExactly(new ChunkSpec("csv",
                List.of("user_id", "item_id", "label", "user_gender", "user_age"), List.of("test_data.csv")));
        assertThat(spec.sources().get("test").getFirst().chunkType()).isEqualTo(ChunkType.CSV);
        assertThat(spec.channels().get("categorical_user_inputs")).containsExactly("user_gender", "user_id");
        assertThat(spec.channels().get("label_ch")).containsExactly("label");
    }
}
