package dev.sim4j.model.sim;

import dev.sim4j.engine.Tensor;

/**
 * The result of a training forward pass. The losses stay on the device: {@code losses} is the model's own [2] tensor
 * (classification, auxiliary), allocated outside any scope and overwritten by the next forward, so a step never
 * waits for them; read it after the step.
 *
 * @param logit         the prediction logit [B] (SIM: stage two)
 * @param stageOneLogit SIM's GSU logit [B]; null for DIEN and DIN
 * @param losses        [2]: the classification loss (SIM: 0.5 (BCE1 + BCE2); DIEN, DIN: BCE) and DIEN's auxiliary
 *                      loss (0 for DIN), each weighted by the pass's loss weight
 */
public record ModelOutput(Tensor logit, Tensor stageOneLogit, Tensor losses) {
    /** The index of the classification loss in {@link #losses}. */
    public static final int CLASSIFICATION = 0;
    /** The index of the auxiliary loss in {@link #losses}. */
    public static final int AUXILIARY = 1;

    // Read as doubles: in a float64 backend (the gradient checks) the losses keep their full precision.

    /** The classification loss, read from the device (a transfer: never inside a step). */
    public double classificationLoss() {
        return losses.backend().toDoubles(losses)[CLASSIFICATION];
    }

    /** The auxiliary loss, read from the device (a transfer: never inside a step). */
    public double auxiliaryLoss() {
        return losses.backend().toDoubles(losses)[AUXILIARY];
    }

    /** Classification + auxiliary, read from the device in one transfer (never inside a step). */
    public double totalLoss() {
        double[] l = losses.backend().toDoubles(losses);
        return l[CLASSIFICATION] + l[AUXILIARY];
    }

    /** Classification + auxiliary of losses read to the host, in double. */
    public static double total(float[] losses) {
        return (double) losses[CLASSIFICATION] + losses[AUXILIARY];
    }
}
