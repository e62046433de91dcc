package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.layers.AugruForm;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.optim.Optimizers;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The memory estimate against what a step really holds. The CPU backend keeps every temporary of a pass for reuse
 * once the pass ends (ADR 0005), so the heap still live after a first step on a fresh backend, measured after a full
 * collection, is what the step held at its peak, less short-lived garbage (the Vector API's boxes before the JIT
 * removes them, scratch arrays of the kernels), which the estimate bounds separately. Counting allocated bytes
 * instead does not work: before C2 compiles the kernels the Vector API allocates many times the step's data in boxes.
 */
class StepMemoryTest {
    private static final MemoryMXBean HEAP = ManagementFactory.getMemoryMXBean();

    /** Heap in use after a full collection. */
    private static long liveHeap() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return HEAP.getHeapMemoryUsage().getUsed();
    }

    private static ModelInput batch(Backend be, ModelConfig c, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int t = c.historyLength();
        int[] uid = new int[n];
        int[] item = new int[n];
        int[] cat = new int[n];
        int[][] history = new int[4][n * t];
        float[] label = new float[n];
        for (int r = 0; r < n; r++) {
            uid[r] = 1 + rng.nextInt(c.users());
            item[r] = 1 + rng.nextInt(c.items());
            cat[r] = 1 + rng.nextInt(c.categories());
            label[r] = rng.nextInt(2);
            // histories of every length, so the padding-skipping kernels see both padding and full rows
            for (int p = t - 1 - rng.nextInt(t); p < t; p++) {
                history[0][r * t + p] = 1 + rng.nextInt(c.items());
                history[1][r * t + p] = 1 + rng.nextInt(c.categories());
                history[2][r * t + p] = 1 + rng.nextInt(c.items());
                history[3][r * t + p] = 1 + rng.nextInt(c.categories());
            }
        }
        return new ModelInput(be.upload(uid, n), be.upload(item, n), be.upload(cat, n), be.upload(history[0], n, t),
                be.upload(history[1], n, t), be.upload(history[2], n, t), be.upload(history[3], n, t),
                be.upload(label, n));
    }

    /** Bytes a first training step of {@code rows} rows in passes of {@code pass} leaves live. */
    private static long measuredStep(ModelConfig c, String optimizer, int rows, int pass) {
        try (CpuBackend be = new CpuBackend(1)) {
            CtrModel model = Models.create(c, be, 1);
            Trainer trainer = new Trainer(model, Optimizers.create(optimizer, 0.01, 0), pass);
            ModelInput input = batch(be, c, rows, 3);
            long before = liveHeap();
            trainer.step(input);
            long after = liveHeap();
            Reference.reachabilityFence(trainer);
            Reference.reachabilityFence(input);
            return after - before;
        }
    }

    /** Bytes a first prediction of {@code rows} rows leaves live. */
    private static long measuredPrediction(ModelConfig c, int rows) {
        try (CpuBackend be = new CpuBackend(1)) {
            CtrModel model = Models.create(c, be, 1);
            ModelInput input = batch(be, c, rows, 3);
            long before = liveHeap();
            try (TensorScope scope = be.openScope()) {
                be.toFloats(model.predict(input));
            }
            long after = liveHeap();
            Reference.reachabilityFence(model);
            Reference.reachabilityFence(input);
            return after - before;
        }
    }

    private static ModelConfig config(String model) {
        return ModelConfig.defaults(ModelType.valueOf(model), 500, 3000, 40);
    }

    @ParameterizedTest(name = "{0} at {1} rows in passes of {2}")
    @CsvSource({"SIM, 48, 48", "SIM, 192, 192", "DIEN, 48, 48", "DIEN, 192, 192", "DIN, 48, 48", "DIN, 192, 192",
            // passes of 33 and 34 rows: recycled arrays match by exact length, so both sizes keep a set
            "SIM, 100, 40", "DIN, 100, 40"})
    void aTrainingStepsTemporariesAreBoundedByTheEstimateWithinTwice(String model, int rows, int pass) {
        ModelConfig c = config(model);
        StepMemory.Breakdown b = StepMemory.training(c, "adam", rows, pass, 0, 0).breakdown(Runtime.getRuntime().maxMemory());
        double estimate = b.activations() + b.other();
        long measured = measuredStep(c, "adam", rows, pass);
        System.out.printf("StepMemoryTest: %s train %d rows (passes of %d): measured %,d B (%,.0f per row), "
                + "estimated %,.0f B, ratio %.3f%n", model, rows, pass, measured, (double) measured / rows, estimate,
                estimate / measured);
        assertThat(estimate).isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(2.0 * measured);
    }

    @ParameterizedTest(name = "{0} at {1} rows")
    @CsvSource({"SIM, 48", "SIM, 192", "DIEN, 48", "DIEN, 192", "DIN, 48", "DIN, 192"})
    void aPredictionsTemporariesAreBoundedByTheEstimateWithinTwice(String model, int rows) {
        ModelConfig c = config(model);
        StepMemory.Breakdown b = StepMemory.benchmark(c, null, false, rows, rows, 1).breakdown(Runtime.getRuntime().maxMemory());
        double estimate = b.activations() + b.other();
        long measured = measuredPrediction(c, rows);
        System.out.printf("StepMemoryTest: %s predict %d rows: measured %,d B, estimated %,.0f B, ratio %.3f%n",
                model, rows, measured, estimate, estimate / measured);
        assertThat(estimate).isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(2.0 * measured);
    }

    @Test
    void theEvaluationAfterAnEpochAddsASetOfTemporariesPerBatchSize() {
        // A mapping of 136 rows scored in batches of 96 after a training step of 64 rows: the backend keeps the
        // step's temporaries and those of both evaluation batch sizes.
        ModelConfig c = config("SIM");
        long measured;
        try (CpuBackend be = new CpuBackend(1)) {
            CtrModel model = Models.create(c, be, 1);
            Trainer trainer = new Trainer(model, Optimizers.create("adam", 0.01, 0), 64);
            ModelInput step = batch(be, c, 64, 3);
            List<ModelInput> scored = List.of(batch(be, c, 96, 4), batch(be, c, 40, 5));
            long before = liveHeap();
            trainer.step(step);
            for (ModelInput in : scored) {
                try (TensorScope scope = be.openScope()) {
                    be.toFloats(model.predict(in));
                }
            }
            measured = liveHeap() - before;
            Reference.reachabilityFence(trainer);
            Reference.reachabilityFence(step);
            Reference.reachabilityFence(scored);
        }
        assertThat(StepMemory.batchSizes(96, new long[] {136})).containsExactly(40, 96);
        StepMemory.Breakdown b = StepMemory.training(c, "adam", 64, 64, 96, 136)
                .breakdown(Runtime.getRuntime().maxMemory());
        double estimate = b.activations() + b.other();
        System.out.printf("StepMemoryTest: SIM train 64 rows, then scoring 96 + 40: measured %,d B, estimated %,.0f B,"
                + " ratio %.3f%n", measured, estimate, estimate / measured);
        assertThat(estimate).isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(2.0 * measured);
    }

    @Test
    void aTrainingRunsEstimateCountsTheMappingsItEvaluates(@TempDir Path tmp) {
        Dataset ds = Dataset.open(BatchTensorsTest.dataset(tmp.resolve("ds"), 230, 100));
        ModelConfig c = ModelConfig.defaults(ModelType.DIN, 50, 300, 7);
        TrainingOptions withTrain = new TrainingOptions(1, 64, 96, 0.01, "adam", 0, 1, tmp, tmp, true, false);
        TrainingOptions testOnly = new TrainingOptions(1, 64, 96, 0.01, "adam", 0, 1, tmp, tmp, false, false);
        long limit = 1L << 32;
        assertThat(StepMemory.training(c, withTrain, ds).breakdown(limit))
                .isEqualTo(StepMemory.training(c, "adam", 64, Trainer.DEFAULT_MICRO_BATCH, 96, 230, 230)
                        .breakdown(limit));
        assertThat(StepMemory.training(c, testOnly, ds).breakdown(limit))
                .isEqualTo(StepMemory.training(c, "adam", 64, Trainer.DEFAULT_MICRO_BATCH, 96, 230).breakdown(limit));
    }

    @Test
    void batchSizesOfScoringMappings() {
        assertThat(StepMemory.batchSizes(8192, new long[] {190_188, 2_980})).containsExactly(1_772, 2_980, 8_192);
        assertThat(StepMemory.batchSizes(100, new long[] {300, 0})).containsExactly(100);
        assertThat(StepMemory.batchSizes(100, new long[0])).containsExactly(100);
    }

    @Test
    void otherSizesAndDropoutStayBoundedToo() {
        for (ModelType type : ModelType.values()) {
            ModelConfig c = new ModelConfig(type, 8, List.of(30, 20), List.of(40), List.of(12, 9, 5), 20, 7, 27,
                    0.3, AugruForm.PAPER, 40, 100, 9);
            StepMemory.Breakdown b = StepMemory.training(c, "sgd", 64, 64, 0, 0).breakdown(Runtime.getRuntime().maxMemory());
            long measured = measuredStep(c, "sgd", 64, 64);
            assertThat(b.activations() + b.other()).as("%s", type).isGreaterThanOrEqualTo(measured)
                    .isLessThanOrEqualTo(2.0 * measured);
        }
    }

    @Test
    void theParameterCountIsTheModelsExactly() {
        List<ModelConfig> configs = List.of(config("SIM"), config("DIEN"), config("DIN"),
                new ModelConfig(ModelType.SIM, 8, List.of(30, 20), List.of(40), List.of(12, 9, 5), 20, 7, 27, 0.3,
                        AugruForm.PAPER, 40, 100, 9),
                new ModelConfig(ModelType.DIEN, 4, List.of(), List.of(), List.of(6), 3, 2, 5, -1, AugruForm.CODE, 1,
                        1, 1));
        try (CpuBackend be = new CpuBackend(1)) {
            for (ModelConfig c : configs) {
                long actual = Models.create(c, be, 1).parameters().all().stream().mapToLong(Parameter::size).sum();
                assertThat(StepMemory.parameterFloats(c)).as("%s", c).isEqualTo((double) actual);
            }
        }
    }

    @Test
    void adamKeepsTwoMomentsPerParameterSgdNone() {
        ModelConfig c = config("DIEN");
        double p = StepMemory.parameterFloats(c) * 4;
        assertThat(StepMemory.training(c, "adam", 64, 64, 0, 0).breakdown(1L << 32).optimizerState()).isEqualTo(2 * p);
        assertThat(StepMemory.training(c, "lazy_adam", 64, 64, 0, 0).breakdown(1L << 32).optimizerState()).isEqualTo(2 * p);
        assertThat(StepMemory.training(c, "sgd", 64, 64, 0, 0).breakdown(1L << 32).optimizerState()).isZero();
        // micro-batches add the gradient sums
        assertThat(StepMemory.training(c, "sgd", 64, 32, 0, 0).breakdown(1L << 32).gradients()).isEqualTo(2 * p);
    }

    @Test
    void tooLargeARunIsRefusedWithTheFiguresAndTheFix() {
        // The reference's SIM step at a global batch of 131,072 in passes of 4,096 rows, on the Books-size synthetic
        // data (docs/training.md), with the test mapping evaluated in batches of 8,192.
        ModelConfig books = ModelConfig.defaults(ModelType.SIM, 105_547, 1_920_124, 2_332);
        StepMemory run = StepMemory.training(books, "adam", 131_072, 4096, 8192, 1_000_000);
        long need = run.heapBytes();
        run.requireFits(need);
        long heap = (long) (need * 0.8);
        int fitting = run.largestFitting(heap);
        assertThat(fitting).isBetween(1, 2048);
        assertThatThrownBy(() -> run.requireFits(heap)).isInstanceOf(InsufficientMemoryException.class)
                .hasMessageStartingWith("Training needs about ")
                .hasMessageContaining("sim, adam, batch 131,072 in passes of 4,096 rows, evaluation batch 8,192")
                .hasMessageContaining("activations ")
                .hasMessageContaining("SIM4J_JAVA_OPTS=-Xmx" + (long) Math.ceil(need / (double) (1L << 30)) + "g")
                .hasMessageEndingWith("or lower --micro-batch-size to " + fitting + ".");
        assertThat(StepMemory.training(books, "adam", 131_072, fitting, 8192, 1_000_000).heapBytes())
                .isLessThanOrEqualTo(heap);
        assertThat(StepMemory.training(books, "adam", 131_072, 2 * fitting, 8192, 1_000_000).heapBytes())
                .isGreaterThan(heap);

        // When the evaluation after the epoch is what does not fit, the evaluation batch has to come down too.
        long tight = (long) (need * 0.6);
        assertThat(run.largestFitting(tight)).isZero();
        assertThatThrownBy(() -> run.requireFits(tight))
                .hasMessageEndingWith("or lower --micro-batch-size and --eval-batch-size to "
                        + run.largestFittingWithEvaluation(tight) + ".");

        // Smaller than the parameters alone: only more heap helps.
        assertThatThrownBy(() -> run.requireFits(64L << 20)).isInstanceOf(InsufficientMemoryException.class)
                .hasMessageEndingWith("-Xmx" + (long) Math.ceil(need / (double) (1L << 30)) + "g.");
        assertThatThrownBy(() -> StepMemory.evaluation(books, 1 << 20, 1_000_000).requireFits(heap))
                .hasMessageStartingWith("Evaluation needs about ").hasMessageContaining("or lower --batch-size to ");
    }

    @Test
    void sizesThatOverflowAnIntOrALongAreRefusedNotWrapped() {
        ModelConfig huge = new ModelConfig(ModelType.SIM, 1_000_000, List.of(200), List.of(200, 80),
                List.of(100, 50), 90, 50, 100, -1, AugruForm.CODE, 600_000, 400_000, 1_600);
        StepMemory run = StepMemory.training(huge, "adam", 131_072, 4096, 8192, 0);
        assertThat(run.heapBytes()).isGreaterThan(1L << 50);
        assertThatThrownBy(run::requireFits).isInstanceOf(InsufficientMemoryException.class);
    }
}
