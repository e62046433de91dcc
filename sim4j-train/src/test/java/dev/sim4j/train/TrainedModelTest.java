package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.DatasetWriter;
import dev.sim4j.data.dataset.RandomRows;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.ReferenceSpecs;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelCheckpoint;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint scores only the dataset it was trained on, unless another one's ids fit and the caller allows it. */
class TrainedModelTest {
    @TempDir
    static Path tmp;
    /** The training dataset: 50 users, 300 items, 7 categories, histories of 100. */
    static Dataset trained;
    static CheckpointLocator.Checkpoint checkpoint;

    @BeforeAll
    static void checkpoint() throws IOException {
        trained = Dataset.open(dataset(tmp.resolve("trained"), 50, 300, 7, 100, 40, 40));
        Path epoch = Files.createDirectories(tmp.resolve("ckpt/epoch_1"));
        ModelConfig config = ModelConfig.defaults(ModelType.DIN, 50, 300, 7);
        CtrModel din = Models.create(config, new ScalarBackend(DType.F32), 3);
        ModelCheckpoint.save(din, epoch.resolve("weights.safetensors"), "test");
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("model", config);
        provenance.put("dataset", trained.dir().toAbsolutePath().toString());
        provenance.put("dataset_spec_sha256", TrainingRun.specHash(trained.dir().resolve(FeatureSpec.FILE_NAME)));
        new ObjectMapper().writeValue(epoch.resolve("provenance.json").toFile(), provenance);
        checkpoint = CheckpointLocator.locate(tmp.resolve("ckpt"));
    }

    static Path dataset(Path dir, long users, long items, long categories, int history, int trainRows, int testRows) {
        FeatureSpec spec = ReferenceSpecs.amazon(users, items, categories, history);
        List<FeatureDef> features = List.copyOf(spec.features().values());
        int rows = Math.max(trainRows, testRows);
        int[][] cols = new int[features.size()][];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = new int[rows * features.get(f).width()];
        }
        long seed = 17;
        System.out.println("seed " + seed);
        new RandomRows(spec, features, seed).fill(cols, 0, rows);
        try (DatasetWriter w = new DatasetWriter(dir, spec, ChunkType.SIM4J, 1000, WriteOptions.DEFAULT)) {
            try (DatasetWriter.MappingWriter mw = w.mapping("train", features)) {
                mw.write(cols, 0, trainRows);
            }
            try (DatasetWriter.MappingWriter mw = w.mapping("test", features)) {
                mw.write(cols, 0, testRows);
            }
            w.commit();
        }
        return dir;
    }

    @Test
    void theTrainingDatasetPassesAndTheModelLoads() {
        TrainedModel.DatasetMatch match = TrainedModel.requireDataset(checkpoint, trained, false, "the checkpoint");
        assertThat(match.same()).isTrue();
        assertThat(TrainedModel.load(checkpoint, new ScalarBackend(DType.F32)).config().items()).isEqualTo(300);
    }

    @Test
    void smallerCardinalitiesFitButNeedToBeAllowed() {
        Dataset smaller = Dataset.open(dataset(tmp.resolve("smaller"), 50, 200, 7, 100, 10, 10));
        assertThatThrownBy(() -> TrainedModel.requireDataset(checkpoint, smaller, false, "the checkpoint X"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(smaller.dir() + ": not the dataset the checkpoint X was trained on ("
                        + trained.dir().toAbsolutePath() + ")")
                .hasMessageContaining("feature spec SHA-256")
                .hasMessageContaining("items 300 in the checkpoint, 200 in the dataset")
                .hasMessageContaining("pass --allow-other-dataset");
        TrainedModel.DatasetMatch allowed = TrainedModel.requireDataset(checkpoint, smaller, true, "the checkpoint");
        assertThat(allowed.fits()).isTrue();
        assertThat(allowed.differences()).satisfiesExactly(
                d -> assertThat(d).startsWith("feature spec SHA-256 ").endsWith(" in " + smaller.dir().resolve("feature_spec.yaml")),
                d -> assertThat(d).isEqualTo("items 300 in the checkpoint, 200 in the dataset"));
    }

    @Test
    void largerCardinalitiesOrAnotherHistoryLengthAreRefusedEvenWhenAllowed() {
        Dataset larger = Dataset.open(dataset(tmp.resolve("larger"), 60, 300, 9, 100, 10, 10));
        assertThatThrownBy(() -> TrainedModel.requireDataset(checkpoint, larger, true, "the checkpoint"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("users 50 in the checkpoint, 60 in the dataset (ids above 50 have no row")
                .hasMessageContaining("categories 7 in the checkpoint, 9 in the dataset")
                .hasMessageContaining("--allow-other-dataset does not help");
        assertThat(TrainedModel.compare(checkpoint, larger).differences()).hasSize(3);
        Dataset shorter = Dataset.open(dataset(tmp.resolve("shorter"), 50, 300, 7, 20, 10, 10));
        assertThatThrownBy(() -> TrainedModel.requireDataset(checkpoint, shorter, true, "the checkpoint"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("history length 100 in the checkpoint, 20 in the dataset (preprocess with "
                        + "--max-seq-len 100)");
    }

    @Test
    void aBareWeightsFileIsComparedByTheCardinalitiesInItsMetadata() throws IOException {
        Path bare = Files.createDirectories(tmp.resolve("bare")).resolve("model.safetensors");
        Files.copy(checkpoint.weights(), bare);
        CheckpointLocator.Checkpoint file = CheckpointLocator.locate(bare);
        assertThat(TrainedModel.requireDataset(file, trained, false, "--init-weights").same()).isTrue();
        Dataset larger = Dataset.open(dataset(tmp.resolve("larger-items"), 50, 400, 7, 100, 10, 10));
        assertThatThrownBy(() -> TrainedModel.requireDataset(file, larger, false, "--init-weights " + bare))
                .isInstanceOf(DataException.class).hasMessageContaining("items 300 in the checkpoint, 400 in the dataset");
        // Without provenance.json there is no model configuration to rebuild the model from.
        assertThatThrownBy(() -> TrainedModel.load(file, new ScalarBackend(DType.F32)))
                .isInstanceOf(DataException.class).hasMessageContaining("no provenance.json beside it");
    }

    @Test
    void aMappingWithoutRowsIsRefused() {
        Dataset empty = Dataset.open(dataset(tmp.resolve("empty-test"), 50, 300, 7, 100, 10, 0));
        assertThatThrownBy(() -> ModelEvaluation.requireRows(empty, "test", "nothing to evaluate"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(empty.dir() + " mapping 'test' has no rows")
                .hasMessageContaining("nothing to evaluate");
        ModelEvaluation.requireRows(empty, "train", "nothing to evaluate");
    }
}
