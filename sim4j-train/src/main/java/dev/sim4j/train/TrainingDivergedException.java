package dev.sim4j.train;

/**
 * The training loss became NaN or infinite: the run stops at once (the message names the step, the learning rate
 * and what to try); the last good checkpoint stays as it was. The CLI maps it to its own exit code.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;
    private final int epoch;
    private final double loss;

    public TrainingDivergedException(String message) {
        this(message, -1, -1, Double.NaN);
    }

    /** The bare facts, as the {@link Trainer} sees them: global step, epoch and the loss it read. */
    public TrainingDivergedException(long step, int epoch, double loss) {
        this("the loss became " + loss + " at step " + step + " (epoch " + epoch + ")", step, epoch, loss);
    }

    public TrainingDivergedException(String message, long step, int epoch, double loss) {
        super(message);
        this.step = step;
        this.epoch = epoch;
        this.loss = loss;
    }

    /** The global step (1-based) whose loss was not finite; -1 when unknown. */
    public long step() {
        return step;
    }

    /** The epoch (1-based) of that step; -1 when unknown. */
    public int epoch() {
        return epoch;
    }

    /** The loss read at that step (NaN or infinite). */
    public double loss() {
        return loss;
    }
}
