package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelOutput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.optim.Adam;
import dev.sim4j.train.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Micro-batches give the whole batch's step; the step's scope recycles nothing that outlives it. */
class MicroBatchTest {
    private static final int BATCH = 48;

    private static ModelInput batch(Backend be, ModelConfig c, long seed) {
        return batch(be, c, seed, BATCH);
    }

    private static ModelInput batch(Backend be, ModelConfig c, long seed, int rows) {
        SplittableRandom rng = new SplittableRandom(seed);
        int t = c.historyLength();
        int[] uid = new int[rows];
        int[] item = new int[rows];
        int[] cat = new int[rows];
        int[] hi = new int[rows * t];
        int[] hc = new int[rows * t];
        int[] ni = new int[rows * t];
        int[] nc = new int[rows * t];
        float[] label = new float[rows];
        for (int r = 0; r < rows; r++) {
            uid[r] = 1 + rng.nextInt(c.users());
            item[r] = 1 + rng.nextInt(c.items());
            cat[r] = 1 + rng.nextInt(c.categories());
            label[r] = rng.nextInt(2);
            for (int p = t - 1 - rng.nextInt(t); p < t; p++) {
                hi[r * t + p] = 1 + rng.nextInt(c.items());
                hc[r * t + p] = 1 + rng.nextInt(c.categories());
                ni[r * t + p] = 1 + rng.nextInt(c.items());
                nc[r * t + p] = 1 + rng.nextInt(c.categories());
            }
        }
        return new ModelInput(be.upload(uid, rows), be.upload(item, rows), be.upload(cat, rows),
                be.upload(hi, rows, t), be.upload(hc, rows, t), be.upload(ni, rows, t), be.upload(nc, rows, t),
                be.upload(label, rows));
    }

    private static ModelConfig config() {
        return ModelConfig.defaults(ModelType.SIM, 30, 200, 12);
    }

    /**
     * Weights after three SGD steps on the same batches, the trainer splitting each into micro-batches. SGD, not Adam:
     * its update is proportional to the gradient, so a wrongly weighted micro-batch sum shows.
     */
    private static List<float[]> train(int microBatch, double[] lossOut) {
        try (CpuBackend be = new CpuBackend(2)) {
            CtrModel model = Models.create(config(), be, 5);
            Trainer trainer = new Trainer(model, new Sgd(1.0, 0), microBatch);
            for (int s = 0; s < 3; s++) {
                ModelOutput out = trainer.step(batch(be, config(), 100 + s));
                lossOut[s] = out.totalLoss();
            }
            List<float[]> w = new ArrayList<>();
            for (Parameter p : model.parameters().all()) {
                w.add(be.toFloats(p.value()));
            }
            return w;
        }
    }

    private static List<float[]> initial() {
        try (CpuBackend be = new CpuBackend(2)) {
            List<float[]> w = new ArrayList<>();
            for (Parameter p : Models.create(config(), be, 5).parameters().all()) {
                w.add(be.toFloats(p.value()));
            }
            return w;
        }
    }

    @Test
    void microBatchesGiveTheWholeBatchsStepUpToSummationOrder() {
        List<float[]> w0 = initial();
        double[] whole = new double[3];
        double[] equal = new double[3];
        double[] uneven = new double[3];
        List<float[]> a = train(BATCH, whole);
        List<float[]> b = train(16, equal);           // 3 parts of 16 rows
        List<float[]> c = train(20, new double[3]);   // also 3 parts of 16 rows (parts are as equal as possible)
        List<float[]> d = train(35, new double[3]);   // 2 parts of 24
        List<float[]> e = train(7, uneven);           // 7 parts of 6 or 7 rows: unequal weights
        for (int s = 0; s < 3; s++) {
            assertThat(equal[s]).isCloseTo(whole[s], within(1e-5 * Math.abs(whole[s])));
            assertThat(uneven[s]).isCloseTo(whole[s], within(1e-5 * Math.abs(whole[s])));
        }
        for (List<float[]> other : List.of(b, c, d, e)) {
            double maxDiff = 0;
            double maxMove = 0;
            for (int k = 0; k < a.size(); k++) {
                for (int i = 0; i < a.get(k).length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a.get(k)[i] - other.get(k)[i]));
                    maxMove = Math.max(maxMove, Math.abs(a.get(k)[i] - w0.get(k)[i]));
                }
            }
            // Float summation order differs; anything else (a micro-batch weighted 1/parts instead of rows/batch,
            // a gradient dropped or counted twice) moves weights by a sizeable part of a whole step.
            assertThat(maxMove).isGreaterThan(0.01);
            assertThat(maxDiff).isLessThan(1e-4 * maxMove);
        }
        // And the split itself is deterministic.
        assertThat(train(7, new double[3])).usingRecursiveComparison().isEqualTo(e);
    }

    /** Weights after steps on batches of {@code rows[i]} rows, split into micro-batches of at most {@code microBatch}. */
    private static List<float[]> train(int microBatch, int[] rows, double[] lossOut) {
        try (CpuBackend be = new CpuBackend(2)) {
            CtrModel model = Models.create(config(), be, 5);
            Trainer trainer = new Trainer(model, new Sgd(1.0, 0), microBatch);
            for (int s = 0; s < rows.length; s++) {
                lossOut[s] = trainer.step(batch(be, config(), 200 + s, rows[s])).totalLoss();
            }
            List<float[]> w = new ArrayList<>();
            for (Parameter p : model.parameters().all()) {
                w.add(be.toFloats(p.value()));
            }
            return w;
        }
    }

    @Test
    void aSmallerLastBatchStepsOnTheMeanOverItsOwnRowsHoweverItIsSplit() {
        // An epoch's last, smaller batch as --no-drop-remainder trains it: 20 rows after two batches of 48.
        int[] rows = {48, 48, 20};
        List<float[]> w0 = initial();
        double[] wholeLoss = new double[3];
        double[] splitLoss = new double[3];
        List<float[]> whole = train(48, rows, wholeLoss);
        List<float[]> split = train(16, rows, splitLoss);           // 48 = 3 x 16, then 20 = 2 x 10
        List<float[]> uneven = train(7, rows, new double[3]);        // 20 = 6 + 7 + 7: unequal weights
        assertThat(splitLoss[2]).isCloseTo(wholeLoss[2], within(1e-5 * Math.abs(wholeLoss[2])));
        for (List<float[]> other : List.of(split, uneven)) {
            double maxDiff = 0;
            double maxMove = 0;
            for (int k = 0; k < whole.size(); k++) {
                for (int i = 0; i < whole.get(k).length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(whole.get(k)[i] - other.get(k)[i]));
                    maxMove = Math.max(maxMove, Math.abs(whole.get(k)[i] - w0.get(k)[i]));
                }
            }
            assertThat(maxMove).isGreaterThan(0.01);
            assertThat(maxDiff).isLessThan(1e-4 * maxMove);
        }
    }

    @Test
    void aScopedStepEqualsTheSameStepWithFreshMemory() {
        ModelConfig config = config();
        List<float[]> scoped = new ArrayList<>();
        List<float[]> fresh = new ArrayList<>();
        try (CpuBackend be = new CpuBackend(2)) {
            CtrModel model = Models.create(config, be, 9);
            Trainer trainer = new Trainer(model, new Adam(0.01, 0));
            for (int s = 0; s < 4; s++) {
                trainer.step(batch(be, config, s));
            }
            model.parameters().all().forEach(p -> scoped.add(be.toFloats(p.value())));
        }
        try (CpuBackend be = new CpuBackend(2)) {
            CtrModel model = Models.create(config, be, 9);
            Adam adam = new Adam(0.01, 0);
            for (int s = 0; s < 4; s++) {
                for (Parameter p : model.parameters().all()) {
                    be.fill(p.grad(), 0);
                }
                model.forward(batch(be, config, s));
                model.backward();
                adam.step(model.parameters());
            }
            model.parameters().all().forEach(p -> fresh.add(be.toFloats(p.value())));
        }
        assertThat(scoped).usingRecursiveComparison().isEqualTo(fresh);
    }
}
