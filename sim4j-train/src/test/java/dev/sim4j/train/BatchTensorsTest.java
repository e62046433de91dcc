package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
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
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.metrics.Evaluator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches reach the model's backend unchanged, and evaluation sees every row of a mapping once. */
class BatchTensorsTest {
    static Path dataset(Path dir, int rows, int history) {
        FeatureSpec spec = ReferenceSpecs.amazon(50, 300, 7, history);
        List<FeatureDef> features = List.copyOf(spec.features().values());
        int[][] cols = new int[features.size()][];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = new int[rows * features.get(f).width()];
        }
        long seed = 31;
        System.out.println("seed " + seed);
        new RandomRows(spec, features, seed).fill(cols, 0, rows);
        try (DatasetWriter w = new DatasetWriter(dir, spec, ChunkType.SIM4J, 1000, WriteOptions.DEFAULT)) {
            for (String m : List.of("train", "test")) {
                try (DatasetWriter.MappingWriter mw = w.mapping(m, features)) {
                    mw.write(cols, 0, rows);
                }
            }
            w.commit();
        }
        return dir;
    }

    @Test
    void uploadedTensorsHoldTheBatchValues(@TempDir Path tmp) {
        Dataset ds = Dataset.open(dataset(tmp.resolve("ds"), 70, 100));
        ScalarBackend be = new ScalarBackend(DType.F32);
        BatchTensors tensors = new BatchTensors(be, 100);
        try (BatchPipeline p = ds.batches("train", BatchOptions.of(32))) {
            int batches = 0;
            while (p.hasNext()) {
                Batch b = p.next();
                ModelInput in = tensors.upload(b);
                int n = b.size();
                assertThat(in.batch()).isEqualTo(n);
                assertThat(be.toInts(in.uid())).isEqualTo(Arrays.copyOf(b.user()[0], n));
                assertThat(be.toInts(in.targetItem())).isEqualTo(Arrays.copyOf(b.targetItem()[0], n));
                assertThat(be.toInts(in.targetCategory())).isEqualTo(Arrays.copyOf(b.targetItem()[1], n));
                assertThat(be.toInts(in.historyItems())).isEqualTo(Arrays.copyOf(b.positiveHistory()[0], n * 100));
                assertThat(be.toInts(in.historyCategories())).isEqualTo(Arrays.copyOf(b.positiveHistory()[1], n * 100));
                assertThat(be.toInts(in.negativeItems())).isEqualTo(Arrays.copyOf(b.negativeHistory()[0], n * 100));
                assertThat(be.toInts(in.negativeCategories())).isEqualTo(Arrays.copyOf(b.negativeHistory()[1], n * 100));
                float[] labels = be.toFloats(in.label());
                for (int i = 0; i < n; i++) {
                    assertThat(labels[i]).isEqualTo((float) b.label()[i]);
                }
                batches++;
            }
            assertThat(batches).isEqualTo(3);
        }
    }

    @Test
    void evaluationScoresEveryRowOnce(@TempDir Path tmp) {
        Dataset ds = Dataset.open(dataset(tmp.resolve("ds"), 70, 100));
        ScalarBackend be = new ScalarBackend(DType.F32);
        CtrModel din = Models.create(ModelConfig.defaults(ModelType.DIN, 50, 300, 7), be, 5);
        var metrics = ModelEvaluation.evaluate(din, ds, "test", 32, new Evaluator()).metrics();
        assertThat(metrics.count()).isEqualTo(70);
        assertThat(metrics.exactAuc()).isBetween(0.0, 1.0);
        assertThat(metrics.loss()).isPositive();
    }

    @Test
    void anIdOutsideTheModelsTableIsADataErrorNamingTheFeatureAndRow(@TempDir Path tmp) {
        Dataset ds = Dataset.open(dataset(tmp.resolve("ds"), 70, 100));
        // A model of 100 items scoring data with item ids up to 300: the first target item above 100 is reported.
        int batch = 32;
        long expectedRow = -1;
        try (BatchPipeline p = ds.batches("test", BatchOptions.of(batch))) {
            Batch b = p.next();
            for (int i = 0; i < b.size() && expectedRow < 0; i++) {
                if (b.targetItem()[0][i] > 100) {
                    expectedRow = i;
                }
            }
        }
        assertThat(expectedRow).as("the seeded data has a target item above 100 in its first batch").isNotNegative();
        CtrModel din = Models.create(ModelConfig.defaults(ModelType.DIN, 50, 100, 7), new ScalarBackend(DType.F32), 5);
        assertThatThrownBy(() -> ModelEvaluation.evaluate(din, ds, "test", batch, new Evaluator()))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(ds.dir() + " mapping 'test' row " + expectedRow + ": feature 'item_feat_0_trgt' holds id ")
                .hasMessageContaining("outside the model's item table (ids 1..100, 0 is padding)");
    }

    @Test
    void idsAreReportedByTheirRowInTheMappingAndHistoryPosition(@TempDir Path tmp) {
        Dataset ds = Dataset.open(dataset(tmp.resolve("ds"), 70, 100));
        ModelConfig config = ModelConfig.defaults(ModelType.DIN, 50, 300, 7);
        BatchTensors tensors = new BatchTensors(new ScalarBackend(DType.F32), config, ds.channels(), "src");
        try (BatchPipeline p = ds.batches("test", BatchOptions.of(32))) {
            Batch b = p.next();
            tensors.upload(b, 0);
            b.negativeHistory()[1][5 * 100 + 42] = 8;
            assertThatThrownBy(() -> tensors.upload(b, 64)).isInstanceOf(DataException.class)
                    .hasMessageStartingWith("src row 69: feature 'item_feat_1_neg', position 42 holds id 8, outside the "
                            + "model's category table (ids 1..7");
            b.negativeHistory()[1][5 * 100 + 42] = -1;
            assertThatThrownBy(() -> tensors.upload(b, 64)).isInstanceOf(DataException.class)
                    .hasMessageContaining("holds id -1");
        }
    }

    @Test
    void aDatasetThatDoesNotFitTheModelIsRefused(@TempDir Path tmp) {
        Dataset ds = Dataset.open(dataset(tmp.resolve("ds"), 10, 20));
        ModelConfig config = ModelConfig.defaults(ModelType.SIM, 50, 300, 7);
        assertThatThrownBy(() -> BatchTensors.requireCompatible(ds.channels(), config, "ds"))
                .isInstanceOf(DataException.class).hasMessageContaining("histories hold 20 items but the model expects 100")
                .hasMessageContaining("--max-seq-len 100");
    }
}
