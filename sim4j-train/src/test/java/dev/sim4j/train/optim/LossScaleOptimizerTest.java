package dev.sim4j.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ForwardPass;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.model.testing.TestBatches;
import dev.sim4j.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Dynamic loss scaling (the reference's LossScaleOptimizer, here for float16 activations) on the CPU backend, where
 * activations are float32: scaling every loss gradient by a power of two and dividing the parameter gradients by it
 * again is exact there, so a loss-scaled run must give the plain run's weights bit for bit; a step with an overflow is
 * skipped whole and halves the scale; finite steps grow it; its state is the optimizer's.
 */
class LossScaleOptimizerTest {
    private static final int ROWS = 64;

    private static ModelConfig config(ModelType type) {
        return ModelConfig.defaults(type, 40, 300, 12);
    }

    private record Run(List<float[]> weights, List<float[]> losses, float scale, long steps) {
    }

    private static Run train(ModelType type, String optimizer, boolean scaled, float initialScale, int growth,
                             int steps) {
        try (CpuBackend be = new CpuBackend(2)) {
            ModelConfig c = config(type);
            CtrModel model = Models.create(c, be, 9);
            Optimizer base = Optimizers.create(optimizer, 0.01, 0);
            LossScaleOptimizer ls = scaled ? new LossScaleOptimizer(base, initialScale, growth) : null;
            Trainer trainer = new Trainer(model, scaled ? ls : base, 512);
            List<float[]> losses = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                int[] lengths = new int[ROWS];
                for (int i = 0; i < ROWS; i++) {
                    lengths[i] = new SplittableRandom(50 + 1000L * s + i).nextInt(c.historyLength() + 1);
                }
                losses.add(be.toFloats(trainer.step(TestBatches.create(be, c, 70 + s, lengths)).losses()));
            }
            List<float[]> w = new ArrayList<>();
            for (Parameter p : model.parameters().all()) {
                w.add(be.toFloats(p.value()));
            }
            float scale = scaled ? be.toFloats(ls.scale(model.parameters()))[0] : Float.NaN;
            return new Run(w, losses, scale, (scaled ? ls : base).steps());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SIM:adam", "SIM:lazy_adam", "DIEN:sgd", "DIN:adam"})
    void aPowerOfTwoLossScaleGivesThePlainRunsWeightsBitForBit(String spec) {
        ModelType type = ModelType.valueOf(spec.split(":")[0]);
        String optimizer = spec.split(":")[1];
        Run plain = train(type, optimizer, false, 1, 1, 4);
        // 2^10 stays well inside float32's range for these gradients; growth after 2 steps doubles it twice.
        Run scaled = train(type, optimizer, true, 1024f, 2, 4);
        assertThat(scaled.scale()).isEqualTo(4096f);
        assertThat(scaled.steps()).isEqualTo(plain.steps()).isEqualTo(4);
        for (int s = 0; s < 4; s++) {
            assertThat(scaled.losses().get(s)).as("losses of step " + (s + 1)).containsExactly(plain.losses().get(s));
        }
        for (int k = 0; k < plain.weights().size(); k++) {
            assertThat(scaled.weights().get(k)).as(spec + " parameter " + k).containsExactly(plain.weights().get(k));
        }
    }

    @Test
    void aStepWithAnInfiniteGradientIsSkippedWholeAndHalvesTheScale() {
        try (CpuBackend be = new CpuBackend(2)) {
            ModelConfig c = config(ModelType.SIM);
            CtrModel model = Models.create(c, be, 9);
            LossScaleOptimizer ls = new LossScaleOptimizer(new Adam(0.01, 0), 256f, 2000);
            Map<String, Tensor> state = ls.state(model.parameters());
            Tensor counter = be.zeros(DType.I32, 1);
            List<float[]> before = new ArrayList<>();
            for (Parameter p : model.parameters().all()) {
                before.add(be.toFloats(p.value()));
            }
            List<float[]> stateBefore = state.values().stream().map(be::toFloats).toList();
            for (int attempt = 0; attempt < 2; attempt++) {
                backward(be, c, model, counter, ls.scale(model.parameters()));
                // An overflow in the backward, as a too large scale gives in float16: one row of the item table.
                Tensor g = model.parameters().get("embedding.item").grad();
                be.fill(g.rows(5, 6), attempt == 0 ? Float.POSITIVE_INFINITY : Float.NaN);
                ls.step(model.parameters());
            }
            assertThat(be.toFloats(ls.scale(model.parameters()))).containsExactly(64f);
            assertThat(ls.steps()).as("skipped steps leave Adam's count").isZero();
            List<Parameter> ps = model.parameters().all();
            for (int k = 0; k < ps.size(); k++) {
                assertThat(be.toFloats(ps.get(k).value())).as(ps.get(k).name()).containsExactly(before.get(k));
            }
            List<Tensor> now = List.copyOf(state.values());
            for (int k = 0; k < now.size(); k++) {
                if (!List.copyOf(state.keySet()).get(k).startsWith("loss_scale")) {
                    assertThat(be.toFloats(now.get(k))).containsExactly(stateBefore.get(k));
                }
            }
            // The next finite step applies, counts and keeps the scale.
            backward(be, c, model, counter, ls.scale(model.parameters()));
            ls.step(model.parameters());
            assertThat(ls.steps()).isEqualTo(1);
            assertThat(be.toFloats(ls.scale(model.parameters()))).containsExactly(64f);
            assertThat(be.toFloats(state.get("loss_scale.good_steps"))).containsExactly(1f);
            assertThat(be.toFloats(ps.get(0).value())).isNotEqualTo(before.get(0));
        }
    }

    private static void backward(CpuBackend be, ModelConfig c, CtrModel model, Tensor counter, Tensor scale) {
        for (Parameter p : model.parameters().all()) {
            be.fill(p.grad(), 0);
        }
        int[] lengths = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            lengths[i] = (i * 13) % (c.historyLength() + 1);
        }
        model.forward(TestBatches.create(be, c, 5, lengths), ForwardPass.whole(counter, scale));
        model.backward();
    }

    @Test
    void theScaleAndItsCountAreSavedWithTheOptimizersState() {
        try (CpuBackend be = new CpuBackend(1)) {
            CtrModel model = Models.create(config(ModelType.DIN), be, 3);
            LossScaleOptimizer ls = new LossScaleOptimizer(new Adam(0.01, 0));
            Map<String, Tensor> state = ls.state(model.parameters());
            assertThat(state).containsKeys("loss_scale.scale", "loss_scale.good_steps");
            assertThat(state.keySet()).containsAll(new Adam(0.01, 0).state(model.parameters()).keySet());
            assertThat(be.toFloats(state.get("loss_scale.scale"))).containsExactly(LossScaleOptimizer.INITIAL_SCALE);
            assertThat(be.toFloats(state.get("loss_scale.good_steps"))).containsExactly(0f);
            assertThat(ls.name()).isEqualTo("adam");
            assertThat(ls.replayable()).isTrue();
            assertThat(LossScaleOptimizer.whereNeeded(ls.inner(), be)).as("float32 activations: no scaling")
                    .isSameAs(ls.inner());
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new LossScaleOptimizer(new LossScaleOptimizer(new Adam(0.01, 0))))
                .hasMessageContaining("already");
        assertThatThrownBy(() -> new LossScaleOptimizer(new Adam(0.01, 0), 0.5f, 10)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new LossScaleOptimizer(new Adam(0.01, 0), 2f, 0)).hasMessageContaining("growth");
    }

}
