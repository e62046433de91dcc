package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.amazon.PreprocessStats;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;
import dev.sim4j.train.optim.Optimizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches built from a resident sequence store are the data pipeline's rows, column for column and negatives
 * included, on the reference and the CPU backend, for training and test rows, any batch size, remainder and stride;
 * training and evaluation on them give the host pipeline's weights and metrics bit for bit. (The CUDA kernel is held
 * to the reference by the conformance suite and to these rows by its own GPU test.)
 */
class ResidentSequencesTest {
    @TempDir
    static Path tmp;
    static Dataset sequences;
    static Dataset columnar;
    static PreprocessStats stats;

    @BeforeAll
    static void data() {
        SynthConfig d = SynthConfig.defaults();
        SynthConfig small = new SynthConfig(200, 800, 20, 11L, d.shortShare(), d.shortMean(), d.longMean(),
                d.maxReviews(), d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(), d.driftRun(),
                d.noise(), d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), 2, 1);
        new AmazonSynth(small).write(tmp.resolve("raw"), false, (task, done, total) -> { });
        Path reviews = tmp.resolve("raw").resolve(AmazonSynth.REVIEWS_FILE);
        Path meta = tmp.resolve("raw").resolve(AmazonSynth.META_FILE);
        stats = AmazonPreprocessor.run(PreprocessOptions.defaults(reviews, meta, tmp.resolve("seq")));
        AmazonPreprocessor.run(PreprocessOptions.defaults(reviews, meta, tmp.resolve("col")).withFormat(ChunkType.SIM4J));
        sequences = Dataset.open(tmp.resolve("seq"));
        columnar = Dataset.open(tmp.resolve("col"));
    }

    static ModelConfig config(ModelType type) {
        return ModelConfig.defaults(type, (int) stats.users(), (int) stats.items(), (int) stats.categories());
    }

    /** All rows of a mapping as the data pipeline reads them: the eight columns, each row's values in a row. */
    static List<int[][]> hostRows(Dataset ds, String mapping) {
        List<int[][]> rows = new ArrayList<>();
        try (BatchPipeline p = ds.batches(mapping, BatchOptions.of(1000).dropRemainder(false))) {
            while (p.hasNext()) {
                Batch b = p.next();
                int l = b.historyLength();
                for (int i = 0; i < b.size(); i++) {
                    rows.add(new int[][] {{b.label()[i]}, {b.user()[0][i]}, {b.targetItem()[0][i]},
                            {b.targetItem()[1][i]}, slice(b.positiveHistory()[0], i, l),
                            slice(b.positiveHistory()[1], i, l), slice(b.negativeHistory()[0], i, l),
                            slice(b.negativeHistory()[1], i, l)});
                }
            }
        }
        return rows;
    }

    private static int[] slice(int[] a, int row, int l) {
        return java.util.Arrays.copyOfRange(a, row * l, (row + 1) * l);
    }

    /** The rows of a built batch in the same layout. */
    static List<int[][]> builtRows(Backend be, ModelInput in) {
        int l = in.historyItems().dim(1);
        float[] label = be.toFloats(in.label());
        int[] uid = be.toInts(in.uid());
        int[] item = be.toInts(in.targetItem());
        int[] cat = be.toInts(in.targetCategory());
        int[] hi = be.toInts(in.historyItems());
        int[] hc = be.toInts(in.historyCategories());
        int[] ni = be.toInts(in.negativeItems());
        int[] nc = be.toInts(in.negativeCategories());
        List<int[][]> rows = new ArrayList<>();
        for (int i = 0; i < in.batch(); i++) {
            rows.add(new int[][] {{(int) label[i]}, {uid[i]}, {item[i]}, {cat[i]}, slice(hi, i, l), slice(hc, i, l),
                    slice(ni, i, l), slice(nc, i, l)});
        }
        return rows;
    }

    @Test
    void batchesAreTheDataPipelinesRows() {
        for (Backend be : List.of(new ScalarBackend(DType.F32), new CpuBackend(2))) {
            try (be; ResidentSequences store = ResidentSequences.open(sequences, be, config(ModelType.SIM), "train",
                    "test").orElseThrow(); ResidentSequences.Inputs inputs = store.inputs()) {
                for (String mapping : List.of("train", "test")) {
                    List<int[][]> host = hostRows(sequences, mapping);
                    assertThat(store.rows(mapping)).isEqualTo(host.size());
                    // Batches of 333 with a remainder, and the strides of 2 and 3 ranks (row r + k * stride).
                    for (int[] shape : new int[][] {{0, 1, 333}, {1, 2, 100}, {2, 3, 57}}) {
                        int first = shape[0];
                        int stride = shape[1];
                        int size = shape[2];
                        for (long from = first; from < host.size(); from += (long) size * stride) {
                            int n = (int) Math.min(size, (host.size() - from + stride - 1) / stride);
                            List<int[][]> built = builtRows(be, inputs.batch(mapping, from, stride, n));
                            for (int i = 0; i < n; i++) {
                                assertThat(built.get(i)).as(be.name() + " " + mapping + " row "
                                        + (from + (long) i * stride)).isDeepEqualTo(host.get((int) (from + (long) i * stride)));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void trainingAndEvaluationOnResidentRowsGiveTheHostsBits() {
        // SIM reads every input column (the negatives for its auxiliary loss); the rows do not depend on the model.
        for (ModelType type : List.of(ModelType.SIM)) {
            float[][][] weights = new float[2][][];
            Metrics[] metrics = new Metrics[2];
            double[] losses = new double[2];
            for (int run = 0; run < 2; run++) {
                try (CpuBackend be = new CpuBackend(2)) {
                    CtrModel model = Models.create(config(type), be, 5);
                    Trainer trainer = new Trainer(model, Optimizers.create("adam", 0.01, 0));
                    ResidentSequences store = run == 1
                            ? ResidentSequences.open(sequences, be, model.config(), "train", "test").orElseThrow()
                            : null;
                    trainer.residentInput(store);
                    Trainer.EpochResult r = trainer.trainEpoch(sequences, "train", 512, false, 1, 0, null, 1,
                            null);
                    losses[run] = r.meanTotalLoss();
                    metrics[run] = ModelEvaluation.evaluate(model, sequences, "test", 200, new Evaluator(), null,
                            store).metrics();
                    List<Parameter> ps = model.parameters().all();
                    weights[run] = new float[ps.size()][];
                    for (int k = 0; k < ps.size(); k++) {
                        weights[run][k] = be.toFloats(ps.get(k).value());
                    }
                    if (store != null) {
                        trainer.residentInput(null);
                        store.close();
                    }
                }
            }
            assertThat(losses[1]).as(type + " epoch loss").isEqualTo(losses[0]);
            assertThat(weights[1]).as(type + " weights").isDeepEqualTo(weights[0]);
            assertThat(metrics[1]).as(type + " test metrics").isEqualTo(metrics[0]);
        }
    }

    @Test
    void rowFormatsStayOnTheHost() {
        try (CpuBackend be = new CpuBackend(1)) {
            assertThat(columnar.sequenceStore("train")).isEmpty();
            assertThat(ResidentSequences.open(columnar, be, config(ModelType.DIN), "train", "test")).isEmpty();
            assertThat(sequences.sequenceStore("train")).isPresent();
        }
    }

    @Test
    void aStoreWithIdsOutsideTheModelsTablesIsRefused() {
        ModelConfig full = config(ModelType.DIN);
        ModelConfig fewerItems = ModelConfig.defaults(ModelType.DIN, full.users(), full.items() - 1, full.categories());
        ModelConfig fewerUsers = ModelConfig.defaults(ModelType.DIN, full.users() - 1, full.items(), full.categories());
        try (CpuBackend be = new CpuBackend(1)) {
            assertThatThrownBy(() -> ResidentSequences.open(sequences, be, fewerItems, "train"))
                    .isInstanceOf(DataException.class).hasMessageContaining("store.yaml")
                    .hasMessageContaining("item table takes ids 1.." + (full.items() - 1));
            assertThatThrownBy(() -> ResidentSequences.open(sequences, be, fewerUsers, "train"))
                    .isInstanceOf(DataException.class).hasMessageContaining("user table takes ids 1.." + (full.users() - 1));
        }
    }
}
