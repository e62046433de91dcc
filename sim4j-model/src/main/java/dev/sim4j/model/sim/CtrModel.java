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

    /**
     * Training forward: logits [B] and the losses, written on the device into the model's losses tensor with the
     * pass's weight (dropout active if configured, drawn from the pass's step counter); keeps what the backward needs.
     * Reads nothing back from the device.
     */
    ModelOutput forward(ModelInput input, ForwardPass pass);

    /** {@link #forward(ModelInput, ForwardPass)} of a whole batch without a trainer (no step counter for dropout). */
    default ModelOutput forward(ModelInput input) {
        return forward(input, ForwardPass.whole(null));
    }

    /** Accumulates the gradients of the last forward's total loss into every parameter's gradient. */
    void backward();

    /** Inference: the prediction logit [B], no dropout, no losses (the label is not read); reads nothing back. */
    Tensor predict(ModelInput input);

    /**
     * {@link #predict(ModelInput)} for rows in groups that share the user and the short history ({@code shared}
     * must describe the input truly): the same logits, with the candidate-independent work done once per group. The
     * default ignores the groups (a model with nothing to share).
     */
    default Tensor predict(ModelInput input, SharedRows shared) {
        return predict(input);
    }
}
