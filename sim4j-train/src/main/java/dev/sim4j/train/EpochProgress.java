package dev.sim4j.train;

import java.io.Console;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar of one training epoch on the terminal (standard error): task {@code epoch N/M}, steps done out of
 * the epoch's steps (rows / batch size, the last incomplete batch dropped), elapsed time and ETA, and the running mean
 * loss and samples per second, e.g.
 * {@code epoch 1/2  50% [=====     ]  97/192 (0:00:05 / 0:00:04) loss 0.6968, 2,486 samples/s}. Shows nothing when it is
 * disabled or the process has no terminal ({@code System.console()} is null, e.g. output redirected to a file or a
 * test), so logs stay clean. Feed it as the {@link Trainer.StepListener} of
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
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("epoch " + epoch + "/" + epochs)
                .setInitialMax(Math.max(1, steps))
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new EpochProgress(bar);
    }

    /** Whether there is a terminal to draw on. */
    static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
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
