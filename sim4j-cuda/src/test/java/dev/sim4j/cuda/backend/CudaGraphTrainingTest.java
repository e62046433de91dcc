package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.model.testing.TestBatches;
import dev.sim4j.train.Scorer;
import dev.sim4j.train.Trainer;
import dev.sim4j.train.optim.Optimizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training steps recorded as CUDA graphs and replayed give the same bits as the same steps run eagerly: two input
 * sets used in turn (as {@code BatchTensors} hands them out) are refilled with a new batch before every step, so a
 * replay that read stale inputs, missed an update of the step counters (Adam's, dropout's) or had its temporaries
 * overwritten by an ordinary tensor would part from the eager run. Tensors allocated between the steps must keep
 * their values through the replays.
 */
class CudaGraphTrainingTest {
    static CudaLibraries libs;

    @BeforeAll
    static void open() {
        libs = GpuTests.librariesOrSkip();
    }

    @AfterAll
    static void close() {
        if (libs != null) {
            libs.close();
        }
    }

    private static ModelInput emptyInput(CudaBackend gpu, int b, int t) {
        return new ModelInput(gpu.zeros(DType.I32, b), gpu.zeros(DType.I32, b), gpu.zeros(DType.I32, b),
                gpu.zeros(DType.I32, b, t), gpu.zeros(DType.I32, b, t), gpu.zeros(DType.I32, b, t),
                gpu.zeros(DType.I32, b, t), gpu.zeros(DType.F32, b));
    }

    private static void refill(CudaBackend gpu, ModelInput from, ModelInput to) {
        gpu.copy(from.uid(), to.uid());
        gpu.copy(from.targetItem(), to.targetItem());
        gpu.copy(from.targetCategory(), to.targetCategory());
        gpu.copy(from.historyItems(), to.historyItems());
        gpu.copy(from.historyCategories(), to.historyCategories());
        gpu.copy(from.negativeItems(), to.negativeItems());
        gpu.copy(from.negativeCategories(), to.negativeCategories());
        gpu.copy(from.label(), to.label());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim:adam", "sim:lazy_adam:dropout", "dien:adam", "din:lazy_adam"})
    void replayedStepsMatchEagerStepsBitForBit(String spec) {
        List<String> parts = List.of(spec.split(":"));
        ModelType type = ModelType.valueOf(parts.get(0).toUpperCase(java.util.Locale.ROOT));
        ModelConfig d = ModelConfig.defaults(type, 500, 3000, 60);
        ModelConfig c = new ModelConfig(type, d.embeddingDim(), d.stageOneMlp(), d.stageTwoMlp(), d.auxMlp(),
                d.longLength(), d.topK(), d.historyLength(), parts.contains("dropout") ? 0.2 : d.dropout(),
                d.augruForm(), d.users(), d.items(), d.categories());
        int rows = 300;
        int steps = 9;
        float[][] lossesEager = new float[steps][];
        float[][] lossesReplayed = new float[steps][];
        float[][][] weights = new float[2][][];
        for (int run = 0; run < 2; run++) {
            boolean record = run == 1;
            try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
                CtrModel m = Models.create(c, gpu, 21);
                Trainer trainer = new Trainer(m, Optimizers.create(parts.get(1), 0.01, 0), 512).recordSteps(record);
                ModelInput[] sets = {emptyInput(gpu, rows, c.historyLength()), emptyInput(gpu, rows, c.historyLength())};
                List<Tensor> bystanders = new ArrayList<>();
                SplittableRandom rnd = new SplittableRandom(5);
                for (int step = 0; step < steps; step++) {
                    int[] lengths = new int[rows];
                    for (int i = 0; i < rows; i++) {
                        lengths[i] = new SplittableRandom(100 + step * 1000L + i).nextInt(101);
                    }
                    ModelInput set = sets[step & 1];
                    refill(gpu, TestBatches.create(gpu, c, 300 + step, lengths), set);
                    float[] losses = gpu.toFloats(trainer.step(set).losses());
                    (record ? lossesReplayed : lossesEager)[step] = losses;
                    // Ordinary tensors of assorted sizes between the steps: the replays must leave them alone.
                    Tensor t = gpu.empty(DType.F32, 1 + rnd.nextInt(1 << 20));
                    gpu.fill(t, step);
                    bystanders.add(t);
                }
                assertThat(gpu.liveGraphs()).as(spec + ": steps recorded").isEqualTo(record ? 2 : 0);
                for (int k = 0; k < bystanders.size(); k++) {
                    float[] v = gpu.toFloats(bystanders.get(k));
                    float[] want = new float[v.length];
                    Arrays.fill(want, k);
                    assertThat(Arrays.equals(v, want)).as(spec + ": tensor made after step " + k + " kept").isTrue();
                }
                List<Parameter> ps = m.parameters().all();
                weights[run] = new float[ps.size()][];
                for (int k = 0; k < ps.size(); k++) {
                    weights[run][k] = gpu.toFloats(ps.get(k).value());
                }
            }
        }
        for (int step = 0; step < steps; step++) {
            CudaTwins.sameBits(lossesReplayed[step], lossesEager[step], spec + " losses of step " + (step + 1));
        }
        for (int k = 0; k < weights[0].length; k++) {
            CudaTwins.sameBits(weights[1][k], weights[0][k], spec + " parameter " + k);
        }
        System.out.printf("[sim4j] %s: %d steps (2 eager, 2 recorded, 5 replayed) bit-identical to eager steps%n",
                spec, steps);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "dien", "din"})
    void replayedScoringMatchesEagerScoring(String name) {
        ModelType type = ModelType.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        ModelConfig c = ModelConfig.defaults(type, 500, 3000, 60);
        int rows = 257;
        try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
            CtrModel m = Models.create(c, gpu, 8);
            ModelInput[] sets = {emptyInput(gpu, rows, c.historyLength()), emptyInput(gpu, rows, c.historyLength())};
            try (Scorer recorded = new Scorer(m); Scorer eager = new Scorer(m).record(false)) {
                for (int pass = 0; pass < 7; pass++) {
                    int[] lengths = new int[rows];
                    for (int i = 0; i < rows; i++) {
                        lengths[i] = (i * 37 + pass * 11) % 101;
                    }
                    ModelInput set = sets[pass & 1];
                    refill(gpu, TestBatches.create(gpu, c, 900 + pass, lengths), set);
                    float[] want = gpu.toFloats(eager.score(set));
                    CudaTwins.sameBits(gpu.toFloats(recorded.score(set)), want, name + " scores of pass " + (pass + 1));
                }
                assertThat(gpu.liveGraphs()).as(name + ": passes recorded").isEqualTo(2);
            }
            assertThat(gpu.liveGraphs()).as("closing the scorer frees them").isZero();
        }
    }
}
