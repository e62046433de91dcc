package dev.sim4j.train.optim;

import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.ParameterSet;
import java.util.Map;

/**
 * Updates a model's parameters from their accumulated gradients, once per training step, on the parameters'
 * backend. Its state (moments, step count) is exposed as named tensors so that checkpoints can save it beside the
 * weights and a resumed run continues bit for bit.
 */
public interface Optimizer {
    /** The name used on the command line and in checkpoints: {@code adam}, {@code lazy_adam} or {@code sgd}. */
    String name();

    /** Applies one update to every parameter of {@code params} from its gradient (gradients are left untouched). */
    default void step(ParameterSet params) {
        step(params, null);
    }

    /**
     * As above, but the update (step count included where it lives on the device) happens only when {@code apply}
     * (I32 [1] on the parameters' backend, read there; null for always) is not 0: a step that dynamic loss scaling
     * skips ({@link LossScaleOptimizer}).
     */
    void step(ParameterSet params, Tensor apply);

    /** Steps taken so far. */
    long steps();

    /** State tensors by name (e.g. {@code embedding.item.m}), allocated on first use; empty for plain SGD. */
    Map<String, Tensor> state(ParameterSet params);

    /** Restores the step count after loading {@link #state} tensors from a checkpoint. */
    void restoreSteps(long steps);

    /**
     * Whether an update keeps all its state on the device (step count included), so that a recorded step replayed
     * without this object's Java code (a CUDA graph) still advances it. Plain SGD counts its steps on the host.
     */
    default boolean replayable() {
        return false;
    }
}
