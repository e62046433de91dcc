package dev.sim4j.model.sim;

import dev.sim4j.engine.Tensor;

/**
 * How one training forward pass contributes to its step: where its dropout masks come from and how its losses are
 * written into the model's losses tensor ({@link ModelOutput#losses()}). Everything a pass needs from the trainer is
 * on the device already (the step counter) or a constant of the pass (weight, flags), so nothing is read back.
 *
 * @param step        the trainer's step counter, I32 [1], which dropout draws its masks from; null when no trainer
 *                    runs (then dropout, if configured, refuses to run)
 * @param microBatch  the pass's number within its step (0 for a whole batch): a dropout salt, so that the passes of
 *                    one step draw different masks
 * @param lossWeight  the weight of this pass's losses: its share of the step's rows (1 for a whole batch)
 * @param accumulate  add the weighted losses to the tensor (every micro-batch after the first) instead of
 *                    overwriting it
 * @param lossScale   dynamic loss scaling's current scale, F32 [1] on the device, which every loss gradient is
 *                    multiplied by (the trainer divides the parameters' gradients by it again); null for none
 */
public record ForwardPass(Tensor step, int microBatch, double lossWeight, boolean accumulate, Tensor lossScale) {
    /** A pass without loss scaling. */
    public ForwardPass(Tensor step, int microBatch, double lossWeight, boolean accumulate) {
        this(step, microBatch, lossWeight, accumulate, null);
    }

    /** A whole batch in one pass: weight 1, losses overwritten, no loss scaling. */
    public static ForwardPass whole(Tensor step) {
        return whole(step, null);
    }

    /** A whole batch in one pass with the loss scale {@code lossScale} (null for none). */
    public static ForwardPass whole(Tensor step, Tensor lossScale) {
        return new ForwardPass(step, 0, 1, false, lossScale);
    }
}
