package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
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
import dev.sim4j.train.ModelEvaluation;
import dev.sim4j.train.ResidentSequences;
import dev.sim4j.train.Trainer;
import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;
import dev.sim4j.train.optim.Optimizers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches built on the GPU from a resident sequence store are the host data pipeline's rows int for int (negatives
 * included: the per-row streams are drawn 32 raw values at a time on the device), and training and evaluation on
 * them give the host-input run's weights and metrics bit for bit, with recorded (graph) steps.
 */
class CudaResidentInputTest {
    @TempDir
    static Path tmp;
    static CudaLibraries libs;
    static Dataset dataset;
    static PreprocessStats stats;

    @BeforeAll
    static void open() {
        libs = GpuTests.librariesOrSkip();
        SynthConfig d = SynthConfig.defaults();
        SynthConfig small = new SynthConfig(600, 2_000, 30, 13L, d.shortShare(), d.shortMean(), d.longMean(),
                d.maxReviews(), d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(), d.driftRun(),
                d.noise(), d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), 2, 1);
        new AmazonSynth(small).write(tmp.resolve("raw"), false, (task, done, total) -> { });
        stats = AmazonPreprocessor.run(PreprocessOptions.defaults(tmp.resolve("raw").resolve(AmazonSynth.REVIEWS_FILE),
                tmp.resolve("raw").resolve(AmazonSynth.META_FILE), tmp.resolve("ds")));
        dataset = Dataset.open(tmp.resolve("ds"));
    }

    @AfterAll
    static void close() {
        if (libs != null) {
            libs.close();
        }
    }

    static ModelConfig config(ModelType type) {
        return ModelConfig.defaults(type, (int) stats.users(), (int) stats.items(), (int) stats.categories());
    }

    @Test
    void gpuBatchesAreTheHostPipelinesRows() {
        try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null);
             ResidentSequences store = ResidentSequences.open(dataset, gpu, config(ModelType.SIM), "train", "test")
                     .orElseThrow();
             ResidentSequences.Inputs inputs = store.inputs()) {
            for (String mapping : List.of("train", "test")) {
                int[][] host = hostColumns(mapping);
                int rows = store.rows(mapping);
                assertThat(host[0]).hasSize(rows);
                int l = config(ModelType.SIM).historyLength();
                for (int[] shape : new int[][] {{0, 1, 4096}, {0, 1, rows}, {1, 2, 1000}, {3, 4, 777}}) {
                    for (long from = shape[0]; from < rows; from += (long) shape[2] * shape[1]) {
                        int stride = shape[1];
                        int n = (int) Math.min(shape[2], (rows - from + stride - 1) / stride);
                        ModelInput in = inputs.batch(mapping, from, stride, n);
                        int[][] got = {ints(gpu.toFloats(in.label())), gpu.toInts(in.uid()),
                                gpu.toInts(in.targetItem()), gpu.toInts(in.targetCategory()),
                                gpu.toInts(in.historyItems()), gpu.toInts(in.historyCategories()),
                                gpu.toInts(in.negativeItems()), gpu.toInts(in.negativeCategories())};
                        for (int c = 0; c < got.length; c++) {
                            int width = c < 4 ? 1 : l;
                            int[] want = new int[n * width];
                            for (int i = 0; i < n; i++) {
                                System.arraycopy(host[c], (int) (from + (long) i * stride) * width, want, i * width,
                                        width);
                            }
                            // Arrays.equals, not containsExactly: AssertJ's diff of two long arrays is quadratic.
                            if (!Arrays.equals(got[c], want)) {
                                throw new AssertionError(mapping + " column " + (c + 1) + " rows " + from + " + i * "
                                        + stride + ": " + firstMismatches(got[c], want));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void trainingOnGpuBuiltRowsGivesTheHostInputsBits() {
        float[][][] weights = new float[2][][];
        Metrics[] metrics = new Metrics[2];
        for (int run = 0; run < 2; run++) {
            try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
                CtrModel model = Models.create(config(ModelType.SIM), gpu, 3);
                Trainer trainer = new Trainer(model, Optimizers.create("adam", 0.01, 0));
                ResidentSequences store = run == 1
                        ? ResidentSequences.open(dataset, gpu, model.config(), "train", "test").orElseThrow() : null;
                trainer.residentInput(store);
                trainer.trainEpoch(dataset, "train", 1024, false, 1, 0, null, 1, null);
                metrics[run] = ModelEvaluation.evaluate(model, dataset, "test", 500, new Evaluator(), null, store)
                        .metrics();
                List<Parameter> ps = model.parameters().all();
                weights[run] = new float[ps.size()][];
                for (int k = 0; k < ps.size(); k++) {
                    weights[run][k] = gpu.toFloats(ps.get(k).value());
                }
                trainer.residentInput(null);
                if (store != null) {
                    store.close();
                }
            }
        }
        System.out.println("[sim4j] resident vs host input on the GPU: test AUC " + metrics[1].exactAuc() + " vs "
                + metrics[0].exactAuc());
        for (int k = 0; k < weights[0].length; k++) {
            assertThat(Arrays.equals(weights[1][k], weights[0][k])).as("parameter " + k + " bit for bit").isTrue();
        }
        assertThat(metrics[1]).isEqualTo(metrics[0]);
    }

    private static String firstMismatches(int[] got, int[] want) {
        StringBuilder b = new StringBuilder("lengths " + got.length + " / " + want.length);
        int shown = 0;
        for (int i = 0; i < Math.min(got.length, want.length) && shown < 10; i++) {
            if (got[i] != want[i]) {
                b.append("; [").append(i).append("] ").append(got[i]).append(" != ").append(want[i]);
                shown++;
            }
        }
        return b.toString();
    }

    private static int[] ints(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** Every row of a mapping from the host pipeline, the eight columns concatenated over rows. */
    private static int[][] hostColumns(String mapping) {
        int[][] cols = new int[8][0];
        try (BatchPipeline p = dataset.batches(mapping, BatchOptions.of(4096).dropRemainder(false))) {
            while (p.hasNext()) {
                Batch b = p.next();
                int l = b.historyLength();
                int n = b.size();
                int[][] add = {Arrays.copyOf(b.label(), n), Arrays.copyOf(b.user()[0], n),
                        Arrays.copyOf(b.targetItem()[0], n), Arrays.copyOf(b.targetItem()[1], n),
                        Arrays.copyOf(b.positiveHistory()[0], n * l), Arrays.copyOf(b.positiveHistory()[1], n * l),
                        Arrays.copyOf(b.negativeHistory()[0], n * l), Arrays.copyOf(b.negativeHistory()[1], n * l)};
                for (int c = 0; c < 8; c++) {
                    int[] grown = Arrays.copyOf(cols[c], cols[c].length + add[c].length);
                    System.arraycopy(add[c], 0, grown, cols[c].length, add[c].length);
                    cols[c] = grown;
                }
            }
        }
        return cols;
    }
}
