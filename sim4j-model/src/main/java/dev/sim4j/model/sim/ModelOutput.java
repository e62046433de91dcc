package dev.sim4j.model.sim;

import dev.sim4j.engine.Tensor;

/**
 * The result of a training forward pass.
 *
 * @param logit              the prediction logit [B] (SIM: stage two)
 * @param stageOneLogit      SIM's GSU logit [B]; null for DIEN and DIN
 * @param classificationLoss SIM: 0.5 (BCE1 + BCE2); DIEN, DIN: BCE
 * @param auxiliaryLoss      DIEN's auxiliary loss (0 for DIN)
 * @param totalLoss          classification + auxiliary
 */
public record ModelOutput(Tensor logit, Tensor stageOneLogit, double classificationLoss, double auxiliaryLoss,
                          double totalLoss) {
}
