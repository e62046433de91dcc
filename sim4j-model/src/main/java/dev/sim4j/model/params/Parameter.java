package dev.sim4j.model.params;

import dev.sim4j.engine.Tensor;

/**
 * A trainable tensor and its gradient, both on the model's backend. {@code name} is the checkpoint name of
 * checkpoint-format.md (e.g. {@code stage_two_mlp.dense_0.kernel}); dense kernels are stored [in, out].
 *
 * @param name  checkpoint name
 * @param value the weights
 * @param grad  dLoss/dvalue, same shape; layers accumulate into it, the trainer zeroes it each step
 */
public record Parameter(String name, Tensor value, Tensor grad) {
    public int[] shape() {
        return value.shape();
    }

    public long size() {
        return value.size();
    }
}
