package dev.sim4j.train.baseline;

import dev.sim4j.train.metrics.Metrics;

/**
 * The metrics of one baseline kind on one mapping.
 *
 * @param kind    the scorer
 * @param mapping the mapping scored (usually {@code test})
 * @param metrics exact AUC, the 8000-threshold AUC, rows and positives; {@link Metrics#loss()} is the log loss for
 *                kinds whose score is a probability ({@link BaselineKind#probability()}) and NaN for the others
 * @param seconds wall time of the scoring pass over the mapping (shared by every kind scored in that pass)
 */
public record BaselineResult(BaselineKind kind, String mapping, Metrics metrics, double seconds) {
    /** Whether {@link Metrics#loss()} means anything for this kind. */
    public boolean hasLoss() {
        return kind.probability();
    }
}
