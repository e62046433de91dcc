package dev.sim4j.train.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One training step, logged as {@code {"type": "step", "step", "epoch", "classification_loss", "dien_aux_loss",
 * "total_loss", "samples/s"}}.
 *
 * @param step               global step number, counted over all epochs
 * @param epoch              epoch the step belongs to (1-based)
 * @param classificationLoss the batch's classification loss (SIM: mean of the two stages' BCE)
 * @param dienAuxLoss        the batch's DIEN auxiliary loss; null for models without one (DIN)
 * @param totalLoss          the batch's total loss, the one that is minimised
 * @param samplesPerSecond   training throughput over this step
 */
@JsonPropertyOrder({"step", "epoch", "classification_loss", "dien_aux_loss", "total_loss", "samples/s"})
public record StepRecord(
        @JsonProperty("step") long step,
        @JsonProperty("epoch") int epoch,
        @JsonProperty("classification_loss") double classificationLoss,
        @JsonProperty("dien_aux_loss") Double dienAuxLoss,
        @JsonProperty("total_loss") double totalLoss,
        @JsonProperty("samples/s") double samplesPerSecond) implements LogRecord {
}
