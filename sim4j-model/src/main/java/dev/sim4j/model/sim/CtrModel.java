package dev.sim4j.model.sim;

import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.ParameterSet;

/**
 * A click-through-rate model (SIM, DIEN or DIN) that owns its parameters and computes their gradients explicitly:
 * {@link #forward} then {@link #backward} adds dTotalLoss/dParameter to every parameter's gradient (the caller zeroes
 * the gradients between steps). Not thread-safe: one forward/backward at a time.
 */
public interface CtrModel {
    ModelConfig config();

    /** Every parameter, with the names and shapes of checkpoint-format.md. */
    ParameterSet parameters();

    /** Training forward: logits [B], losses (dropout active if configured); keeps what the backward needs. */
    ModelOutput forward(ModelInput input);

    /** Accumulates the gradients of the last forward's total loss into every parameter's gradient. */
    void backward();

    /** Inference: the prediction logit [B], no dropout, no losses (the label is not read). */
    Tensor predict(ModelInput input);
}
