package dev.sim4j.model.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.testing.TestBatches;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On the float CPU backend that serves, at the reference's sizes, {@code predict} (which skips what only the training
 * loss reads: SIM's stage-one classifier and the GSU's attended vector) gives exactly the stage-two logit of the
 * training forward with dropout off, and SIM's search selects the same events with the same weights.
 */
class InferenceLogitTest {
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void predictGivesTheTrainingForwardsLogitBitForBit(ModelType type) {
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                ModelConfig c = ModelConfig.defaults(type, 300, 2000, 40);
                CtrModel model = Models.create(c, be, 20261203L);
                // Long parts longer and shorter than K, an empty one, a partly padded short history.
                ModelInput in = TestBatches.create(be, c, 5, 100, 95, 61, 50, 12, 7, 3);
                float[] trained = be.toFloats(model.forward(in).logit());
                int[] trainedPicks = model instanceof SimModel sim ? be.toInts(sim.selectedPositions()) : null;
                float[] trainedWeights = model instanceof SimModel sim ? be.toFloats(sim.selectedWeights()) : null;
                float[] predicted = be.toFloats(model.predict(in));
                assertThat(predicted).as(type + ", %d threads", threads).isEqualTo(trained);
                if (model instanceof SimModel sim) {
                    assertThat(be.toInts(sim.selectedPositions())).isEqualTo(trainedPicks);
                    assertThat(be.toFloats(sim.selectedWeights())).isEqualTo(trainedWeights);
                }
            }
        }
    }
}
