package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ForwardPass;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelOutput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.model.testing.TestBatches;
import dev.sim4j.train.Trainer;
import dev.sim4j.train.optim.Optimizers;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CUDA backend against the CPU backend on whole models (issue 10's parity bar), float32 with TF32 off, from the
 * same weights and batch: logits within 1e-5 absolute, every gradient within ||g_gpu - g_cpu|| <= 1e-4 ||g_cpu|| +
 * 1e-7; and two GPU training runs with the same seed give bit-identical weights.
 */
class CudaModelParityTest {
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

    static ModelConfig config(ModelType type) {
        return ModelConfig.defaults(type, 500, 3000, 60);
    }

    static int[] lengths(int rows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] l = new int[rows];
        for (int i = 0; i < rows; i++) {
            l[i] = rnd.nextInt(101);
        }
        return l;
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void logitsAndGradientsMatchTheCpu(ModelType type) {
        ModelConfig c = config(type);
        int[] lengths = lengths(517, 3);
        try (CpuBackend cpu = new CpuBackend(2); CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
            CtrModel mc = Models.create(c, cpu, 7);
            CtrModel mg = Models.create(c, gpu, 7);
            ModelOutput oc = forwardBackward(mc, cpu, TestBatches.create(cpu, c, 11, lengths));
            ModelOutput og = forwardBackward(mg, gpu, TestBatches.create(gpu, c, 11, lengths));
            float[] lc = cpu.toFloats(oc.logit());
            float[] lg = gpu.toFloats(og.logit());
            double worst = 0;
            for (int i = 0; i < lc.length; i++) {
                worst = Math.max(worst, Math.abs(lc[i] - lg[i]));
            }
            System.out.printf("[sim4j] %s parity: max |logit difference| %.3g%n", type, worst);
            assertThat(worst).as(type + " logits").isLessThanOrEqualTo(1e-5);
            float[] losses = cpu.toFloats(oc.losses());
            float[] gpuLosses = gpu.toFloats(og.losses());
            for (int k = 0; k < losses.length; k++) {
                assertThat((double) gpuLosses[k]).as(type + " loss " + k).isCloseTo(losses[k],
                        org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(losses[k]))));
            }
            List<Parameter> pc = mc.parameters().all();
            List<Parameter> pg = mg.parameters().all();
            assertThat(pg).hasSameSizeAs(pc);
            double worstRatio = 0;
            for (int k = 0; k < pc.size(); k++) {
                float[] a = cpu.toFloats(pc.get(k).grad());
                float[] b = gpu.toFloats(pg.get(k).grad());
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < a.length; i++) {
                    diff += (double) (a[i] - b[i]) * (a[i] - b[i]);
                    norm += (double) a[i] * a[i];
                }
                double allowed = 1e-4 * Math.sqrt(norm) + 1e-7;
                worstRatio = Math.max(worstRatio, Math.sqrt(diff) / allowed);
                assertThat(Math.sqrt(diff)).as(type + " gradient " + pc.get(k).name()).isLessThanOrEqualTo(allowed);
            }
            System.out.printf("[sim4j] %s parity: worst gradient error %.3g of the allowance%n", type, worstRatio);
        }
    }

    private static ModelOutput forwardBackward(CtrModel m, Backend be, ModelInput in) {
        ModelOutput out = m.forward(in, ForwardPass.whole(be.zeros(DType.I32, 1)));
        m.backward();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim:adam", "sim:lazy_adam", "dien:adam", "din:adam"})
    void twoGpuRunsGiveBitIdenticalWeights(String spec) {
        ModelType type = ModelType.valueOf(spec.substring(0, spec.indexOf(':')).toUpperCase(java.util.Locale.ROOT));
        String optimizer = spec.substring(spec.indexOf(':') + 1);
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            try (CudaBackend gpu = new CudaBackend(libs, 0, true, false, null)) {
                ModelConfig c = config(type);
                CtrModel m = Models.create(c, gpu, 5);
                Trainer trainer = new Trainer(m, Optimizers.create(optimizer, 0.01, 0), 256);
                for (int step = 0; step < 3; step++) {
                    trainer.step(TestBatches.create(gpu, c, 100 + step, lengths(700, step)));
                }
                List<Parameter> ps = m.parameters().all();
                float[][] weights = new float[ps.size()][];
                for (int k = 0; k < ps.size(); k++) {
                    weights[k] = gpu.toFloats(ps.get(k).value());
                }
                if (first == null) {
                    first = weights;
                } else {
                    for (int k = 0; k < ps.size(); k++) {
                        assertThat(Arrays.equals(first[k], weights[k])).as(spec + " " + ps.get(k).name()
                                + " identical across runs").isTrue();
                    }
                }
            }
        }
    }
}
