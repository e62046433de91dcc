package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.engine.testing.TransferCountingBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelOutput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.optim.Optimizers;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A training step and an inference step never wait for the device (ADR 0006): between the upload of the batch and
 * the caller's read of the losses or logits, nothing is read back to the host and nothing is uploaded. Counted on
 * the CPU backend through {@link TransferCountingBackend}, which sees every call.
 */
class StepTransferTest {
    private static final int BATCH = 24;

    private static ModelInput batch(Backend be, ModelConfig c, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int t = c.historyLength();
        int[] uid = new int[BATCH];
        int[] item = new int[BATCH];
        int[] cat = new int[BATCH];
        int[] hi = new int[BATCH * t];
        int[] hc = new int[BATCH * t];
        int[] ni = new int[BATCH * t];
        int[] nc = new int[BATCH * t];
        float[] label = new float[BATCH];
        for (int r = 0; r < BATCH; r++) {
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
        return new ModelInput(be.upload(uid, BATCH), be.upload(item, BATCH), be.upload(cat, BATCH),
                be.upload(hi, BATCH, t), be.upload(hc, BATCH, t), be.upload(ni, BATCH, t), be.upload(nc, BATCH, t),
                be.upload(label, BATCH));
    }

    @ParameterizedTest(name = "{0} with {1}, micro-batch {2}, dropout {3}")
    @CsvSource({
        "SIM, adam, 4096, -1", "SIM, lazy_adam, 4096, -1", "SIM, adam, 10, -1", "SIM, lazy_adam, 7, 0.2",
        "DIEN, adam, 4096, -1", "DIEN, lazy_adam, 10, 0.3", "DIN, adam, 4096, -1", "DIN, sgd, 7, 0.1"})
    void noTransferInsideATrainingOrInferenceStep(ModelType type, String optimizer, int microBatch, double dropout) {
        try (CpuBackend cpu = new CpuBackend(2)) {
            TransferCountingBackend counting = TransferCountingBackend.wrap(cpu);
            Backend be = counting.backend();
            ModelConfig c = ModelConfig.defaults(type, 30, 200, 12).withDropout(dropout);
            CtrModel model = Models.create(c, be, 11);
            Trainer trainer = new Trainer(model, Optimizers.create(optimizer, 0.01, 0), microBatch);
            for (int s = 0; s < 3; s++) {
                ModelInput input = batch(be, c, 40 + s);
                counting.reset();
                ModelOutput out = trainer.step(input);
                assertThat(counting.reads()).as("reads inside Trainer.step " + s).isEmpty();
                assertThat(counting.uploads()).as("uploads inside Trainer.step " + s).isEmpty();
                // After the step, the losses come back in one read.
                assertThat(out.totalLoss()).isPositive().isFinite();
                assertThat(counting.reads()).hasSize(1);
            }
            ModelInput input = batch(be, c, 99);
            counting.reset();
            try (TensorScope scope = be.openScope()) {
                model.predict(input);
            }
            assertThat(counting.reads()).as("reads inside predict").isEmpty();
            assertThat(counting.uploads()).as("uploads inside predict").isEmpty();
        }
    }
}
