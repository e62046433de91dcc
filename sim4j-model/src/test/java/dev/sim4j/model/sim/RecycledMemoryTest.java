package dev.sim4j.model.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.testing.TestBatches;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The models' use of unzeroed ({@code empty}) and recycled tensors is safe: with every empty tensor filled with NaN and
 * three steps run inside scopes (so steps two and three get the first step's memory back), logits, losses and
 * gradients are bit-identical to runs on freshly zeroed memory. A kernel that read an output it should overwrite would
 * turn them into NaN or change them.
 */
class RecycledMemoryTest {
    private static List<float[]> run(ModelType type, boolean poisonAndRecycle) {
        List<float[]> seen = new ArrayList<>();
        try (CpuBackend be = new CpuBackend(2, poisonAndRecycle)) {
            ModelConfig config = ModelConfig.defaults(type, 300, 2000, 40);
            CtrModel model = Models.create(config, be, 3);
            for (int step = 0; step < 3; step++) {
                int[] lengths = new int[40];
                for (int b = 0; b < lengths.length; b++) {
                    lengths[b] = (b * 37 + step * 11) % 101;
                }
                var input = TestBatches.create(be, config, 10 + step, lengths);
                TensorScope scope = poisonAndRecycle ? be.openScope() : TensorScope.NONE;
                try (scope) {
                    for (Parameter p : model.parameters().all()) {
                        be.fill(p.grad(), 0);
                    }
                    ModelOutput out = model.forward(input);
                    model.backward();
                    seen.add(be.toFloats(out.logit()));
                    seen.add(new float[] {(float) out.totalLoss(), (float) out.auxiliaryLoss()});
                    for (Parameter p : model.parameters().all()) {
                        seen.add(be.toFloats(p.grad()));
                    }
                    seen.add(be.toFloats(model.predict(input)));
                }
            }
        }
        return seen;
    }

    @Test
    void poisonedRecycledMemoryChangesNothing() {
        for (ModelType type : ModelType.values()) {
            List<float[]> fresh = run(type, false);
            List<float[]> recycled = run(type, true);
            assertThat(recycled).hasSameSizeAs(fresh);
            for (int i = 0; i < fresh.size(); i++) {
                assertThat(recycled.get(i)).as(type + " output " + i).isEqualTo(fresh.get(i));
            }
        }
    }
}
