package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ForwardPass;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.model.testing.TestBatches;
import dev.sim4j.train.Scorer;
import dev.sim4j.train.Trainer;
import dev.sim4j.train.optim.LossScaleOptimizer;
import dev.sim4j.train.optim.Optimizer;
import dev.sim4j.train.optim.Optimizers;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training and scoring with 16-bit activations (--amp: bfloat16, or float16 with dynamic loss scaling): every
 * activation of SIM, DIEN and DIN is 16-bit (a float32 activation beside a 16-bit one is refused by the kernels, so a
 * layer left out fails here), parameters, optimizer state, the scoring layer and the losses float32. Two runs with the
 * same seed, one eager and one recorded as CUDA graphs, give the same losses and weights bit for bit; the losses stay
 * close to the float32 run's from the same weights and batches, and every parameter's gradient to the float32
 * gradient (for float16, computed with the loss scale and divided by it again, as training does).
 */
class CudaMixedPrecisionTrainingTest {
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

    private record Run(float[][] losses, float[][] weights, float lossScale) {
    }

    /** The 16-bit type a spec asks for: float16 with "fp16" among its parts, else bfloat16. */
    private static DType half(String spec) {
        return List.of(spec.split(":")).contains("fp16") ? DType.F16 : DType.BF16;
    }

    private static Run train(ModelConfig c, String optimizer, DType activations, boolean record, int steps) {
        int rows = 300;
        try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null, activations)) {
            CtrModel m = Models.create(c, gpu, 21);
            List<Parameter> ps = m.parameters().all();
            Optimizer o = LossScaleOptimizer.whereNeeded(Optimizers.create(optimizer, 0.01, 0), gpu);
            Trainer trainer = new Trainer(m, o, 512).recordSteps(record);
            float[][] losses = new float[steps][];
            for (int step = 0; step < steps; step++) {
                int[] lengths = new int[rows];
                for (int i = 0; i < rows; i++) {
                    lengths[i] = new SplittableRandom(100 + step * 1000L + i).nextInt(101);
                }
                ModelInput batch = TestBatches.create(gpu, c, 300 + step, lengths);
                losses[step] = gpu.toFloats(trainer.step(batch).losses());
            }
            float[][] weights = new float[ps.size()][];
            for (int k = 0; k < ps.size(); k++) {
                assertThat(ps.get(k).value().dtype()).as("parameters stay float32").isEqualTo(DType.F32);
                weights[k] = gpu.toFloats(ps.get(k).value());
            }
            float scale = o instanceof LossScaleOptimizer ls ? gpu.toFloats(ls.scale(m.parameters()))[0] : Float.NaN;
            return new Run(losses, weights, scale);
        }
    }

    private static ModelConfig config(String spec) {
        List<String> parts = List.of(spec.split(":"));
        ModelType type = ModelType.valueOf(parts.get(0).toUpperCase(java.util.Locale.ROOT));
        ModelConfig d = ModelConfig.defaults(type, 500, 3000, 60);
        return new ModelConfig(type, d.embeddingDim(), d.stageOneMlp(), d.stageTwoMlp(), d.auxMlp(),
                d.longLength(), d.topK(), d.historyLength(), parts.contains("dropout") ? 0.2 : d.dropout(),
                d.augruForm(), d.users(), d.items(), d.categories());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim:adam", "sim:lazy_adam:dropout", "dien:adam", "din:lazy_adam", "sim:adam:fp16",
            "sim:lazy_adam:dropout:fp16", "dien:adam:fp16", "din:lazy_adam:fp16"})
    void mixedPrecisionTrainingIsDeterministicAndCloseToFloat32(String spec) {
        ModelConfig c = config(spec);
        String optimizer = spec.split(":")[1];
        int steps = 6;
        Run eager = train(c, optimizer, half(spec), false, steps);
        Run recorded = train(c, optimizer, half(spec), true, steps);
        Run wide = train(c, optimizer, DType.F32, false, steps);
        for (int s = 0; s < steps; s++) {
            CudaTwins.sameBits(recorded.losses()[s], eager.losses()[s], spec + " losses of step " + (s + 1));
        }
        for (int k = 0; k < eager.weights().length; k++) {
            CudaTwins.sameBits(recorded.weights()[k], eager.weights()[k], spec + " parameter " + k);
        }
        double worstLoss = 0;
        for (int s = 0; s < steps; s++) {
            for (int j = 0; j < eager.losses()[s].length; j++) {
                double a = eager.losses()[s][j];
                double b = wide.losses()[s][j];
                assertThat(Double.isFinite(a)).as(spec + " loss finite").isTrue();
                double rel = Math.abs(a - b) / Math.max(1e-3, Math.abs(b));
                worstLoss = Math.max(worstLoss, rel);
            }
        }
        System.out.printf("[sim4j] %s with %s activations: %d steps, eager = graphs bit for bit; losses within "
                + "%.2e (relative) of float32; loss scale %s%n", spec, half(spec), steps, worstLoss, eager.lossScale());
        if (half(spec) == DType.F16) {
            // Keras' initial 2^15 held: no step of these overflowed (a skipped step would have halved it).
            assertThat(eager.lossScale()).isEqualTo(LossScaleOptimizer.INITIAL_SCALE);
            assertThat(recorded.lossScale()).isEqualTo(LossScaleOptimizer.INITIAL_SCALE);
        }
        // bfloat16 keeps 8 bits of significand: per-step losses agree to about 1e-2. (The weights are not compared:
        // Adam moves every weight by about lr whatever its gradient's size, so tiny gradients of either sign make
        // the two runs' weights part by a large share of the distance trained within a few steps, as on the CPU
        // against the GPU in float32; the gradients below are the exact check of each layer.)
        assertThat(worstLoss).as(spec + " losses against float32").isLessThan(2e-2);
    }

    /**
     * Every parameter's gradient from the same weights and batch in float32, bfloat16 and float16 (the last with the
     * loss scale, divided again as training does). Both 16-bit builds come from one kernel source, so a backward
     * that drops or mixes up a term is off in both, by the terms' size; what tells them apart is precision alone.
     * float16 (11 significand bits): each gradient within 20 % of its size, or of a tenth of its layer's largest
     * where that is larger (see {@link #relativeError}). bfloat16 (8 bits): the same bar, or, where rounding makes a
     * tensor's gradient a difference of far larger terms (the DIEN attention unit), below 90 % of its layer's largest
     * gradient: float16's tighter bar covers the shared source, and this one a gradient missing or unrelated.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sim", "dien", "din"})
    void mixedPrecisionGradientsAreCloseToFloat32GradientsInEveryLayer(String name) {
        ModelConfig c = config(name);
        int[] lengths = new int[517];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = new SplittableRandom(3 + i).nextInt(101);
        }
        DType[] types = {DType.F32, DType.BF16, DType.F16};
        float[][][] grads = new float[types.length][][];
        String[] names = null;
        for (int r = 0; r < types.length; r++) {
            try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null, types[r])) {
                CtrModel m = Models.create(c, gpu, 7);
                // float16 trains with a loss scale: the losses' gradients times 2^15, the parameters' divided again.
                Tensor scale = null;
                if (types[r] == DType.F16) {
                    scale = gpu.zeros(DType.F32, 1);
                    gpu.write(scale, new float[] {LossScaleOptimizer.INITIAL_SCALE});
                }
                m.forward(TestBatches.create(gpu, c, 11, lengths), ForwardPass.whole(gpu.zeros(DType.I32, 1), scale));
                m.backward();
                if (scale != null) {
                    Tensor finite = gpu.upload(new int[] {1}, 1);
                    for (Parameter p : m.parameters().all()) {
                        gpu.unscaleGradients(p.grad(), scale, finite);
                    }
                    assertThat(gpu.toInts(finite)).as("no gradient overflowed").containsExactly(1);
                }
                List<Parameter> ps = m.parameters().all();
                grads[r] = new float[ps.size()][];
                names = new String[ps.size()];
                for (int k = 0; k < ps.size(); k++) {
                    assertThat(ps.get(k).grad().dtype()).as("gradients stay float32").isEqualTo(DType.F32);
                    grads[r][k] = gpu.toFloats(ps.get(k).grad());
                    names[k] = ps.get(k).name();
                }
            }
        }
        double[] norms = new double[names.length];
        double[][] errors = new double[types.length][names.length];
        for (int k = 0; k < names.length; k++) {
            norms[k] = distance(grads[0][k], new float[grads[0][k].length]);
            for (int r = 1; r < types.length; r++) {
                errors[r][k] = distance(grads[0][k], grads[r][k]);
            }
        }
        for (int r = 1; r < types.length; r++) {
            double worst = 0;
            String worstName = "";
            for (int k = 0; k < names.length; k++) {
                double rel = relativeError(errors[r][k], k, names, norms);
                if (rel > worst) {
                    worst = rel;
                    worstName = names[k];
                }
                if (errors[r][k] > 0.1 * norms[k]) {
                    System.out.printf("[sim4j] %s %s %s: gradient %.2e of its size (float16 %.2e)%n", name, types[r],
                            names[k], errors[r][k] / norms[k], errors[2][k] / norms[k]);
                }
                String what = name + " " + types[r] + " gradient of " + names[k] + " against float32";
                if (types[r] == DType.F16 || rel < 0.2) {
                    // Measured on the H200: up to 15 % (stage_two_mlp.dense_1.bias in bfloat16) for the tensors
                    // whose size is their layer's largest; the user table 5.0e-2 to 7.7e-2.
                    assertThat(rel).as(what).isLessThan(0.2);
                } else {
                    // bfloat16 where rounding cancels: the DIEN attention unit, whose score gradients sum to zero
                    // along time (measured on the H200: its score layer's kernel 73 % of its size in DIEN, 85 % of
                    // a tenth of the layer's largest in SIM, while float16 stays within 20 % of that; the score
                    // layer's bias has an exactly zero gradient, as a softmax ignores a constant added to every
                    // score, so both runs' are rounding). A known gap of bfloat16 (docs/gpu.md): here only a gradient
                    // that is missing (error 1) or unrelated (about 1.4) fails.
                    assertThat(errors[r][k] / Math.max(norms[k], 10 * floorOf(k, names, norms)))
                            .as(what + " (against its layer's largest gradient)").isLessThan(0.9);
                }
            }
            System.out.printf("[sim4j] %s gradients with %s activations: worst relative error %.2e (%s)%n", name,
                    types[r], worst, worstName);
        }
    }

    private static double distance(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double x = (double) a[i] - b[i];
            d += x * x;
        }
        return Math.sqrt(d);
    }

    /**
     * A gradient's error over its own size, or over a tenth of the largest gradient of its layer (the name's first
     * two parts: dien.attention, stage_two_mlp.dense_1) where that is larger: the attention unit's softmax over time
     * makes its score gradients sum to zero along time, so the gradients of what does not vary along time (the
     * query's kernel and bias, the first layer's bias) are differences of far larger terms, and 16-bit activations
     * move them by a large share of their small size (measured on the H200: 23-42 % of their size, at 0.7-3.4 % of
     * their layer's largest). Reductions over every element (biases, PReLU alphas) cancel too.
     */
    private static double relativeError(double error, int k, String[] names, double[] norms) {
        return error / Math.max(Math.max(norms[k], floorOf(k, names, norms)), 1e-12);
    }

    /** A tenth of the largest gradient of parameter k's layer. */
    private static double floorOf(int k, String[] names, double[] norms) {
        double floor = 0;
        for (int j = 0; j < names.length; j++) {
            if (layerOf(names[j]).equals(layerOf(names[k]))) {
                floor = Math.max(floor, norms[j] / 10);
            }
        }
        return floor;
    }

    /** A parameter's layer: its name's first two parts (dien.attention.query.kernel: dien.attention). */
    private static String layerOf(String parameter) {
        String[] parts = parameter.split("\\.");
        return parts.length <= 2 ? parts[0] : parts[0] + "." + parts[1];
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "dien", "din", "sim:fp16", "dien:fp16", "din:fp16"})
    void mixedPrecisionScoresAreCloseToFloat32Scores(String name) {
        ModelConfig c = config(name);
        int rows = 257;
        int[] lengths = new int[rows];
        for (int i = 0; i < rows; i++) {
            lengths[i] = (i * 37) % 101;
        }
        float[][] scores = new float[2][];
        DType[] types = {DType.F32, half(name)};
        for (int k = 0; k < 2; k++) {
            try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null, types[k])) {
                CtrModel m = Models.create(c, gpu, 8);
                try (Scorer scorer = new Scorer(m)) {
                    ModelInput in = TestBatches.create(gpu, c, 900, lengths);
                    float[] a = gpu.toFloats(scorer.score(in));
                    float[] b = gpu.toFloats(scorer.score(in));
                    CudaTwins.sameBits(b, a, name + " scores twice");
                    scores[k] = a;
                }
            }
        }
        double worst = 0;
        for (int i = 0; i < rows; i++) {
            double p = 1 / (1 + Math.exp(-scores[0][i]));
            double q = 1 / (1 + Math.exp(-scores[1][i]));
            worst = Math.max(worst, Math.abs(p - q));
        }
        System.out.printf("[sim4j] %s scores with %s activations: largest probability difference %.2e%n", name,
                types[1], worst);
        assertThat(worst).as(name + " probabilities against float32").isLessThan(1e-2);
    }
}
