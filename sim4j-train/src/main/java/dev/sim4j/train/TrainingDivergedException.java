package dev.sim4j.train;

/**
 * The training loss became NaN or infinite: the run stops at once (the message names the step, the learning rate
 * and what to try); the last good checkpoint stays as it was. The CLI maps it to its own exit code.
 */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
