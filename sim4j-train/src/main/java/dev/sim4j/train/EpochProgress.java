package dev.sim4j.train;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;

/**
 * The progress bar of one training epoch on the terminal (standard error): task {@code epoch N/M}, steps done out of
 * the epoch's steps (rows / batch size, the last incomplete batch dropped), elapsed and remaining time, and the
 * running mean loss and samples per second, e.g.
 * {@code epoch 1/2  50% [==========>          ]  97/192 0:05<0:04 loss 0.6968, 2,486 samples/s}, laid out by
 * {@link ProgressLine} to fit the terminal's width (an 80-column one included). Shows nothing when it is disabled or
 * the process has no terminal ({@code System.console()} is null, e.g. output redirected to a file or a test), so
 * logs stay clean. Feed it as the {@link Trainer.StepListener} of
 * {@link Trainer#trainEpoch(dev.sim4j.data.dataset.Dataset, String, int, int, long, dev.sim4j.train.report.MetricsLog,
 * int, Trainer.StepListener)}; close it when the epoch ends.
 */
public final class EpochProgress implements Trainer.StepListener, AutoCloseable {
    private final ProgressBar bar;

    private EpochProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * A bar for epoch {@code epoch} of {@code epochs} that takes {@code steps} steps, or one that shows nothing when
     * {@code enabled} is false or there is no terminal.
     */
    public static EpochProgress start(boolean enabled, int epoch, int epochs, long steps) {
        if (!enabled || !onTerminal()) {
            return new EpochProgress(null);
        }
        return new EpochProgress(ProgressLine.start("epoch " + epoch + "/" + epochs, steps));
    }

    /** Whether there is a terminal to draw on. */
    static boolean onTerminal() {
        return ProgressLine.onTerminal();
    }

    /** Whether this one draws anything. */
    boolean visible() {
        return bar != null;
    }

    @Override
    public void stepDone(long steps, long samples, double meanTotalLoss, double samplesPerSecond) {
        if (bar != null) {
            bar.stepTo(steps);
            bar.setExtraMessage(message(meanTotalLoss, samplesPerSecond));
        }
    }

    /** The text after the bar: running mean loss and throughput. */
    static String message(double meanTotalLoss, double samplesPerSecond) {
        return String.format(Locale.ROOT, "loss %.4f, %,.0f samples/s", meanTotalLoss, samplesPerSecond);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
