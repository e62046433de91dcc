package dev.sim4j.model.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.testing.TestBatches;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend gives bit-identical logits, losses and gradients for 1, 2 and 4 worker threads, for every model,
 * at the reference's sizes (E = 16, H = 96, history 100, K = 50).
 */
class ThreadDeterminismTest {
    record Step(float[] logits, double loss, Map<String, float[]> grads) {
    }

    static Step run(ModelType type, int threads, long seed) {
        try (CpuBackend be = new CpuBackend(threads)) {
            ModelConfig config = ModelConfig.defaults(type, 300, 2000, 40);
            CtrModel model = Models.create(config, be, seed);
            int[] lengths = new int[48];
            for (int b = 0; b < lengths.length; b++) {
                lengths[b] = (b * 37) % 101;
            }
            lengths[0] = 1;
            ModelOutput out = model.forward(TestBatches.create(be, config, seed + 1, lengths));
            model.backward();
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Parameter p : model.parameters().all()) {
                grads.put(p.name(), be.toFloats(p.grad()));
            }
            return new Step(be.toFloats(out.logit()), out.totalLoss(), grads);
        }
    }

    @Test
    void oneTwoAndFourThreadsAgreeBitForBit() {
        long seed = 20261128L;
        System.out.println("seed " + seed);
        for (ModelType type : ModelType.values()) {
            Step one = run(type, 1, seed);
            for (int threads : new int[] {2, 4}) {
                Step other = run(type, threads, seed);
                assertThat(other.logits()).as(type + " logits, %d threads", threads).isEqualTo(one.logits());
                assertThat(other.loss()).as(type + " loss, %d threads", threads).isEqualTo(one.loss());
                for (var e : one.grads().entrySet()) {
                    assertThat(other.grads().get(e.getKey())).as(type + " " + e.getKey() + ", %d threads", threads)
                            .isEqualTo(e.getValue());
                }
            }
            assertThat(one.grads().values().stream().anyMatch(g -> {
                for (float v : g) {
                    if (v != 0) {
                        return true;
                    }
                }
                return false;
            })).as("some gradient is non-zero").isTrue();
        }
    }
}
